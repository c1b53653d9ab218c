#include "intake.hpp"

#include <algorithm>

#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::mentalhealth {
namespace {

constexpr int kMaxChildren = 20;

const StatusCheck& NotCompleted() {
  static const auto* check = new StatusCheck{{kStatusNew, kStatusOpen, kStatusRiskRequired},
                                             absl::FailedPreconditionError("intake_id: the intake is completed")};
  return *check;
}

IntakeChange Changed(const v1::Intake& current) {
  IntakeChange change;
  change.intake = current;
  change.checks.push_back(NotCompleted());
  return change;
}

v1::Severity SeverityOf(Phq9Band band) {
  switch (band) {
    case Phq9Band::kMinimal: return v1::SEVERITY_MINIMAL;
    case Phq9Band::kMild: return v1::SEVERITY_MILD;
    case Phq9Band::kModerate: return v1::SEVERITY_MODERATE;
    case Phq9Band::kModeratelySevere: return v1::SEVERITY_MODERATELY_SEVERE;
    case Phq9Band::kSevere: return v1::SEVERITY_SEVERE;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

v1::Severity SeverityOf(Gad7Band band) {
  switch (band) {
    case Gad7Band::kMinimal: return v1::SEVERITY_MINIMAL;
    case Gad7Band::kMild: return v1::SEVERITY_MILD;
    case Gad7Band::kModerate: return v1::SEVERITY_MODERATE;
    case Gad7Band::kSevere: return v1::SEVERITY_SEVERE;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

RiskAssessment RiskOf(v1::RiskLevel level) {
  switch (level) {
    case v1::RISK_LEVEL_LOW: return RiskAssessment::kLow;
    case v1::RISK_LEVEL_MODERATE: return RiskAssessment::kModerate;
    case v1::RISK_LEVEL_HIGH: return RiskAssessment::kHigh;
    default: return RiskAssessment::kNoneRecorded;
  }
}

const v1::ScreeningResult* Latest(const v1::Intake& intake, v1::Instrument instrument) {
  for (const auto& s : intake.screenings()) {
    if (s.instrument() == instrument) return &s;
  }
  return nullptr;
}

// The scoring inputs, rebuilt from the stored results. While a risk
// assessment is required, an earlier assessment does not count.
LevelInputs InputsOf(const v1::Intake& intake) {
  LevelInputs in;
  if (const auto* s = Latest(intake, v1::INSTRUMENT_PHQ9)) {
    in.phq9 = Phq9Result{s->total(), Phq9BandForTotal(s->total()), s->self_harm_item_positive()};
  }
  if (const auto* s = Latest(intake, v1::INSTRUMENT_GAD7)) {
    in.gad7 = Gad7Result{s->total(), Gad7BandForTotal(s->total())};
  }
  if (const auto* s = Latest(intake, v1::INSTRUMENT_AUDIT_C)) {
    in.auditc = AuditCResult{s->total(), 0, s->risky_use()};
  }
  in.risk = intake.state() == v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED ? RiskAssessment::kNoneRecorded
                                                                        : RiskOf(intake.risk_level());
  return in;
}

void Recommend(v1::Intake& intake) {
  Recommendation r = RecommendLevel(InputsOf(intake));
  auto* out = intake.mutable_recommendation();
  out->Clear();
  out->set_level(r.risk_assessment_required ? v1::CARE_LEVEL_UNSPECIFIED : static_cast<v1::CareLevel>(r.level));
  out->set_risk_assessment_required(r.risk_assessment_required);
  for (auto& reason : r.reasons) out->add_reasons(std::move(reason));
  intake.set_recommended_level(out->level());
}

v1::Severity MaxSeverity(const v1::Intake& intake) {
  v1::Severity max = v1::SEVERITY_UNSPECIFIED;
  for (const auto& s : intake.screenings()) {
    if (s.instrument() != v1::INSTRUMENT_AUDIT_C && s.severity() > max) max = s.severity();
  }
  return max;
}

}  // namespace

std::string ShardKeyOfIntakeId(const std::string& intake_id) { return ids::ShardKeyOfId(intake_id, "int"); }

absl::Status ValidateIntakeId(const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError("intake_id: required");
  if (ShardKeyOfIntakeId(id).empty()) return absl::InvalidArgumentError("intake_id: not an intake id");
  return absl::OkStatus();
}

std::string StatusOf(const v1::Intake& intake) {
  if (intake.state() == v1::INTAKE_STATE_COMPLETED) return kStatusCompleted;
  if (intake.state() == v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED) return kStatusRiskRequired;
  return intake.screenings_size() == 0 ? kStatusNew : kStatusOpen;
}

absl::StatusOr<StartedIntake> DecideStartIntake(const v1::StartIntakeRequest& request, const IntakeContext& ctx) {
  StartedIntake started;
  std::string pseudonym;
  int age = 0;
  switch (request.person_case()) {
    case v1::StartIntakeRequest::kIdentityCode: {
      auto person =
          hetu::IdentifyPerson(request.identity_code(), "identity_code",
                               hetu::ValidationOptions{ctx.today, ctx.accept_temporary_codes}, *ctx.pseudonymizer);
      if (!person.ok()) return person.status();
      pseudonym = person->pseudonym;
      age = person->age_years;
      started.sex = SexForAuditC(person->individual_number);
      break;
    }
    case v1::StartIntakeRequest::kClientId:
      if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
      pseudonym = request.client_id();
      break;
    default: return absl::InvalidArgumentError("identity_code: required (or client_id)");
  }
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::IntakeChannel_IsValid); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), *ctx.units); !st.ok()) return st;
  if (request.channel() == v1::INTAKE_CHANNEL_REFERRAL || !request.referral_id().empty()) {
    if (auto st = validate::Identifier("referral_id", request.referral_id()); !st.ok()) return st;
  }

