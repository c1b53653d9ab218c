#include "home_care_store.hpp"

#include <google/protobuf/util/time_util.h>

#include "rai_scales.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/ids/ids.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/server/idempotency.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {
namespace {

std::string ClientKey(const std::string& p) { return "client:" + p; }
std::string ReferralsKey(const std::string& p) { return "client:" + p + ":referrals"; }

absl::Status NoSuchClient() { return absl::NotFoundError("client_id: no such client"); }

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
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;

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
  client.set_age_years(hetu::AgeOn(*parsed, today));

  v1::ClientRegistered event;
  event.set_client_pseudonym(pseudonym);
  event.set_municipality_code(client.municipality_code());
  event.set_language(client.language());
  event.set_unit_id(client.unit_id());
  event.set_age_years(client.age_years());

  v1::RegisterClientResponse response;
  response.set_client_id(pseudonym);

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RegisterClient", idempotency_key, server::RequestFingerprint(for_fingerprint))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString())
      .RequireAbsent(ClientKey(pseudonym), absl::AlreadyExistsError("identity_code: client already registered"))
      .HSet(ClientKey(pseudonym), "profile", client.SerializeAsString())
      .Publish({ids::NewUuid(), event.GetDescriptor()->full_name(), settings_.source, pseudonym, ids::NowRfc3339(),
                kTopic, pseudonym, event.SerializeAsString()});
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) {
    if (outcome.status().code() == absl::StatusCode::kAlreadyExists) {
      // Registering a known client again is not an error for the caller:
      // it gets the same client_id, and nothing is written.
      response.set_already_registered(true);
      return response;
    }
    return outcome.status();
  }
  v1::RegisterClientResponse answer;
  if (!answer.ParseFromString(outcome->response)) return absl::InternalError("stored answer is corrupt");
  return answer;
}

absl::StatusOr<v1::RecordAssessmentResponse> HomeCareStore::RecordAssessment(
    const std::string& idempotency_key, const v1::RecordAssessmentRequest& request) {
  if (auto st = validate::Pseudonym("client_id", request.client_id()); !st.ok()) return st;
  if (request.assessed_on().empty()) return absl::InvalidArgumentError("assessed_on: required");
  auto assessed_on = calendar::ParseDate(request.assessed_on());
  if (!assessed_on.ok()) return absl::InvalidArgumentError("assessed_on: must be a date YYYY-MM-DD");
  if (std::chrono::sys_days(*assessed_on) > std::chrono::sys_days(settings_.today())) {
    return absl::InvalidArgumentError("assessed_on: is in the future");
  }
  if (std::chrono::sys_days(*assessed_on) < std::chrono::sys_days(settings_.today()) - std::chrono::days(365)) {
    return absl::InvalidArgumentError("assessed_on: more than a year ago");
  }
  auto scales = ScoreRaiAssessment(request.items());
  if (!scales.ok()) return scales.status();

  auto client = GetClient(request.client_id());
  if (!client.ok()) return client.status();
  int shard = keyspace_.ShardFor(request.client_id());

  v1::Assessment assessment;
  assessment.set_assessment_id(ids::NewUuid());
  assessment.set_assessed_on(request.assessed_on());
  *assessment.mutable_scales() = *scales;

  v1::AssessmentRecorded event;
  event.set_assessment_id(assessment.assessment_id());
  event.set_client_pseudonym(request.client_id());
  event.set_assessed_on(request.assessed_on());
  *event.mutable_scales() = *scales;
  event.set_municipality_code(client->municipality_code());
  event.set_language(client->language());
  event.set_age_years(client->age_years());
  event.set_unit_id(client->unit_id());

  v1::RecordAssessmentResponse response;
  response.set_assessment_id(assessment.assessment_id());
  *response.mutable_scales() = *scales;

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RecordAssessment", idempotency_key, server::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString())
      .RequireExists(ClientKey(request.client_id()), NoSuchClient())
      .HSet(ClientKey(request.client_id()), "latest_assessment", assessment.SerializeAsString())
      .Publish({ids::NewUuid(), event.GetDescriptor()->full_name(), settings_.source, request.client_id(),
                ids::NowRfc3339(), kTopic, request.client_id(), event.SerializeAsString()});
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  v1::RecordAssessmentResponse answer;
  if (!answer.ParseFromString(outcome->response)) return absl::InternalError("stored answer is corrupt");
  return answer;
}

absl::StatusOr<v1::Client> HomeCareStore::GetClient(const std::string& client_id) {
  if (auto st = validate::Pseudonym("client_id", client_id); !st.ok()) return st;
  int shard = keyspace_.ShardFor(client_id);
  auto replies = pool_.Pipeline({{"HMGET", keyspace_.Key(shard, ClientKey(client_id)), "profile", "latest_assessment"},
                                 {"HVALS", keyspace_.Key(shard, ReferralsKey(client_id))}});
  if (!replies.ok()) return replies.status();
  const redisReply* fields = (*replies)[0].get();
  if (fields->type != REDIS_REPLY_ARRAY || fields->elements != 2 || fields->element[0]->type != REDIS_REPLY_STRING) {
    return NoSuchClient();
  }
  v1::Client client;
  if (!client.ParseFromString(redis::ReplyString(fields->element[0]))) return absl::InternalError("stored client is corrupt");
  if (fields->element[1]->type == REDIS_REPLY_STRING) {
    client.mutable_latest_assessment()->ParseFromString(redis::ReplyString(fields->element[1]));
  }
  const redisReply* referrals = (*replies)[1].get();
  for (size_t i = 0; referrals->type == REDIS_REPLY_ARRAY && i < referrals->elements; ++i) {
    client.add_referrals()->ParseFromString(redis::ReplyString(referrals->element[i]));
  }
  return client;
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
