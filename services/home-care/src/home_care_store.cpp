#include "home_care_store.hpp"

#include "absl/strings/numbers.h"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {
namespace {

std::string ClientKey(const std::string& p) { return "client:" + p; }
std::string ReferralsKey(const std::string& p) { return "client:" + p + ":referrals"; }
std::string AssessmentsKey(const std::string& p) { return "client:" + p + ":assessments"; }

absl::Status NoSuchClient() { return absl::NotFoundError("client_id: no such client"); }

}  // namespace

HomeCareStore::HomeCareStore(redis::Pool& pool, const redis::Keyspace& keyspace,
                             const hetu::Pseudonymizer& pseudonymizer, HomeCareSettings settings)
    : pool_(pool),
      keyspace_(keyspace),
      pseudonymizer_(pseudonymizer),
      settings_(std::move(settings)),
      clients_(pool, keyspace, {"profile", "client", "client_id", NoSuchClient()}, settings_.idempotency_ttl) {}

HomeCareContext HomeCareStore::Context() const {
  HomeCareContext ctx;
  ctx.today = settings_.today();
  ctx.units = &settings_.units;
  ctx.accept_temporary_codes = settings_.accept_temporary_codes;
  ctx.pseudonymizer = &pseudonymizer_;
  ctx.missed_visits_alert_after = settings_.missed_visits_alert_after;
  return ctx;
}

absl::StatusOr<HomeCareStore::Loaded> HomeCareStore::Load(const std::string& client_id, bool with_referrals) {
  if (auto st = validate::Pseudonym("client_id", client_id); !st.ok()) return st;
  const int shard = keyspace_.ShardFor(client_id);
  auto stored = clients_.Load<v1::Client>(shard, ClientKey(client_id),
                                          {"latest_assessment", "care_plan", "missed_streak", "born"});
  if (!stored.ok()) return stored.status();
  Loaded loaded{{std::move(stored->record), std::nullopt}, std::move(stored->version)};
  v1::Client& client = loaded.state.client;
  const std::optional<std::string>& latest_assessment = stored->extra[0];
  const std::optional<std::string>& care_plan = stored->extra[1];
  const std::optional<std::string>& missed_streak = stored->extra[2];
  const std::optional<std::string>& born = stored->extra[3];
  // Only the profile and the birth date are checked: an assessment, plan,
  // streak or referral outcome that does not parse is shown as far as it
  // does (as it always was).
  if (latest_assessment) (void)client.mutable_latest_assessment()->ParseFromString(*latest_assessment);
  if (care_plan) (void)client.mutable_care_plan()->ParseFromString(*care_plan);
  int streak = 0;
  if (missed_streak) (void)absl::SimpleAtoi(*missed_streak, &streak);
  client.set_consecutive_missed_visits(streak);
  if (with_referrals) {
    auto reply = pool_.Command({"HVALS", keyspace_.Key(shard, ReferralsKey(client_id))});
    if (!reply.ok()) return reply.status();
    auto referrals = redis::DecodeStrings(reply->get(), "referral outcomes");
    if (!referrals.ok()) return referrals.status();
    for (const auto& bytes : *referrals) (void)client.add_referrals()->ParseFromString(bytes);
  }
  if (born) {
    auto date = calendar::ParseDate(*born);
    if (!date.ok()) return redis::CorruptRecord("birth date");
    loaded.state.born = *date;
    client.set_age_years(loaded.state.AgeOn(settings_.today()));
  }
  return loaded;
}

absl::StatusOr<v1::RegisterClientResponse> HomeCareStore::RegisterClient(const std::string& idempotency_key,
                                                                         const v1::RegisterClientRequest& request) {
  auto change = DecideRegisterClient(request, Context());
  if (!change.ok()) return change.status();
  const std::string& p = change->profile.client_id();
  // The fingerprint must not be a plain digest of the identity code (the
  // code space is small enough to search): use the pseudonym in its place.
  v1::RegisterClientRequest for_fingerprint = request;
  for_fingerprint.set_identity_code(p);
  v1::RegisterClientResponse response;
  response.set_client_id(p);
  // Not clients_.Create: a new client's hash has no version field (a
  // version is kept from the first write that guards the record).
  redis::AtomicStep step = clients_.Begin(
      keyspace_.ShardFor(p),
      {"RegisterClient", idempotency_key, ids::RequestFingerprint(for_fingerprint), response.SerializeAsString()});
  step.RequireAbsent(ClientKey(p), absl::AlreadyExistsError("identity_code: client already registered"))
      .HSet(ClientKey(p), "profile", change->profile.SerializeAsString())
      .HSet(ClientKey(p), "born", change->born)
      .Publish(change->events, settings_.source, kTopic);
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
  HomeCareContext ctx = Context();
  ctx.new_id = ids::NewUuid();  // the assessment's id
  auto scored = ScoreRecordAssessment(request, ctx.today);
  if (!scored.ok()) return scored.status();
  const std::string& p = request.client_id();
  auto loaded = Load(p, /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  auto change = DecideRecordAssessment(loaded->state, request, *scored, ctx);
  if (!change.ok()) return change.status();

  redis::AtomicStep step = clients_.Begin(
      keyspace_.ShardFor(p),
      {"RecordAssessment", idempotency_key, ids::RequestFingerprint(request), change->response.SerializeAsString()});
  step.RequireExists(ClientKey(p), NoSuchClient());
  // A changed allowance rewrites the profile: guard it against a concurrent writer.
  if (change->profile) clients_.Write(step, ClientKey(p), loaded->version, *change->profile);
  step.HSet(ClientKey(p), "latest_assessment", change->assessment.SerializeAsString())
      .ZAddInOrder(AssessmentsKey(p), change->assessment.SerializeAsString())
      .Publish(change->events, settings_.source, kTopic);
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
  auto loaded = Load(client_id, /*with_referrals=*/true);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->state.client);
}

