#pragma once
// The router's referrals in Redis. Every transition is one atomic step that
// also publishes ReferralStateChanged on yhteys.referrals.events.v1.
//
// Keys, sharded by the client's shard key (see referral_builder.hpp):
//   ref:<id>            hash: data (router.v1.Referral), state
//   journey2:<pseudonym> sorted set of the client's referral ids, in creation order
//   (journey:<pseudonym>, the earlier unordered set, is still read)
//   offers              zset: referrals waiting to be offered, by due time (ms)
//   sharing:<pseudonym> the client's sharing decision (client_sharing.hpp)
// Thread-safe; blocking.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

inline constexpr const char* kReferralsTopic = kafka::topics::kReferrals;

class ReferralStore {
 public:
  ReferralStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source, std::chrono::seconds dedup_ttl);

  const redis::Keyspace& keyspace() const { return keyspace_; }

  // Creates the referrals a trigger event caused, in one step deduplicated
  // on (ce_source, ce_id). All referrals must be for one client. Returns
  // true when the event had been processed before.
  // `sharing_version` is the version of the client's sharing decision the
  // referrals were made under ("" for none); a decision recorded since makes
  // the step ABORTED, to be made again. WITHHELD referrals are not offered.
  absl::StatusOr<bool> CreateReferrals(const std::string& ce_source, const std::string& ce_id,
                                       const std::vector<v1::Referral>& referrals,
                                       const std::string& sharing_version = "");

  absl::StatusOr<v1::Referral> Get(const std::string& referral_id);
  absl::StatusOr<std::vector<v1::Referral>> ListForClient(const std::string& pseudonym);
  // Ids whose offer is due (score <= now_ms) in one shard.
  absl::StatusOr<std::vector<std::string>> DueOffers(int shard, int64_t now_ms, int limit);

  // CREATED -> OFFERED after the target accepted the offer call. If the
  // referral already moved on (the target answered faster than we wrote),
  // only the pending offer is removed.
  absl::Status MarkOffered(const v1::Referral& referral, int attempts);
  // Offer failed: try again at next_ms.
  absl::Status RescheduleOffer(const v1::Referral& referral, int attempts, int64_t next_ms);
  // CREATED -> WITHHELD (`to`): the client withdrew consent or denied
  // sharing before the offer went out.
  absl::Status MarkWithheld(const v1::Referral& referral, const v1::Referral& to);
  // The target refused the offer for good: UNROUTABLE, for a person to handle.
  absl::Status MarkUnroutable(const v1::Referral& referral, int attempts);

  enum class OutcomeResult { kApplied, kDuplicate, kStale, kUnknownReferral };
  // A target reported ACCEPTED, DECLINED or COMPLETED: deduplicated on the
  // event (ce_source, ce_id).
  absl::StatusOr<OutcomeResult> ApplyOutcome(const std::string& ce_source, const std::string& ce_id,
                                             const referral::v1::ReferralOutcomeReported& outcome,
                                             v1::Referral* updated);
  // The same for an outcome that came as an RPC: an idempotency key with the
  // request's fingerprint. A retry replays the referral as answered then
  // (kDuplicate); the key with another request is FAILED_PRECONDITION.
  absl::StatusOr<OutcomeResult> ApplyRequestedOutcome(const std::string& idempotency_key,
                                                      const std::string& fingerprint,
                                                      const referral::v1::ReferralOutcomeReported& outcome,
                                                      v1::Referral* updated);

 private:
  int ShardOf(const std::string& shard_key) const { return keyspace_.ShardFor(shard_key); }
  // `dedup` puts the step in event or request mode.
  absl::StatusOr<OutcomeResult> ApplyOutcomeWith(
      const std::function<void(redis::AtomicStep&, const v1::Referral&)>& dedup,
      const referral::v1::ReferralOutcomeReported& outcome, v1::Referral* updated);
  absl::Status Transition(const v1::Referral& from, v1::Referral to, const std::vector<std::string>& allowed_states,
                          const std::string& step_scope, bool remove_offer);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  std::string source_;
  std::chrono::seconds dedup_ttl_;
};

// The ReferralStateChanged event for a referral's current state.
referral::v1::ReferralStateChanged StateChangedEvent(const v1::Referral& referral,
                                                     referral::v1::ReferralState previous);

}  // namespace yhteys::router
