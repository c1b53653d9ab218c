#pragma once
// The router's referrals in Redis, in the load → decide → commit shape: a
// change loads the referral with its version, a pure decision of
// referral_lifecycle.hpp computes its next state, and one atomic step writes
// it over that version with its ReferralStateChanged event (on
// yhteys.referrals.events.v1) and the indexes its state implies.
//
// Keys, sharded by the client's shard key (see referral_builder.hpp):
//   ref:<id>             hash: data (router.v1.Referral), version, state
//   journey2:<pseudonym> sorted set of the client's referral ids, in creation order
//   (journey:<pseudonym>, the earlier unordered set, is still read)
//   offers               zset: referrals waiting for a call to a unit (an
//                        offer to make, or one to withdraw), by when (ms)
//   expiries             zset: OFFERED referrals, by when the offer expires (ms)
//   clocks               zset: "<id>|<clock kind>" of every running clock, by
//                        when it is overdue (ms; referral_lifecycle.hpp)
//   wl:<unit id>         zset: the unit's worklist (worklist.hpp), by the
//                        earliest running clock
//   cwl:<county>         zset: the county's counsellors' worklist, the same order
//   sharing:<pseudonym>  the client's sharing decision (client_sharing.hpp)
// Every write also puts the referral as written on the changelog topic
// (yhteys.router.changelog.v1, keyed by the client), from which an empty
// Redis is rebuilt (restore.hpp).
// Thread-safe; blocking.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/versioned.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

inline constexpr const char* kReferralsTopic = kafka::topics::kReferrals;

// The dedup scope of the router's own writes (steps guarded by a version, a
// restore's writes), which no request or event shares, and how long their
// records, never read again, stay.
inline constexpr char kOwnStepScope[] = "router-own-step";
inline constexpr std::chrono::seconds kOwnStepRecordTtl{60};

// How long a unit may leave an offer unanswered before it expires and the
// next candidate is offered (router.offer_expiry_*_seconds).
struct OfferExpiry {
  std::chrono::seconds urgent{4 * 3600};
  std::chrono::seconds non_urgent{3 * 24 * 3600};
};

// How a change is deduplicated: not at all (the router's own steps, guarded
// by the version), by the event that caused it, or by a request's
// idempotency key and fingerprint.
struct Dedup {
  enum class Kind { kNone, kEvent, kRequest };
  Kind kind = Kind::kNone;
  std::string scope;  // the event's ce_source, or the request's scope (its RPC)
  std::string key;    // the event's ce_id, or the idempotency key
  std::string fingerprint;

  static Dedup None() { return {}; }
  static Dedup Event(std::string source, std::string id) {
    return {Kind::kEvent, std::move(source), std::move(id), ""};
  }
  static Dedup Request(std::string scope, std::string key, std::string fingerprint) {
    return {Kind::kRequest, std::move(scope), std::move(key), std::move(fingerprint)};
  }
};