  v1::Intake& intake = started.change.intake;
  intake.set_intake_id(ids::ShardedId("int", pseudonym.substr(0, 16), ctx.new_id_tail));
  intake.set_client_id(pseudonym);
  intake.set_channel(request.channel());
  intake.set_state(v1::INTAKE_STATE_OPEN);
  intake.set_municipality_code(request.municipality_code());
  intake.set_language(request.language());
  intake.set_unit_id(request.unit_id());
  intake.set_age_years(age);
  intake.set_age_known(request.person_case() == v1::StartIntakeRequest::kIdentityCode);
  intake.set_referral_id(request.referral_id());
  *intake.mutable_started_at() = ctx.now;
  Recommend(intake);

  v1::IntakeStarted event;
  event.set_intake_id(intake.intake_id());
  event.set_client_pseudonym(pseudonym);
  event.set_channel(intake.channel());
  event.set_municipality_code(intake.municipality_code());
  event.set_language(intake.language());
  event.set_unit_id(intake.unit_id());
  event.set_age_years(age);
  event.set_referral_id(intake.referral_id());
  started.change.events.push_back(redis::Emit(std::move(event), pseudonym));
  return started;
}

absl::Status ValidateSubmitScreening(const v1::SubmitScreeningRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("instrument", request.instrument(), &v1::Instrument_IsValid); !st.ok()) return st;
  std::vector<int> answers(request.answers().begin(), request.answers().end());
  std::optional<std::string> invalid;
  switch (request.instrument()) {
    case v1::INSTRUMENT_PHQ9: invalid = ValidatePhq9(answers); break;
    case v1::INSTRUMENT_GAD7: invalid = ValidateGad7(answers); break;
    default: invalid = ValidateAuditC(answers); break;
  }
  // The validators name the instrument ("phq9.items[3]: ..."); the request
  // field is `answers`.
  if (invalid) return absl::InvalidArgumentError("answers: " + *invalid);
  return absl::OkStatus();
}

