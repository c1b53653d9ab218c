#include "intake_store.hpp"

#include <algorithm>

#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_events.pb.h"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::mentalhealth {
namespace {

constexpr char kNew[] = "NEW";
constexpr char kOpen[] = "OPEN";
constexpr char kRiskRequired[] = "RISK_REQUIRED";
constexpr char kCompleted[] = "COMPLETED";
constexpr int kMaxChildren = 20;

std::string IntakeKey(const std::string& id) { return "intake:" + id; }

absl::Status NoSuchIntake() { return absl::NotFoundError("intake_id: no such intake"); }

absl::Status ValidateIntakeId(const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError("intake_id: required");
  if (ShardKeyOfIntakeId(id).empty()) return absl::InvalidArgumentError("intake_id: not an intake id");
  return absl::OkStatus();
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

std::string StatusOf(const v1::Intake& intake) {
  if (intake.state() == v1::INTAKE_STATE_COMPLETED) return kCompleted;
  if (intake.state() == v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED) return kRiskRequired;
  return intake.screenings_size() == 0 ? kNew : kOpen;
}

std::string SexText(Sex sex) { return sex == Sex::kMale ? "m" : sex == Sex::kFemale ? "f" : ""; }
Sex SexFrom(const std::string& text) {
  return text == "m" ? Sex::kMale : text == "f" ? Sex::kFemale : Sex::kOtherOrUnknown;
}

}  // namespace

std::string ShardKeyOfIntakeId(const std::string& intake_id) { return ids::ShardKeyOfId(intake_id, "int"); }

IntakeStore::IntakeStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
                         IntakeSettings settings)
    : pool_(pool), keyspace_(keyspace), pseudonymizer_(pseudonymizer), settings_(std::move(settings)) {}

absl::StatusOr<v1::Intake> IntakeStore::StartIntake(const std::string& idempotency_key,
                                                    const v1::StartIntakeRequest& request) {
  auto today = settings_.today();
  std::string pseudonym;
  int age = 0;
  Sex sex = Sex::kOtherOrUnknown;
  v1::StartIntakeRequest for_fingerprint = request;
  switch (request.person_case()) {
    case v1::StartIntakeRequest::kIdentityCode: {
      std::string code = hetu::NormalizeIdentityCode(request.identity_code());
      if (code.empty()) return absl::InvalidArgumentError("identity_code: required");
      auto parsed = hetu::ParseIdentityCode(code, {today, settings_.accept_temporary_codes});
      if (!parsed.ok()) return parsed.status();
      pseudonym = pseudonymizer_.Pseudonym(code);
      age = hetu::AgeOn(*parsed, today);
      sex = SexForAuditC(parsed->individual_number);
      // Never fingerprint the code itself (a small space, searchable).
      for_fingerprint.set_identity_code(pseudonym);
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
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), settings_.units); !st.ok()) return st;
  if (request.channel() == v1::INTAKE_CHANNEL_REFERRAL || !request.referral_id().empty()) {
    if (auto st = validate::Identifier("referral_id", request.referral_id()); !st.ok()) return st;
  }

  std::string shard_key = pseudonym.substr(0, 16);
  int shard = keyspace_.ShardFor(shard_key);
  std::string random = ids::RandomHex(8);

  v1::Intake intake;
  intake.set_intake_id(ids::ShardedId("int", shard_key, random.substr(0, 16)));
  intake.set_client_id(pseudonym);
  intake.set_channel(request.channel());
  intake.set_state(v1::INTAKE_STATE_OPEN);
  intake.set_municipality_code(request.municipality_code());
  intake.set_language(request.language());
  intake.set_unit_id(request.unit_id());
  intake.set_age_years(age);
  intake.set_age_known(request.person_case() == v1::StartIntakeRequest::kIdentityCode);
  intake.set_referral_id(request.referral_id());
  *intake.mutable_started_at() = ids::NowTimestamp();
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

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("StartIntake", idempotency_key, ids::RequestFingerprint(for_fingerprint))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(intake.SerializeAsString())
      .RequireAbsent(IntakeKey(intake.intake_id()), absl::AbortedError("intake id collision; retry"))
      .HSet(IntakeKey(intake.intake_id()), "intake", intake.SerializeAsString())
      .HSet(IntakeKey(intake.intake_id()), "status", kNew)
      .HSet(IntakeKey(intake.intake_id()), "version", "1")
      .HSet(IntakeKey(intake.intake_id()), "sex", SexText(sex))
      .Publish(redis::EventFor(event, settings_.source, kTopic, pseudonym));
  return step.ExecuteFor<v1::Intake>(pool_);
}

absl::StatusOr<IntakeStore::Loaded> IntakeStore::Load(const std::string& intake_id) {
  int shard = keyspace_.ShardFor(ShardKeyOfIntakeId(intake_id));
  auto reply =
      pool_.Command({"HMGET", keyspace_.Key(shard, IntakeKey(intake_id)), "intake", "status", "version", "sex"});
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 || r->element[0]->type != REDIS_REPLY_STRING) {
    return NoSuchIntake();
  }
  Loaded loaded;
  if (!loaded.intake.ParseFromString(redis::ReplyString(r->element[0]))) {
    return absl::InternalError("stored intake is corrupt");
  }
  loaded.status = redis::ReplyString(r->element[1]);
  loaded.version = redis::ReplyString(r->element[2]);
  loaded.sex = SexFrom(redis::ReplyString(r->element[3]));
  return loaded;
}

