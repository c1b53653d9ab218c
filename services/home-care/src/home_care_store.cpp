#include "home_care_store.hpp"

#include <set>

#include "absl/strings/numbers.h"

#include "rai_scales.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {
namespace {

std::string ClientKey(const std::string& p) { return "client:" + p; }
std::string ReferralsKey(const std::string& p) { return "client:" + p + ":referrals"; }
std::string AssessmentsKey(const std::string& p) { return "client:" + p + ":assessments"; }

constexpr int kMaxVisitsPerWeek = 42;
constexpr int kMaxTasks = 8;
constexpr int kVisitBackdateDays = 30;
constexpr int kAssessmentBackdateDays = 365;

v1::RaiScales Difference(const v1::RaiScales& now, const v1::RaiScales& before) {
  v1::RaiScales d;
  // No DRS change where either assessment has none (a comatose client).
  if (now.has_drs() && before.has_drs()) d.set_drs(now.drs() - before.drs());
  d.set_cps(now.cps() - before.cps());
  d.set_adl_hierarchy(now.adl_hierarchy() - before.adl_hierarchy());
  d.set_chess(now.chess() - before.chess());
  d.set_maple(now.maple() - before.maple());
  return d;
}

absl::Status NoSuchClient() { return absl::NotFoundError("client_id: no such client"); }

// The care allowance for pensioners is paid from age 16 (Vammaisetuuslaki 570/2007); under 16 there is none to record.
constexpr int kCareAllowanceMinAge = 16;

absl::Status ValidateCareAllowance(v1::CareAllowance allowance, int age_years) {
  if (!v1::CareAllowance_IsValid(allowance)) return absl::InvalidArgumentError("care_allowance: unknown value");
  if (allowance != v1::CARE_ALLOWANCE_UNSPECIFIED && age_years < kCareAllowanceMinAge) {
    return absl::InvalidArgumentError(
        "care_allowance: the care allowance for pensioners is paid from age 16; leave it unspecified for a client "
        "under 16");
  }
  return absl::OkStatus();
}

}  // namespace

HomeCareStore::HomeCareStore(redis::Pool& pool, const redis::Keyspace& keyspace,
                             const hetu::Pseudonymizer& pseudonymizer, HomeCareSettings settings)
    : pool_(pool), keyspace_(keyspace), pseudonymizer_(pseudonymizer), settings_(std::move(settings)) {}

absl::StatusOr<v1::RegisterClientResponse> HomeCareStore::RegisterClient(const std::string& idempotency_key,
                                                                         const v1::RegisterClientRequest& request) {
  std::string code = hetu::NormalizeIdentityCode(request.identity_code());
  if (code.empty()) return absl::InvalidArgumentError("identity_code: required");
  auto today = settings_.today();
  auto parsed = hetu::ParseIdentityCode(code, {today, settings_.accept_temporary_codes});
  if (!parsed.ok()) return parsed.status();
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), settings_.units); !st.ok()) return st;

  const int age = hetu::AgeOn(*parsed, today);
  if (auto st = ValidateCareAllowance(request.care_allowance(), age); !st.ok()) return st;

  std::string pseudonym = pseudonymizer_.Pseudonym(code);
  int shard = keyspace_.ShardFor(pseudonym);

  // The fingerprint must not be a plain digest of the identity code (the
  // code space is small enough to search): use the pseudonym in its place.
  v1::RegisterClientRequest for_fingerprint = request;
  for_fingerprint.set_identity_code(pseudonym);

  v1::Client client;
  client.set_client_id(pseudonym);
  client.set_municipality_code(request.municipality_code());
  client.set_language(request.language());
  client.set_unit_id(request.unit_id());
  client.set_age_years(age);
  client.set_care_allowance(request.care_allowance());

  v1::ClientRegistered event;
  event.set_client_pseudonym(pseudonym);
  event.set_municipality_code(client.municipality_code());
  event.set_language(client.language());
  event.set_unit_id(client.unit_id());
  event.set_age_years(client.age_years());
  event.set_care_allowance(client.care_allowance());

  v1::RegisterClientResponse response;
  response.set_client_id(pseudonym);

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RegisterClient", idempotency_key, ids::RequestFingerprint(for_fingerprint))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString())
      .RequireAbsent(ClientKey(pseudonym), absl::AlreadyExistsError("identity_code: client already registered"))
      .HSet(ClientKey(pseudonym), "profile", client.SerializeAsString())
      // The birth date, so that rules by age read the age on each assessment's date; never answered or published.
      .HSet(ClientKey(pseudonym), "born", calendar::FormatDate(parsed->birth_date))
      .Publish(redis::EventFor(event, settings_.source, kTopic, pseudonym));
  auto answer = step.ExecuteFor<v1::RegisterClientResponse>(pool_);
  if (answer.status().code() == absl::StatusCode::kAlreadyExists) {
    // Registering a known client again is not an error for the caller: it
    // gets the same client_id, and nothing is written.
    response.set_already_registered(true);
    return response;
  }
  return answer;
}