IntakeChange DecideSubmitScreening(const v1::Intake& current, Sex sex, const v1::SubmitScreeningRequest& request,
                                   const IntakeContext& ctx) {
  IntakeChange change = Changed(current);
  v1::Intake& intake = change.intake;
  const std::string& p = intake.client_id();
  std::vector<int> answers(request.answers().begin(), request.answers().end());

  v1::ScreeningResult result;
  result.set_instrument(request.instrument());
  *result.mutable_submitted_at() = ctx.now;
  switch (request.instrument()) {
    case v1::INSTRUMENT_PHQ9: {
      Phq9Result r = ScorePhq9(answers);
      result.set_total(r.total);
      result.set_severity(SeverityOf(r.band));
      result.set_self_harm_item_positive(r.self_harm_item_positive);
      break;
    }
    case v1::INSTRUMENT_GAD7: {
      Gad7Result r = ScoreGad7(answers);
      result.set_total(r.total);
      result.set_severity(SeverityOf(r.band));
      break;
    }
    default: {
      AuditCResult r = ScoreAuditC(answers, sex, ctx.audit_c);
      result.set_total(r.total);
      result.set_risky_use(r.risky_use);
      break;
    }
  }
  // Keep the latest result of each instrument.
  auto* screenings = intake.mutable_screenings();
  screenings->erase(std::remove_if(screenings->begin(), screenings->end(),
                                   [&](const v1::ScreeningResult& s) { return s.instrument() == result.instrument(); }),
                    screenings->end());
  *intake.add_screenings() = result;

  bool newly_required = result.self_harm_item_positive() && intake.state() != v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED;
  if (result.self_harm_item_positive()) {
    // A positive item 9 needs an assessment made after it, even if an
    // earlier one was recorded; a later PHQ-9 with item 9 at 0 does not
    // lift the requirement (only a person's assessment does).
    intake.set_state(v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED);
    intake.set_risk_assessment_due_date(calendar::FormatDate(ctx.today));
  } else if (intake.state() != v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED) {
    intake.set_state(v1::INTAKE_STATE_OPEN);
  }
  Recommend(intake);

  v1::ScreeningScored scored;
  scored.set_intake_id(intake.intake_id());
  scored.set_client_pseudonym(p);
  scored.set_instrument(result.instrument());
  scored.set_total(result.total());
  scored.set_severity(result.severity());
  scored.set_self_harm_item_positive(result.self_harm_item_positive());
  scored.set_risky_use(result.risky_use());
  scored.set_recommended_level(intake.recommended_level());
  scored.set_municipality_code(intake.municipality_code());
  scored.set_language(intake.language());
  change.events.push_back(redis::Emit(std::move(scored), p));

  if (newly_required) {
    v1::RiskAssessmentRequired required;
    required.set_intake_id(intake.intake_id());
    required.set_client_pseudonym(p);
    required.set_due_date(intake.risk_assessment_due_date());
    required.set_unit_id(intake.unit_id());
    change.events.push_back(redis::Emit(std::move(required), p));
  }
  return change;
}

absl::Status ValidateRecordRiskAssessment(const v1::RecordRiskAssessmentRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("level", request.level(), &v1::RiskLevel_IsValid); !st.ok()) return st;
  return validate::Identifier("assessed_by", request.assessed_by());
}

IntakeChange DecideRecordRiskAssessment(const v1::Intake& current, const v1::RecordRiskAssessmentRequest& request) {
  IntakeChange change = Changed(current);
  v1::Intake& intake = change.intake;
  intake.set_risk_level(request.level());
  intake.set_risk_assessed_by(request.assessed_by());
  if (intake.state() == v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED) intake.set_state(v1::INTAKE_STATE_OPEN);
  Recommend(intake);

  v1::RiskAssessed event;
  event.set_intake_id(intake.intake_id());
  event.set_client_pseudonym(intake.client_id());
  event.set_level(request.level());
  event.set_recommended_level(intake.recommended_level());
  change.events.push_back(redis::Emit(std::move(event), intake.client_id()));
  return change;
}

absl::Status ValidateRecordChildrenAtHome(const v1::RecordChildrenAtHomeRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::InRange("children_count", request.children_count(), 0, kMaxChildren); !st.ok()) return st;
  if (request.children_count() == 0 && request.consent_to_family_centre()) {
    return absl::InvalidArgumentError("consent_to_family_centre: only with children living at home");
  }
  return absl::OkStatus();
}

IntakeChange DecideRecordChildrenAtHome(const v1::Intake& current, const v1::RecordChildrenAtHomeRequest& request) {
  IntakeChange change = Changed(current);
  change.intake.set_children_recorded(true);
  change.intake.set_children_count(request.children_count());
  change.intake.set_consent_to_family_centre(request.consent_to_family_centre());
  // No event: the children and the consent travel once, in IntakeCompleted.
  return change;
}

