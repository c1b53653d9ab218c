#include "referral_store.hpp"

#include <algorithm>
#include <utility>

#include "client_sharing.hpp"
#include "referral_builder.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"

namespace yhteys::router {
namespace {

constexpr char kStaleOutcome[] = "stale outcome";

using referral::v1::ReferralState;
using referral::v1::ReferralState_Name;

std::string RefKey(const std::string& id) { return "ref:" + id; }
// A sorted set in creation order (a per-shard sequence: referrals made in
// the same millisecond keep their order). "journey2:" because the first
// layout was an unordered set.
std::string JourneyKey(const std::string& pseudonym) { return "journey2:" + pseudonym; }
// The first layout, still read so that referrals made before the change
// stay in the journey (listed first, by creation time: they are older).
std::string LegacyJourneyKey(const std::string& pseudonym) { return "journey:" + pseudonym; }
constexpr char kOffersKey[] = "offers";

}  // namespace

referral::v1::ReferralStateChanged StateChangedEvent(const v1::Referral& r, ReferralState previous) {
  referral::v1::ReferralStateChanged e;
  e.set_referral_id(r.offer().referral_id());
  e.set_client_pseudonym(r.offer().client_pseudonym());
  e.set_source_service(r.offer().source_service());
  e.set_source_event_id(r.offer().source_event_id());
  e.set_target_service(r.target_service());
  e.set_rule_id(r.offer().rule_id());
  e.set_need_code(r.offer().need_code());
  e.set_state(r.state());
  e.set_previous_state(previous);
  e.set_urgency(r.offer().urgency());
  if (r.offer().has_statutory_deadline()) *e.mutable_statutory_deadline() = r.offer().statutory_deadline();
  if (r.offer().has_statutory_completion_deadline()) {
    *e.mutable_statutory_completion_deadline() = r.offer().statutory_completion_deadline();
  }
  if (r.offer().has_target_deadline()) *e.mutable_target_deadline() = r.offer().target_deadline();
  e.set_clock_started_on(r.offer().clock_started_on());
  e.set_sharing_status(r.offer().sharing_status());
  e.set_details_withheld(r.offer().details_withheld());
  if (r.offer().details_withheld()) {
    // The topic tells no more than the target learns: the need, not its
    // cause. source_service stays: the originating service follows its own
    // referrals by it.
    e.clear_rule_id();
    e.clear_source_event_id();
  }
  *e.mutable_changed_at() = r.updated_at();
  return e;
}

ReferralStore::ReferralStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
                             std::chrono::seconds dedup_ttl)
    : pool_(pool), keyspace_(keyspace), source_(std::move(source)), dedup_ttl_(dedup_ttl) {}

absl::StatusOr<bool> ReferralStore::CreateReferrals(const std::string& ce_source, const std::string& ce_id,
                                                    const std::vector<v1::Referral>& referrals,
                                                    const std::string& sharing_version) {
  if (referrals.empty()) return false;
  const std::string& pseudonym = referrals.front().offer().client_pseudonym();
  int shard = ShardOf(ShardKeyOfPseudonym(pseudonym));
  redis::AtomicStep step(keyspace_, shard);
  step.EventDedup(ce_source, ce_id)
      .RecordTtl(dedup_ttl_)
      .RequireFieldIn(SharingKey(pseudonym), "version", {sharing_version},
                      absl::AbortedError("client_pseudonym: the sharing decision changed; make the referrals again"));
  int64_t now = ids::NowMillis();
  for (const v1::Referral& r : referrals) {
    const std::string& id = r.offer().referral_id();
    auto event = StateChangedEvent(r, referral::v1::REFERRAL_STATE_UNSPECIFIED);
    step.HSet(RefKey(id), "data", r.SerializeAsString())
        .HSet(RefKey(id), "state", ReferralState_Name(r.state()))
        .ZAddInOrder(JourneyKey(pseudonym), id);
    if (r.state() != referral::v1::REFERRAL_STATE_WITHHELD) step.ZAdd(kOffersKey, static_cast<double>(now), id);
    step.Publish(redis::EventFor(event, source_, kReferralsTopic, pseudonym));
  }
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  return outcome->replayed;
}

absl::StatusOr<v1::Referral> ReferralStore::Get(const std::string& referral_id) {
  std::string shard_key = ShardKeyOfReferralId(referral_id);
  if (shard_key.empty()) return absl::InvalidArgumentError("referral_id: not a referral id of this router");
  int shard = ShardOf(shard_key);
  auto reply = pool_.Command({"HGET", keyspace_.Key(shard, RefKey(referral_id)), "data"});
  if (!reply.ok()) return reply.status();
  auto bytes = redis::DecodeOptionalString(reply->get(), "referral");
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::NotFoundError("referral_id: no such referral");
  return redis::ParseStored<v1::Referral>(**bytes, "referral");
}

