#include "home_care_client.hpp"

#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {
namespace {

constexpr int kMaxVisitsPerWeek = 42;
constexpr int kMaxTasks = 8;
constexpr int kVisitBackdateDays = 30;
constexpr int kAssessmentBackdateDays = 365;
constexpr int kCareAllowanceMinAge = 16;

absl::Status ValidatePlan(const v1::CarePlan& plan, std::chrono::year_month_day today) {
  if (auto st = validate::InRange("plan.visits_per_week", plan.visits_per_week(), 0, kMaxVisitsPerWeek); !st.ok()) {
    return st;
  }
  if (plan.tasks().empty()) return absl::InvalidArgumentError("plan.tasks: at least one required");
  if (plan.tasks_size() > kMaxTasks) {
    return absl::InvalidArgumentError("plan.tasks: at most " + std::to_string(kMaxTasks));
  }
  std::set<int> seen;
  for (int i = 0; i < plan.tasks_size(); ++i) {
    std::string field = "plan.tasks[" + std::to_string(i) + "]";
    if (auto st = validate::EnumSet(field, plan.tasks(i), &v1::CareTask_IsValid); !st.ok()) return st;
    if (!seen.insert(plan.tasks(i)).second) return absl::InvalidArgumentError(field + ": duplicate");
  }
  return calendar::ParsePastDate("plan.valid_from", plan.valid_from(), today, kVisitBackdateDays).status();
}

}  // namespace

int ClientState::AgeOn(std::chrono::year_month_day day) const {
  return born ? hetu::AgeOn(*born, day) : client.age_years();
}

absl::Status ValidateCareAllowance(v1::CareAllowance allowance, int age_years) {
  if (!v1::CareAllowance_IsValid(allowance)) return absl::InvalidArgumentError("care_allowance: unknown value");
  if (allowance != v1::CARE_ALLOWANCE_UNSPECIFIED && age_years < kCareAllowanceMinAge) {
    return absl::InvalidArgumentError(
        "care_allowance: the care allowance for pensioners is paid from age 16; leave it unspecified for a client "
        "under 16");
  }
  return absl::OkStatus();
}

absl::StatusOr<NewClient> DecideRegisterClient(const v1::RegisterClientRequest& request, const HomeCareContext& ctx) {
  auto person = hetu::IdentifyPerson(request.identity_code(), "identity_code", {ctx.today, ctx.accept_temporary_codes},
                                     *ctx.pseudonymizer);
  if (!person.ok()) return person.status();
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), *ctx.units); !st.ok()) return st;
  if (auto st = ValidateCareAllowance(request.care_allowance(), person->age_years); !st.ok()) return st;

  NewClient change;
  v1::Client& client = change.profile;
  client.set_client_id(person->pseudonym);
  client.set_municipality_code(request.municipality_code());
  client.set_language(request.language());
  client.set_unit_id(request.unit_id());
  client.set_age_years(person->age_years);
  client.set_care_allowance(request.care_allowance());
  // So that rules by age read the age on each assessment's date.
  change.born = calendar::FormatDate(person->birth_date);

  v1::ClientRegistered event;
  event.set_client_pseudonym(client.client_id());
  event.set_municipality_code(client.municipality_code());
  event.set_language(client.language());
  event.set_unit_id(client.unit_id());
  event.set_age_years(client.age_years());
  event.set_care_allowance(client.care_allowance());
  change.events.push_back(redis::Emit(std::move(event), client.client_id()));
  return change;
}

absl::StatusOr<ScoredAssessment> ScoreRecordAssessment(const v1::RecordAssessmentRequest& request,
                                                       std::chrono::year_month_day today) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (auto date = calendar::ParsePastDate("assessed_on", request.assessed_on(), today, kAssessmentBackdateDays);
      !date.ok()) {
    return date.status();
  }
  return AssessRai(request.items(), request.has_certified_scales() ? &request.certified_scales() : nullptr);
}