absl::Status ValidateCompleteIntake(const v1::CompleteIntakeRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  return validate::EnumSet("chosen_level", request.chosen_level(), &v1::CareLevel_IsValid);
}

absl::StatusOr<IntakeChange> DecideCompleteIntake(const v1::Intake& current, const v1::CompleteIntakeRequest& request,
                                                  const IntakeContext& ctx) {
  IntakeChange change = Changed(current);
  v1::Intake& intake = change.intake;
  if (intake.state() != v1::INTAKE_STATE_COMPLETED) {
    // Adult services must ask about the client's children (Lastensuojelulaki
    // 417/2007 § 10). Never reset once recorded, so a retry of an applied
    // completion still reaches its replay.
    if (!intake.children_recorded()) {
      return absl::FailedPreconditionError(
          "children_count: record the children living at home before completing the intake");
    }
    if (intake.recommended_level() == v1::CARE_LEVEL_URGENT && request.chosen_level() != v1::CARE_LEVEL_URGENT) {
      return absl::FailedPreconditionError(
          "chosen_level: the risk assessment was high; the intake is completed as URGENT");
    }
  }
  intake.set_chosen_level(request.chosen_level());
  intake.set_state(v1::INTAKE_STATE_COMPLETED);
  *intake.mutable_completed_at() = ctx.now;
  // The care need is assessed today: the day every clock of what follows starts from.
  const auto completed_on = ctx.today;
  intake.set_completed_on(calendar::FormatDate(completed_on));
  // An intake started from a referral's pseudonym has no identity code to read an age from. (An intake stored before
  // age_known existed has it unset: its age is known exactly when it is above 0.)
  std::optional<int> age =
      intake.age_known() || intake.age_years() > 0 ? std::optional<int>(intake.age_years()) : std::nullopt;
  if (TherapyGuaranteeApplies(static_cast<CareLevel>(intake.chosen_level()), age)) {
    auto* clock = intake.mutable_therapy_guarantee_deadline();
    clock->set_due_date(calendar::FormatDate(
        std::chrono::year_month_day{std::chrono::sys_days{completed_on} + std::chrono::days{kTherapyGuaranteeDays}}));
    clock->set_rule("days:" + std::to_string(kTherapyGuaranteeDays));
    clock->set_legal_basis(
        "Terapiatakuu: Terveydenhuoltolaki 1326/2010 as amended in force 1.5.2025 (HE 131/2024; section to be "
        "verified on Finlex), under 23");
  } else {
    intake.clear_therapy_guarantee_deadline();
  }

  v1::IntakeCompleted event;
  event.set_intake_id(intake.intake_id());
  event.set_client_pseudonym(intake.client_id());
  event.set_chosen_level(intake.chosen_level());
  event.set_recommended_level(intake.recommended_level());
  *event.mutable_reasons() = intake.recommendation().reasons();
  event.set_max_severity(MaxSeverity(intake));
  const auto* audit_c = Latest(intake, v1::INSTRUMENT_AUDIT_C);
  event.set_risky_substance_use(audit_c != nullptr && audit_c->risky_use());
  event.set_children_at_home(intake.children_count());
  event.set_consent_to_family_centre(intake.consent_to_family_centre());
  event.set_risk_level(intake.risk_level());
  event.set_municipality_code(intake.municipality_code());
  event.set_language(intake.language());
  event.set_unit_id(intake.unit_id());
  event.set_age_years(intake.age_years());
  event.set_completed_on(intake.completed_on());
  if (intake.has_therapy_guarantee_deadline()) {
    *event.mutable_therapy_guarantee_deadline() = intake.therapy_guarantee_deadline();
  }

  change.events.push_back(redis::Emit(std::move(event), intake.client_id()));
  change.checks.push_back(
      {{kStatusOpen, kStatusRiskRequired}, absl::FailedPreconditionError("intake_id: no screening submitted yet")});
  change.checks.push_back(
      {{kStatusOpen},
       absl::FailedPreconditionError("risk_level: a risk assessment is required first (PHQ-9 item 9 above 0)")});
  return change;
}

}  // namespace yhteys::mentalhealth