absl::StatusOr<std::vector<v1::Referral>> ReferralStore::ListForClient(const std::string& pseudonym) {
  int shard = ShardOf(ShardKeyOfPseudonym(pseudonym));
  auto replies = pool_.Pipeline({{"SMEMBERS", keyspace_.Key(shard, LegacyJourneyKey(pseudonym))},
                                 {"ZRANGE", keyspace_.Key(shard, JourneyKey(pseudonym)), "0", "-1"}});
  if (!replies.ok()) return replies.status();
  // A referral named in the journey but gone is skipped; a Redis error is not.
  auto load = [&](const redisReply* reply, std::vector<v1::Referral>* out) -> absl::Status {
    auto ids = redis::DecodeStrings(reply, "client's referrals");
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto r = Get(id);
      if (r.ok()) {
        out->push_back(std::move(*r));
      } else if (r.status().code() != absl::StatusCode::kNotFound) {
        return r.status();
      }
    }
    return absl::OkStatus();
  };
  std::vector<v1::Referral> out;
  if (auto st = load((*replies)[0].get(), &out); !st.ok()) return st;
  std::stable_sort(out.begin(), out.end(), [](const v1::Referral& a, const v1::Referral& b) {
    return std::make_pair(a.offer().created_at().seconds(), a.offer().created_at().nanos()) <
           std::make_pair(b.offer().created_at().seconds(), b.offer().created_at().nanos());
  });
  if (auto st = load((*replies)[1].get(), &out); !st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<std::string>> ReferralStore::DueOffers(int shard, int64_t now_ms, int limit) {
  auto reply = pool_.Command({"ZRANGEBYSCORE", keyspace_.Key(shard, kOffersKey), "-inf", std::to_string(now_ms),
                              "LIMIT", "0", std::to_string(limit)});
  if (!reply.ok()) return reply.status();
  return redis::DecodeStrings(reply->get(), "due offers");
}

absl::Status ReferralStore::Transition(const v1::Referral& from, v1::Referral to,
                                       const std::vector<std::string>& allowed_states, const std::string& step_scope,
                                       bool remove_offer) {
  const std::string& id = from.offer().referral_id();
  const std::string& pseudonym = from.offer().client_pseudonym();
  int shard = ShardOf(ShardKeyOfPseudonym(pseudonym));
  *to.mutable_updated_at() = ids::NowTimestamp();
  auto event = StateChangedEvent(to, from.state());
  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey(step_scope, id, ReferralState_Name(to.state()))
      .RecordTtl(dedup_ttl_)
      .RequireFieldIn(RefKey(id), "state", allowed_states, absl::FailedPreconditionError("referral moved on"))
      .HSet(RefKey(id), "data", to.SerializeAsString())
      .HSet(RefKey(id), "state", ReferralState_Name(to.state()));
  if (remove_offer) step.ZRem(kOffersKey, id);
  step.Publish(redis::EventFor(event, source_, kReferralsTopic, pseudonym));
  auto outcome = step.Execute(pool_);
  if (!outcome.ok() && outcome.status().code() == absl::StatusCode::kFailedPrecondition && remove_offer) {
    // Someone else moved the referral on; the pending offer is obsolete.
    auto r = pool_.Command({"ZREM", keyspace_.Key(shard, kOffersKey), id});
    return r.ok() ? absl::OkStatus() : r.status();
  }
  return outcome.ok() ? absl::OkStatus() : outcome.status();
}

absl::Status ReferralStore::MarkOffered(const v1::Referral& referral, int attempts) {
  v1::Referral to = referral;
  to.set_state(referral::v1::REFERRAL_STATE_OFFERED);
  to.set_offer_attempts(attempts);
  return Transition(referral, to, {ReferralState_Name(referral::v1::REFERRAL_STATE_CREATED)}, "Offered", true);
}

absl::Status ReferralStore::MarkWithheld(const v1::Referral& referral, const v1::Referral& to) {
  return Transition(referral, to, {ReferralState_Name(referral::v1::REFERRAL_STATE_CREATED)}, "Withheld", true);
}

absl::Status ReferralStore::MarkUnroutable(const v1::Referral& referral, int attempts) {
  v1::Referral to = referral;
  to.set_state(referral::v1::REFERRAL_STATE_UNROUTABLE);
  to.set_offer_attempts(attempts);
  return Transition(referral, to, {ReferralState_Name(referral::v1::REFERRAL_STATE_CREATED)}, "Unroutable", true);
}

absl::Status ReferralStore::RescheduleOffer(const v1::Referral& referral, int attempts, int64_t next_ms) {
  const std::string& id = referral.offer().referral_id();
  int shard = ShardOf(ShardKeyOfPseudonym(referral.offer().client_pseudonym()));
  v1::Referral updated = referral;
  updated.set_offer_attempts(attempts);
  // No state change and no event: only the attempt count and the next try.
  auto replies = pool_.Pipeline({{"HSET", keyspace_.Key(shard, RefKey(id)), "data", updated.SerializeAsString()},
                                 {"ZADD", keyspace_.Key(shard, kOffersKey), "XX", std::to_string(next_ms), id}});
  return replies.ok() ? absl::OkStatus() : replies.status();
}

absl::StatusOr<ReferralStore::OutcomeResult> ReferralStore::ApplyOutcome(
    const std::string& ce_source, const std::string& ce_id, const referral::v1::ReferralOutcomeReported& outcome,
    v1::Referral* updated) {
  return ApplyOutcomeWith(
      [&](redis::AtomicStep& step, const v1::Referral&) { step.EventDedup(ce_source, ce_id).RecordTtl(dedup_ttl_); },
      outcome, updated);
}

absl::StatusOr<ReferralStore::OutcomeResult> ReferralStore::ApplyRequestedOutcome(
    const std::string& idempotency_key, const std::string& fingerprint,
    const referral::v1::ReferralOutcomeReported& outcome, v1::Referral* updated) {
  return ApplyOutcomeWith(
      [&](redis::AtomicStep& step, const v1::Referral& to) {
        step.IdempotencyKey("RespondToExternalReferral", idempotency_key, fingerprint)
            .RecordTtl(dedup_ttl_)
            .Response(to.SerializeAsString());
      },
      outcome, updated);
}

absl::StatusOr<ReferralStore::OutcomeResult> ReferralStore::ApplyOutcomeWith(
    const std::function<void(redis::AtomicStep&, const v1::Referral&)>& dedup,
    const referral::v1::ReferralOutcomeReported& outcome, v1::Referral* updated) {
  auto current = Get(outcome.referral_id());
  if (!current.ok()) {
    if (current.status().code() == absl::StatusCode::kNotFound ||
        current.status().code() == absl::StatusCode::kInvalidArgument) {
      return OutcomeResult::kUnknownReferral;
    }
    return current.status();
  }
  std::vector<std::string> allowed;
  v1::Referral to = *current;
  switch (outcome.outcome()) {
    case referral::v1::INBOX_STATE_ACCEPTED:
      // CREATED too: the target may answer before the router wrote OFFERED.
      allowed = {"REFERRAL_STATE_CREATED", "REFERRAL_STATE_OFFERED"};
      to.set_state(referral::v1::REFERRAL_STATE_ACCEPTED);
      break;
    case referral::v1::INBOX_STATE_DECLINED:
      allowed = {"REFERRAL_STATE_CREATED", "REFERRAL_STATE_OFFERED"};
      to.set_state(referral::v1::REFERRAL_STATE_DECLINED);
      break;
    case referral::v1::INBOX_STATE_COMPLETED:
      allowed = {"REFERRAL_STATE_ACCEPTED"};
      to.set_state(referral::v1::REFERRAL_STATE_COMPLETED);
      break;
    default: return absl::InvalidArgumentError("outcome: not a decision");
  }
  *to.mutable_updated_at() = outcome.reported_at();
  if (!to.has_updated_at()) *to.mutable_updated_at() = ids::NowTimestamp();
  const std::string& id = outcome.referral_id();
  const std::string& pseudonym = current->offer().client_pseudonym();
  int shard = ShardOf(ShardKeyOfPseudonym(pseudonym));
  auto event = StateChangedEvent(to, current->state());
  redis::AtomicStep step(keyspace_, shard);
  dedup(step, to);
  step.RequireFieldIn(RefKey(id), "state", allowed, absl::FailedPreconditionError(kStaleOutcome))
      .HSet(RefKey(id), "data", to.SerializeAsString())
      .HSet(RefKey(id), "state", ReferralState_Name(to.state()))
      .ZRem(kOffersKey, id)
      .Publish(redis::EventFor(event, source_, kReferralsTopic, pseudonym));
  auto result = step.Execute(pool_);
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kFailedPrecondition && result.status().message() == kStaleOutcome) {
      return OutcomeResult::kStale;
    }
    return result.status();
  }
  if (updated != nullptr) {
    // A replayed request answers the referral as it was then.
    if (!result->replayed || result->response.empty() || !updated->ParseFromString(result->response)) *updated = to;
  }
  return result->replayed ? OutcomeResult::kDuplicate : OutcomeResult::kApplied;
}

}  // namespace yhteys::router