absl::StatusOr<RecordedAssessment> DecideRecordAssessment(const ClientState& current,
                                                          const v1::RecordAssessmentRequest& request,
                                                          const ScoredAssessment& scored, const HomeCareContext& ctx) {
  auto assessed_on = calendar::ParseDate(request.assessed_on());
  if (!assessed_on.ok()) return assessed_on.status();
  // The rules by age (23, 75) and the allowance's age limit read the age on the assessment's own date.
  const int age_on_assessment = current.AgeOn(*assessed_on);
  if (auto st = ValidateCareAllowance(request.care_allowance(), age_on_assessment); !st.ok()) return st;
  RecordedAssessment change;
  v1::Client client = current.client;
  if (request.care_allowance() != v1::CARE_ALLOWANCE_UNSPECIFIED &&
      request.care_allowance() != client.care_allowance()) {
    client.set_care_allowance(request.care_allowance());
    change.profile = client;
  }

  v1::Assessment& assessment = change.assessment;
  assessment.set_assessment_id(ctx.new_id);
  assessment.set_assessed_on(request.assessed_on());
  *assessment.mutable_scales() = scored.scales;
  assessment.set_scales_source(scored.source);
  *assessment.mutable_computed_scales() = scored.computed;
  for (const auto& d : scored.disagreements) *assessment.add_disagreements() = d;
  assessment.set_maple_provenance(scored.maple_provenance);
  assessment.set_comatose(scored.comatose);

  v1::AssessmentRecorded event;
  event.set_assessment_id(assessment.assessment_id());
  event.set_client_pseudonym(request.client_id());
  event.set_assessed_on(request.assessed_on());
  *event.mutable_scales() = assessment.scales();
  event.set_municipality_code(client.municipality_code());
  event.set_language(client.language());
  event.set_age_years(age_on_assessment);
  event.set_unit_id(client.unit_id());
  event.set_scales_source(assessment.scales_source());
  *event.mutable_computed_scales() = assessment.computed_scales();
  *event.mutable_disagreements() = assessment.disagreements();
  event.set_maple_provenance(assessment.maple_provenance());
  event.set_care_allowance(client.care_allowance());
  event.set_highest_care_allowance(client.care_allowance() == v1::CARE_ALLOWANCE_HIGHEST);
  event.set_comatose(assessment.comatose());
  change.events.push_back(redis::Emit(std::move(event), request.client_id()));

  v1::RecordAssessmentResponse& response = change.response;
  response.set_assessment_id(assessment.assessment_id());
  *response.mutable_scales() = assessment.scales();
  response.set_scales_source(assessment.scales_source());
  *response.mutable_computed_scales() = assessment.computed_scales();
  *response.mutable_disagreements() = assessment.disagreements();
  response.set_maple_provenance(assessment.maple_provenance());
  return change;
}

absl::Status ValidateSetCarePlan(const v1::SetCarePlanRequest& request, std::chrono::year_month_day today) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (!request.has_plan()) return absl::InvalidArgumentError("plan: required");
  return ValidatePlan(request.plan(), today);
}

CarePlanChange DecideSetCarePlan(const v1::Client& current, const v1::SetCarePlanRequest& request) {
  CarePlanChange change;
  change.client = current;
  *change.client.mutable_care_plan() = request.plan();
  v1::CarePlanSet event;
  event.set_client_pseudonym(request.client_id());
  *event.mutable_plan() = request.plan();
  event.set_unit_id(current.unit_id());
  change.events.push_back(redis::Emit(std::move(event), request.client_id()));
  return change;
}

int MissedStreakAfter(int streak, v1::VisitOutcome outcome) {
  return outcome == v1::VISIT_OUTCOME_MISSED ? streak + 1 : 0;
}

bool RaisesMissedVisitsAlert(v1::VisitOutcome outcome, int streak, int threshold) {
  return outcome == v1::VISIT_OUTCOME_MISSED && streak == threshold;
}