absl::StatusOr<v1::RecordAssessmentResponse> HomeCareStore::RecordAssessment(
    const std::string& idempotency_key, const v1::RecordAssessmentRequest& request) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  auto assessed_on =
      calendar::ParsePastDate("assessed_on", request.assessed_on(), settings_.today(), kAssessmentBackdateDays);
  if (!assessed_on.ok()) return assessed_on.status();
  auto scored = AssessRai(request.items(), request.has_certified_scales() ? &request.certified_scales() : nullptr);
  if (!scored.ok()) return scored.status();

  auto loaded = LoadClient(request.client_id(), /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  v1::Client client = loaded->client;
  // The rules by age (23, 75) and the allowance's age limit read the age on the assessment's own date.
  const int age_on_assessment = loaded->AgeOn(*assessed_on);
  if (auto st = ValidateCareAllowance(request.care_allowance(), age_on_assessment); !st.ok()) return st;
  const bool allowance_changed =
      request.care_allowance() != v1::CARE_ALLOWANCE_UNSPECIFIED && request.care_allowance() != client.care_allowance();
  if (allowance_changed) client.set_care_allowance(request.care_allowance());
  int shard = keyspace_.ShardFor(request.client_id());

  v1::Assessment assessment;
  assessment.set_assessment_id(ids::NewUuid());
  assessment.set_assessed_on(request.assessed_on());
  *assessment.mutable_scales() = scored->scales;
  assessment.set_scales_source(scored->source);
  *assessment.mutable_computed_scales() = scored->computed;
  for (const auto& d : scored->disagreements) *assessment.add_disagreements() = d;
  assessment.set_maple_provenance(scored->maple_provenance);
  assessment.set_comatose(scored->comatose);

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

  v1::RecordAssessmentResponse response;
  response.set_assessment_id(assessment.assessment_id());
  *response.mutable_scales() = assessment.scales();
  response.set_scales_source(assessment.scales_source());
  *response.mutable_computed_scales() = assessment.computed_scales();
  *response.mutable_disagreements() = assessment.disagreements();
  response.set_maple_provenance(assessment.maple_provenance());

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RecordAssessment", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString())
      .RequireExists(ClientKey(request.client_id()), NoSuchClient());
  // A changed allowance rewrites the profile: guard it against a concurrent writer.
  if (allowance_changed) {
    step.CompareAndBumpVersion(ClientKey(request.client_id()), loaded->version, "client_id")
        .HSet(ClientKey(request.client_id()), "profile", client.SerializeAsString());
  }
  step.HSet(ClientKey(request.client_id()), "latest_assessment", assessment.SerializeAsString())
      .ZAddInOrder(AssessmentsKey(request.client_id()), assessment.SerializeAsString())
      .Publish(redis::EventFor(event, settings_.source, kTopic, request.client_id()));
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  v1::RecordAssessmentResponse answer;
  if (!answer.ParseFromString(outcome->response)) return absl::InternalError("stored answer is corrupt");
  // Counted once, when the assessment is written, not again on a replay.
  if (!outcome->replayed && settings_.count_disagreement) {
    for (const auto& d : answer.disagreements()) settings_.count_disagreement(d.scale());
  }
  return answer;
}

absl::StatusOr<v1::Client> HomeCareStore::GetClient(const std::string& client_id) {
  auto loaded = LoadClient(client_id, /*with_referrals=*/true);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->client);
}