class ReferralStore {
 public:
  // `registry` (optional) gets yhteys_referrals_total{state}: every state
  // change written, whoever made it.
  ReferralStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source, std::chrono::seconds dedup_ttl,
                OfferExpiry expiry = {}, prometheus::Registry* registry = nullptr);

  const redis::Keyspace& keyspace() const { return keyspace_; }
  redis::Pool& pool() const { return pool_; }

  // Creates the referrals a trigger event caused, in one step deduplicated
  // on (ce_source, ce_id). All referrals must be for one client. Returns
  // true when the event had been processed before.
  // `sharing_version` is the version of the client's sharing decision the
  // referrals were made under ("" for none); a decision recorded since makes
  // the step ABORTED, to be made again.
  absl::StatusOr<bool> CreateReferrals(const std::string& ce_source, const std::string& ce_id,
                                       const std::vector<v1::Referral>& referrals,
                                       const std::string& sharing_version = "");

  // A counselling contact: its event (`contact`, published first) and every
  // referral it implies, in one step deduplicated on the request's
  // idempotency key (`request`); a retry gets `response` of the first call
  // back (StepOutcome::response). Same checks as CreateReferrals.
  absl::StatusOr<redis::StepOutcome> RecordContact(const Dedup& request, const redis::OutboxEvent& contact,
                                                   const std::vector<v1::Referral>& referrals,
                                                   const std::string& sharing_version, std::string response);

  // Rebuilding from the changelog (restore.hpp): writes each referral as
  // it stands, with the indexes its state implies; publishes nothing.
  // ALREADY_EXISTS when one is in Redis already.
  absl::Status Restore(const std::vector<v1::Referral>& referrals);
  // Whether any referral is in Redis (a restore writes only into none).
  absl::StatusOr<bool> HoldsReferrals();

  absl::StatusOr<v1::Referral> Get(const std::string& referral_id);
  // Each of `referral_ids` in one round trip, in order: the referral, or
  // its error (NOT_FOUND...). The outer error is Redis's.
  absl::StatusOr<std::vector<absl::StatusOr<v1::Referral>>> GetMany(const std::vector<std::string>& referral_ids);
  absl::StatusOr<std::vector<v1::Referral>> ListForClient(const std::string& pseudonym);
  // Ids waiting for a call to a unit (score <= now_ms) in one shard.
  absl::StatusOr<std::vector<std::string>> DueDispatches(int shard, int64_t now_ms, int limit);
  // The same for each of `shards` in one round trip (at most `limit` per shard).
  absl::StatusOr<std::vector<std::string>> DueDispatchesIn(const std::vector<int>& shards, int64_t now_ms, int limit);
  // Ids whose offer expired (score <= now_ms) in one shard.
  absl::StatusOr<std::vector<std::string>> DueExpiries(int shard, int64_t now_ms, int limit);
  // A worklist's referrals across every shard, first in order first; at
  // most `limit`. `unit_id` or, with `counsellors`, a county.
  absl::StatusOr<std::vector<v1::Referral>> Worklist(const std::string& owner, bool counsellors, int limit);
  // Running clocks overdue at now_ms in one shard: (referral id, clock kind).
  absl::StatusOr<std::vector<std::pair<std::string, v1::ClockKind>>> DueClocks(int shard, int64_t now_ms, int limit);

  using Decision = std::function<absl::StatusOr<v1::Referral>(const v1::Referral&)>;
  struct Changed {
    v1::Referral referral;  // as written (or, replayed, as answered the first time)
    bool replayed = false;  // the event or request had been applied before
  };
  // Loads the referral, lets `decide` compute its next state and commits it
  // over the loaded version, with its event when `publish` (a change of
  // state, or a new answer), a ReferralOverdue event for each clock that
  // became overdue, and the indexes of its new state; made again
  // when another writer got in between. A failed decision (the referral
  // moved on: FAILED_PRECONDITION) still consults the dedup record, so a
  // re-delivered event or a retried request replays instead of failing.
  absl::StatusOr<Changed> Change(const std::string& referral_id, const Decision& decide, const Dedup& dedup,
                                 bool publish = true);

 private:
  int ShardOf(const std::string& shard_key) const { return keyspace_.ShardFor(shard_key); }
  // The dispatch, expiry, clock and worklist indexes of `after` (off those
  // of `before`, nullptr for a referral new to Redis).
  void IndexState(redis::AtomicStep& step, const v1::Referral* before, const v1::Referral& after, int64_t now_ms);
  // The referral as written, for the changelog (kafka::topics::kRouterChangelog).
  redis::OutboxEvent ChangelogRecord(const v1::Referral& r) const;
  // The writes that put a referral new to Redis: its record (`collision`
  // when one is there), state, place in the client's journey and indexes.
  void WriteNew(redis::AtomicStep& step, const v1::Referral& r, absl::Status collision, int64_t now_ms);
  // The writes that make `referrals` (all of one client) and their events.
  void AddCreations(redis::AtomicStep& step, const std::vector<v1::Referral>& referrals,
                    const std::string& sharing_version);
  int64_t ExpiresAtMs(const v1::Referral& referral) const;
  // The members of index `key` in `shard` with a score up to now_ms, first first.
  absl::StatusOr<std::vector<std::string>> Due(int shard, const char* key, int64_t now_ms, int limit, const char* what);
  // Loads each of `ids` onto `out`; one gone since the index named it is skipped.
  absl::Status AppendLoaded(const std::vector<std::string>& ids, std::vector<v1::Referral>* out);
  void CountState(referral::v1::ReferralState state);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  redis::VersionedRepository repo_;
  std::string source_;
  std::chrono::seconds dedup_ttl_;
  OfferExpiry expiry_;
  prometheus::Family<prometheus::Counter>* states_ = nullptr;
};

// The ReferralOverdue event for one of the referral's clocks.
referral::v1::ReferralOverdue OverdueEvent(const v1::Referral& referral, const v1::Clock& clock);

// The ReferralStateChanged event for a referral's current state.
referral::v1::ReferralStateChanged StateChangedEvent(const v1::Referral& referral,
                                                     referral::v1::ReferralState previous);

}  // namespace yhteys::router
