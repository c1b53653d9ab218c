#include "client_sharing.hpp"

#include "yhteys/kafka/topics.hpp"

#include "referral_builder.hpp"
#include "referral_store.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"

namespace yhteys::router {

using referral::v1::SharingStatus;

std::string SharingKey(const std::string& pseudonym) { return "sharing:" + pseudonym; }

bool SharingRestricted(SharingStatus status) {
  return status == referral::v1::SHARING_STATUS_CONSENT_WITHDRAWN ||
         status == referral::v1::SHARING_STATUS_SHARING_DENIED;
}

void ApplySharing(const Rule& rule, SharingStatus status, v1::Referral* referral) {
  referral->mutable_offer()->set_sharing_status(status);
  if (!SharingRestricted(status)) return;
  switch (rule.under_denial) {
    case UnderDenial::kWithhold: referral->set_state(referral::v1::REFERRAL_STATE_WITHHELD); break;
    case UnderDenial::kNeedOnly: referral->mutable_offer()->set_details_withheld(true); break;
    case UnderDenial::kShare: break;
  }
}

referral::v1::ReferralOffer OfferForTarget(const referral::v1::ReferralOffer& offer) {
  referral::v1::ReferralOffer out = offer;
  if (out.details_withheld()) {
    out.clear_rule_id();
    out.clear_source_service();
    out.clear_source_unit_id();
    out.clear_source_event_id();
  }
  return out;
}

SharingStore::SharingStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
                           std::chrono::seconds idempotency_ttl)
    : pool_(pool), keyspace_(keyspace), source_(std::move(source)), idempotency_ttl_(idempotency_ttl) {}

std::vector<std::string> SharingStore::ReadCommand(const std::string& pseudonym) const {
  const int shard = keyspace_.ShardFor(ShardKeyOfPseudonym(pseudonym));
  return {"HMGET", keyspace_.Key(shard, SharingKey(pseudonym)), "data", "version"};
}

absl::StatusOr<SharingStore::Current> SharingStore::Get(const std::string& pseudonym) const {
  auto reply = pool_.Command(ReadCommand(pseudonym));
  if (!reply.ok()) return reply.status();
  return Decode(pseudonym, reply->get());
}

absl::StatusOr<std::vector<SharingStore::Current>> SharingStore::GetMany(
    const std::vector<std::string>& pseudonyms) const {
  std::vector<Current> out;
  if (pseudonyms.empty()) return out;
  std::vector<std::vector<std::string>> commands;
  for (const std::string& pseudonym : pseudonyms) commands.push_back(ReadCommand(pseudonym));
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < pseudonyms.size(); ++i) {
    auto current = Decode(pseudonyms[i], (*replies)[i].get());
    if (!current.ok()) return current.status();
    out.push_back(std::move(*current));
  }
  return out;
}

absl::StatusOr<SharingStore::Current> SharingStore::Decode(const std::string& pseudonym, const redisReply* reply) {
  auto fields = redis::DecodeOptionalStrings(reply, 2, "sharing decision");
  if (!fields.ok()) return fields.status();
  Current current;
  current.sharing.set_client_pseudonym(pseudonym);
  if (!(*fields)[0].has_value()) {
    current.sharing.set_status(referral::v1::SHARING_STATUS_NOT_RECORDED);
    return current;
  }
  if (!current.sharing.ParseFromString(*(*fields)[0])) {
    return absl::InternalError("a stored sharing decision is corrupt");
  }
  current.version = (*fields)[1].value_or("");
  return current;
}

absl::StatusOr<v1::ClientSharing> SharingStore::Record(const std::string& idempotency_key,
                                                       const std::string& fingerprint, const std::string& pseudonym,
                                                       SharingStatus status, const std::string& unit_id) const {
  auto current = Get(pseudonym);
  if (!current.ok()) return current.status();
  v1::ClientSharing recorded;
  recorded.set_client_pseudonym(pseudonym);
  recorded.set_status(status);
  recorded.set_unit_id(unit_id);
  *recorded.mutable_recorded_at() = ids::NowTimestamp();
  referral::v1::ClientSharingChanged changed;
  changed.set_client_pseudonym(pseudonym);
  changed.set_status(status);
  changed.set_previous_status(current->sharing.status());
  changed.set_unit_id(unit_id);
  *changed.mutable_changed_at() = recorded.recorded_at();
  const int shard = keyspace_.ShardFor(ShardKeyOfPseudonym(pseudonym));
  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RecordClientSharing", idempotency_key, fingerprint)
      .RecordTtl(idempotency_ttl_)
      .Response(recorded.SerializeAsString())
      .CompareAndBumpVersion(SharingKey(pseudonym), current->version, "client_pseudonym")
      .HSet(SharingKey(pseudonym), "data", recorded.SerializeAsString())
      .HSet(SharingKey(pseudonym), "status", referral::v1::SharingStatus_Name(status))
      .Publish(redis::EventFor(changed, source_, kReferralsTopic, pseudonym))
      .Publish(redis::EventFor(recorded, source_, kafka::topics::kRouterChangelog, pseudonym));
  return step.ExecuteFor<v1::ClientSharing>(pool_);
}

absl::Status SharingStore::Restore(const v1::ClientSharing& recorded) const {
  const std::string& pseudonym = recorded.client_pseudonym();
  if (pseudonym.size() != 64) return absl::DataLossError("changelog: a sharing record without a client");
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(ShardKeyOfPseudonym(pseudonym)));
  step.EventDedup(kOwnStepScope, "restore|" + pseudonym + "#" + ids::RandomHex(8))
      .RecordTtl(kOwnStepRecordTtl)
      .CompareAndBumpVersion(SharingKey(pseudonym), "", "client_pseudonym")
      .HSet(SharingKey(pseudonym), "data", recorded.SerializeAsString())
      .HSet(SharingKey(pseudonym), "status", referral::v1::SharingStatus_Name(recorded.status()));
  auto done = step.Execute(pool_);
  return done.ok() ? absl::OkStatus() : done.status();
}

}  // namespace yhteys::router