absl::StatusOr<std::string> HomeCareStore::UnitOfClient(const std::string& client_id) {
  auto loaded = LoadClient(client_id, /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  return loaded->client.unit_id();
}

int HomeCareStore::LoadedClient::AgeOn(std::chrono::year_month_day day) const {
  return born ? hetu::AgeOn(*born, day) : client.age_years();
}

absl::StatusOr<HomeCareStore::LoadedClient> HomeCareStore::LoadClient(const std::string& client_id,
                                                                      bool with_referrals) {
  if (auto st = validate::Pseudonym("client_id", client_id); !st.ok()) return st;
  int shard = keyspace_.ShardFor(client_id);
  std::vector<std::vector<std::string>> commands = {{"HMGET", keyspace_.Key(shard, ClientKey(client_id)), "profile",
                                                     "latest_assessment", "care_plan", "missed_streak", "version",
                                                     "born"}};
  if (with_referrals) commands.push_back({"HVALS", keyspace_.Key(shard, ReferralsKey(client_id))});
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  const redisReply* fields = (*replies)[0].get();
  if (fields->type != REDIS_REPLY_ARRAY || fields->elements != 6 || fields->element[0]->type != REDIS_REPLY_STRING) {
    return NoSuchClient();
  }
  v1::Client client;
  if (!client.ParseFromString(redis::ReplyString(fields->element[0])))
    return absl::InternalError("stored client is corrupt");
  if (fields->element[1]->type == REDIS_REPLY_STRING) {
    client.mutable_latest_assessment()->ParseFromString(redis::ReplyString(fields->element[1]));
  }
  if (fields->element[2]->type == REDIS_REPLY_STRING) {
    client.mutable_care_plan()->ParseFromString(redis::ReplyString(fields->element[2]));
  }
  int streak = 0;
  if (fields->element[3]->type == REDIS_REPLY_STRING)
    (void)absl::SimpleAtoi(redis::ReplyString(fields->element[3]), &streak);
  client.set_consecutive_missed_visits(streak);
  const redisReply* referrals = with_referrals ? (*replies)[1].get() : nullptr;
  for (size_t i = 0; referrals != nullptr && referrals->type == REDIS_REPLY_ARRAY && i < referrals->elements; ++i) {
    client.add_referrals()->ParseFromString(redis::ReplyString(referrals->element[i]));
  }
  LoadedClient loaded{std::move(client), redis::ReplyString(fields->element[4]), std::nullopt};
  if (fields->element[5]->type == REDIS_REPLY_STRING) {
    auto born = calendar::ParseDate(redis::ReplyString(fields->element[5]));
    if (!born.ok()) return absl::InternalError("stored birth date is corrupt");
    loaded.born = *born;
    loaded.client.set_age_years(loaded.AgeOn(settings_.today()));
  }
  return loaded;
}

absl::StatusOr<v1::ListAssessmentsResponse> HomeCareStore::ListAssessments(const std::string& client_id) {
  if (auto st = validate::Pseudonym("client_id", client_id); !st.ok()) return st;
  int shard = keyspace_.ShardFor(client_id);
  auto replies = pool_.Pipeline({{"EXISTS", keyspace_.Key(shard, ClientKey(client_id))},
                                 {"ZRANGE", keyspace_.Key(shard, AssessmentsKey(client_id)), "0", "-1"}});
  if (!replies.ok()) return replies.status();
  if ((*replies)[0]->integer == 0) return NoSuchClient();
  const redisReply* list = (*replies)[1].get();
  std::vector<v1::Assessment> oldest_first;
  for (size_t i = 0; list->type == REDIS_REPLY_ARRAY && i < list->elements; ++i) {
    if (!oldest_first.emplace_back().ParseFromString(redis::ReplyString(list->element[i]))) {
      return absl::InternalError("stored assessment is corrupt");
    }
  }
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

absl::StatusOr<v1::Client> HomeCareStore::SetCarePlan(const std::string& idempotency_key,
                                                      const v1::SetCarePlanRequest& request) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (!request.has_plan()) return absl::InvalidArgumentError("plan: required");
  const v1::CarePlan& plan = request.plan();
  if (auto st = validate::InRange("plan.visits_per_week", plan.visits_per_week(), 0, kMaxVisitsPerWeek); !st.ok()) {
    return st;
  }
  if (plan.tasks().empty()) return absl::InvalidArgumentError("plan.tasks: at least one required");
  if (plan.tasks_size() > kMaxTasks)
    return absl::InvalidArgumentError("plan.tasks: at most " + std::to_string(kMaxTasks));
  std::set<int> seen;
  for (int i = 0; i < plan.tasks_size(); ++i) {
    std::string field = "plan.tasks[" + std::to_string(i) + "]";
    if (auto st = validate::EnumSet(field, plan.tasks(i), &v1::CareTask_IsValid); !st.ok()) return st;
    if (!seen.insert(plan.tasks(i)).second) return absl::InvalidArgumentError(field + ": duplicate");
  }
  if (auto date = calendar::ParsePastDate("plan.valid_from", plan.valid_from(), settings_.today(), kVisitBackdateDays);
      !date.ok()) {
    return date.status();
  }
  // The answer is the whole client, its referrals included.
  auto loaded = LoadClient(request.client_id(), /*with_referrals=*/true);
  if (!loaded.ok()) return loaded.status();
  v1::Client client = std::move(loaded->client);
  *client.mutable_care_plan() = plan;

  v1::CarePlanSet event;
  event.set_client_pseudonym(request.client_id());
  *event.mutable_plan() = plan;
  event.set_unit_id(client.unit_id());
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(request.client_id()));
  step.IdempotencyKey("SetCarePlan", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(client.SerializeAsString())
      .RequireExists(ClientKey(request.client_id()), NoSuchClient())
      .HSet(ClientKey(request.client_id()), "care_plan", plan.SerializeAsString())
      .Publish(redis::EventFor(event, settings_.source, kTopic, request.client_id()));
  return step.ExecuteFor<v1::Client>(pool_);
}

absl::StatusOr<v1::RecordVisitResponse> HomeCareStore::RecordVisit(const std::string& idempotency_key,
                                                                   const v1::RecordVisitRequest& request) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (auto date = calendar::ParsePastDate("visit_date", request.visit_date(), settings_.today(), kVisitBackdateDays);
      !date.ok()) {
    return date.status();
  }
  if (auto st = validate::EnumSet("outcome", request.outcome(), &v1::VisitOutcome_IsValid); !st.ok()) return st;
  if (request.outcome() == v1::VISIT_OUTCOME_MISSED) {
    if (auto st = validate::EnumSet("missed_reason", request.missed_reason(), &v1::MissedReason_IsValid); !st.ok()) {
      return st;
    }
  } else if (request.missed_reason() != v1::MISSED_REASON_UNSPECIFIED) {
    return absl::InvalidArgumentError("missed_reason: only with a missed visit");
  }
  auto loaded = LoadClient(request.client_id(), /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  const v1::Client& client = loaded->client;
  bool missed = request.outcome() == v1::VISIT_OUTCOME_MISSED;
  int streak = missed ? client.consecutive_missed_visits() + 1 : 0;
  // Once per run of missed visits: exactly when the run reaches the
  // threshold; a done visit resets the run and so re-arms the alert.
  bool alert = missed && streak == settings_.missed_visits_alert_after;

  v1::RecordVisitResponse response;
  response.set_visit_id(ids::NewUuid());
  response.set_consecutive_missed(streak);
  response.set_alert_raised(alert);

  v1::VisitRecorded recorded;
  recorded.set_visit_id(response.visit_id());
  recorded.set_client_pseudonym(request.client_id());
  recorded.set_visit_date(request.visit_date());
  recorded.set_outcome(request.outcome());
  recorded.set_missed_reason(request.missed_reason());
  recorded.set_unit_id(client.unit_id());

  const std::string& p = request.client_id();
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(p));
  step.IdempotencyKey("RecordVisit", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString())
      .RequireExists(ClientKey(p), NoSuchClient())
      .CompareAndBumpVersion(ClientKey(p), loaded->version, "client_id")
      .HSet(ClientKey(p), "missed_streak", std::to_string(streak))
      .Publish(redis::EventFor(recorded, settings_.source, kTopic, p));
  if (alert) {
    v1::VisitsMissedAlert event;
    event.set_client_pseudonym(p);
    event.set_consecutive_missed(streak);
    event.set_threshold(settings_.missed_visits_alert_after);
    event.set_unit_id(client.unit_id());
    event.set_municipality_code(client.municipality_code());
    event.set_language(client.language());
    step.Publish(redis::EventFor(event, settings_.source, kTopic, p));
  }
  return step.ExecuteFor<v1::RecordVisitResponse>(pool_);
}

absl::StatusOr<bool> HomeCareStore::RecordReferralOutcome(const std::string& ce_source, const std::string& ce_id,
                                                          const referral::v1::ReferralStateChanged& change) {
  const std::string& p = change.client_pseudonym();
  int shard = keyspace_.ShardFor(p);
  v1::ReferralOutcome outcome;
  outcome.set_referral_id(change.referral_id());
  outcome.set_rule_id(change.rule_id());
  outcome.set_need_code(change.need_code());
  outcome.set_target_service(change.target_service());
  outcome.set_state(change.state());
  *outcome.mutable_updated_at() = change.changed_at();
  redis::AtomicStep step(keyspace_, shard);
  step.EventDedup(ce_source, ce_id).HSet(ReferralsKey(p), change.referral_id(), outcome.SerializeAsString());
  auto result = step.Execute(pool_);
  if (!result.ok()) return result.status();
  return result->replayed;
}

}  // namespace yhteys::homecare