absl::Status ValidateRecordVisit(const v1::RecordVisitRequest& request, std::chrono::year_month_day today) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (auto date = calendar::ParsePastDate("visit_date", request.visit_date(), today, kVisitBackdateDays); !date.ok()) {
    return date.status();
  }
  if (auto st = validate::EnumSet("outcome", request.outcome(), &v1::VisitOutcome_IsValid); !st.ok()) return st;
  if (request.outcome() == v1::VISIT_OUTCOME_MISSED) {
    return validate::EnumSet("missed_reason", request.missed_reason(), &v1::MissedReason_IsValid);
  }
  if (request.missed_reason() != v1::MISSED_REASON_UNSPECIFIED) {
    return absl::InvalidArgumentError("missed_reason: only with a missed visit");
  }
  return absl::OkStatus();
}

VisitChange DecideRecordVisit(const v1::Client& current, const v1::RecordVisitRequest& request,
                              const HomeCareContext& ctx) {
  VisitChange change;
  change.streak = MissedStreakAfter(current.consecutive_missed_visits(), request.outcome());
  const bool alert = RaisesMissedVisitsAlert(request.outcome(), change.streak, ctx.missed_visits_alert_after);
  change.response.set_visit_id(ctx.new_id);
  change.response.set_consecutive_missed(change.streak);
  change.response.set_alert_raised(alert);

  const std::string& p = request.client_id();
  v1::VisitRecorded recorded;
  recorded.set_visit_id(ctx.new_id);
  recorded.set_client_pseudonym(p);
  recorded.set_visit_date(request.visit_date());
  recorded.set_outcome(request.outcome());
  recorded.set_missed_reason(request.missed_reason());
  recorded.set_unit_id(current.unit_id());
  change.events.push_back(redis::Emit(std::move(recorded), p));
  if (alert) {
    v1::VisitsMissedAlert event;
    event.set_client_pseudonym(p);
    event.set_consecutive_missed(change.streak);
    event.set_threshold(ctx.missed_visits_alert_after);
    event.set_unit_id(current.unit_id());
    event.set_municipality_code(current.municipality_code());
    event.set_language(current.language());
    change.events.push_back(redis::Emit(std::move(event), p));
  }
  return change;
}

v1::RaiScales Difference(const v1::RaiScales& now, const v1::RaiScales& before) {
  v1::RaiScales d;
  if (now.has_drs() && before.has_drs()) d.set_drs(now.drs() - before.drs());
  d.set_cps(now.cps() - before.cps());
  d.set_adl_hierarchy(now.adl_hierarchy() - before.adl_hierarchy());
  d.set_chess(now.chess() - before.chess());
  d.set_maple(now.maple() - before.maple());
  return d;
}

v1::ListAssessmentsResponse AssessmentsNewestFirst(const std::vector<v1::Assessment>& oldest_first) {
  v1::ListAssessmentsResponse response;
  for (size_t i = oldest_first.size(); i-- > 0;) {
    auto* entry = response.add_assessments();
    *entry->mutable_assessment() = oldest_first[i];
    if (i > 0) {
      entry->set_has_previous(true);
      *entry->mutable_change() = Difference(oldest_first[i].scales(), oldest_first[i - 1].scales());
    }
  }
  return response;
}

v1::ReferralOutcome OutcomeOf(const referral::v1::ReferralStateChanged& change) {
  v1::ReferralOutcome outcome;
  outcome.set_referral_id(change.referral_id());
  outcome.set_rule_id(change.rule_id());
  outcome.set_need_code(change.need_code());
  outcome.set_target_service(change.target_service());
  outcome.set_state(change.state());
  *outcome.mutable_updated_at() = change.changed_at();
  outcome.set_unit_id(change.unit_id());
  if (change.has_outcome()) *outcome.mutable_outcome() = change.outcome();
  outcome.set_language_unmet(change.language_unmet());
  return outcome;
}

}  // namespace yhteys::homecare