absl::StatusOr<std::string> HomeCareStore::UnitOfClient(const std::string& client_id) {
  auto loaded = Load(client_id, /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  return loaded->state.client.unit_id();
}

absl::StatusOr<v1::ListAssessmentsResponse> HomeCareStore::ListAssessments(const std::string& client_id) {
  if (auto st = validate::Pseudonym("client_id", client_id); !st.ok()) return st;
  const int shard = keyspace_.ShardFor(client_id);
  auto replies = pool_.Pipeline({{"EXISTS", keyspace_.Key(shard, ClientKey(client_id))},
                                 {"ZRANGE", keyspace_.Key(shard, AssessmentsKey(client_id)), "0", "-1"}});
  if (!replies.ok()) return replies.status();
  auto exists = redis::DecodeInteger((*replies)[0].get(), "client");
  if (!exists.ok()) return exists.status();
  if (*exists == 0) return NoSuchClient();
  auto entries = redis::DecodeStrings((*replies)[1].get(), "assessments");
  if (!entries.ok()) return entries.status();
  std::vector<v1::Assessment> oldest_first;
  for (const auto& bytes : *entries) {
    auto assessment = redis::ParseStored<v1::Assessment>(bytes, "assessment");
    if (!assessment.ok()) return assessment.status();
    oldest_first.push_back(std::move(*assessment));
  }
  return AssessmentsNewestFirst(oldest_first);
}

absl::StatusOr<v1::Client> HomeCareStore::SetCarePlan(const std::string& idempotency_key,
                                                      const v1::SetCarePlanRequest& request) {
  if (auto st = ValidateSetCarePlan(request, settings_.today()); !st.ok()) return st;
  const std::string& p = request.client_id();
  // The answer is the whole client, its referrals included.
  auto loaded = Load(p, /*with_referrals=*/true);
  if (!loaded.ok()) return loaded.status();
  CarePlanChange change = DecideSetCarePlan(loaded->state.client, request);
  // The plan replaces the last one whatever it was: no version to guard.
  redis::AtomicStep step = clients_.Begin(
      keyspace_.ShardFor(p),
      {"SetCarePlan", idempotency_key, ids::RequestFingerprint(request), change.client.SerializeAsString()});
  step.RequireExists(ClientKey(p), NoSuchClient())
      .HSet(ClientKey(p), "care_plan", request.plan().SerializeAsString())
      .Publish(change.events, settings_.source, kTopic);
  return step.ExecuteFor<v1::Client>(pool_);
}

absl::StatusOr<v1::RecordVisitResponse> HomeCareStore::RecordVisit(const std::string& idempotency_key,
                                                                   const v1::RecordVisitRequest& request) {
  HomeCareContext ctx = Context();
  ctx.new_id = ids::NewUuid();  // the visit's id
  if (auto st = ValidateRecordVisit(request, ctx.today); !st.ok()) return st;
  const std::string& p = request.client_id();
  auto loaded = Load(p, /*with_referrals=*/false);
  if (!loaded.ok()) return loaded.status();
  VisitChange change = DecideRecordVisit(loaded->state.client, request, ctx);
  // The streak is read, then written: guard it against a concurrent writer.
  redis::AtomicStep step = clients_.Begin(
      keyspace_.ShardFor(p),
      {"RecordVisit", idempotency_key, ids::RequestFingerprint(request), change.response.SerializeAsString()});
  step.RequireExists(ClientKey(p), NoSuchClient())
      .CompareAndBumpVersion(ClientKey(p), loaded->version, "client_id")
      .HSet(ClientKey(p), "missed_streak", std::to_string(change.streak))
      .Publish(change.events, settings_.source, kTopic);
  return step.ExecuteFor<v1::RecordVisitResponse>(pool_);
}

absl::StatusOr<bool> HomeCareStore::RecordReferralOutcome(const std::string& ce_source, const std::string& ce_id,
                                                          const referral::v1::ReferralStateChanged& change) {
  const std::string& p = change.client_pseudonym();
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(p));
  step.EventDedup(ce_source, ce_id).HSet(ReferralsKey(p), change.referral_id(), OutcomeOf(change).SerializeAsString());
  auto result = step.Execute(pool_);
  if (!result.ok()) return result.status();
  return result->replayed;
}

}  // namespace yhteys::homecare