absl::StatusOr<v1::Intake> IntakeStore::Apply(std::string_view scope, const std::string& idempotency_key,
                                              const google::protobuf::Message& request, const Loaded& loaded,
                                              const v1::Intake& updated, const std::vector<StatusCheck>& checks,
                                              const std::vector<const google::protobuf::Message*>& events) {
  const std::string& id = updated.intake_id();
  const std::string& p = updated.client_id();
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(ShardKeyOfIntakeId(id)));
  step.IdempotencyKey(scope, idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(updated.SerializeAsString());
  // The checks run in Redis, after the idempotency record: a retry of a
  // change that was applied replays its answer even though the status moved.
  for (const auto& check : checks) step.RequireFieldIn(IntakeKey(id), "status", check.allowed, check.failure);
  step.CompareAndBumpVersion(IntakeKey(id), loaded.version, "intake_id")
      .HSet(IntakeKey(id), "intake", updated.SerializeAsString())
      .HSet(IntakeKey(id), "status", StatusOf(updated));
  for (const auto* event : events) {
    step.Publish(redis::EventFor(*event, settings_.source, kTopic, p));
  }
  return step.ExecuteFor<v1::Intake>(pool_);
}

const std::vector<IntakeStore::StatusCheck>& IntakeStore::NotCompleted() {
  static const auto* checks = new std::vector<StatusCheck>{
      {{kNew, kOpen, kRiskRequired}, absl::FailedPreconditionError("intake_id: the intake is completed")}};
  return *checks;
}

absl::StatusOr<v1::Intake> IntakeStore::SubmitScreening(const std::string& idempotency_key,
                                                        const v1::SubmitScreeningRequest& request) {
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

  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  v1::Intake intake = loaded->intake;
  const std::string& p = intake.client_id();

  v1::ScreeningResult result;
  result.set_instrument(request.instrument());
  *result.mutable_submitted_at() = ids::NowTimestamp();
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
      AuditCResult r = ScoreAuditC(answers, loaded->sex, settings_.audit_c);
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
    intake.set_risk_assessment_due_date(calendar::FormatDate(settings_.today()));
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

  v1::RiskAssessmentRequired required;
  required.set_intake_id(intake.intake_id());
  required.set_client_pseudonym(p);
  required.set_due_date(intake.risk_assessment_due_date());
  required.set_unit_id(intake.unit_id());

  std::vector<const google::protobuf::Message*> events = {&scored};
  if (newly_required) events.push_back(&required);
  return Apply("SubmitScreening", idempotency_key, request, *loaded, intake, NotCompleted(), events);
}

absl::StatusOr<v1::Intake> IntakeStore::RecordRiskAssessment(const std::string& idempotency_key,
                                                             const v1::RecordRiskAssessmentRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("level", request.level(), &v1::RiskLevel_IsValid); !st.ok()) return st;
  if (auto st = validate::Identifier("assessed_by", request.assessed_by()); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  v1::Intake intake = loaded->intake;
  intake.set_risk_level(request.level());
  intake.set_risk_assessed_by(request.assessed_by());
  if (intake.state() == v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED) intake.set_state(v1::INTAKE_STATE_OPEN);
  Recommend(intake);

  v1::RiskAssessed event;
  event.set_intake_id(intake.intake_id());
  event.set_client_pseudonym(intake.client_id());
  event.set_level(request.level());
  event.set_recommended_level(intake.recommended_level());
  return Apply("RecordRiskAssessment", idempotency_key, request, *loaded, intake, NotCompleted(), {&event});
}

absl::StatusOr<v1::Intake> IntakeStore::RecordChildrenAtHome(const std::string& idempotency_key,
                                                             const v1::RecordChildrenAtHomeRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::InRange("children_count", request.children_count(), 0, kMaxChildren); !st.ok()) return st;
  if (request.children_count() == 0 && request.consent_to_family_centre()) {
    return absl::InvalidArgumentError("consent_to_family_centre: only with children living at home");
  }
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  v1::Intake intake = loaded->intake;
  intake.set_children_recorded(true);
  intake.set_children_count(request.children_count());
  intake.set_consent_to_family_centre(request.consent_to_family_centre());
  // No event: the children and the consent travel once, in IntakeCompleted.
  return Apply("RecordChildrenAtHome", idempotency_key, request, *loaded, intake, NotCompleted(), {});
}

absl::StatusOr<v1::Intake> IntakeStore::CompleteIntake(const std::string& idempotency_key,
                                                       const v1::CompleteIntakeRequest& request) {
  if (auto st = ValidateIntakeId(request.intake_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("chosen_level", request.chosen_level(), &v1::CareLevel_IsValid); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  v1::Intake intake = loaded->intake;
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
  *intake.mutable_completed_at() = ids::NowTimestamp();
  // The care need is assessed today: the day every clock of what follows starts from.
  const auto completed_on = settings_.today();
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

  static const auto* checks = new std::vector<StatusCheck>{
      NotCompleted().front(),
      {{kOpen, kRiskRequired}, absl::FailedPreconditionError("intake_id: no screening submitted yet")},
      {{kOpen},
       absl::FailedPreconditionError("risk_level: a risk assessment is required first (PHQ-9 item 9 above 0)")},
  };
  return Apply("CompleteIntake", idempotency_key, request, *loaded, intake, *checks, {&event});
}

absl::StatusOr<v1::Intake> IntakeStore::GetIntake(const std::string& intake_id) {
  if (auto st = ValidateIntakeId(intake_id); !st.ok()) return st;
  auto loaded = Load(intake_id);
  if (!loaded.ok()) return loaded.status();
  return loaded->intake;
}

}  // namespace yhteys::mentalhealth
