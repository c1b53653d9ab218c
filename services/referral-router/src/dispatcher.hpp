#pragma once
// Makes the calls a referral waits for: offers it to its current candidate
// unit's ReferralInbox, takes an expired or cancelled offer back
// (WithdrawReferral), and expires offers left unanswered past the
// inactivity limit (the next candidate is then offered). It also watches
// the deadlines: a running clock past its due date is raised OVERDUE, once
// (a ReferralOverdue event and yhteys_referral_overdue_total{unit,rule,clock}).
//
// Calls are asynchronous, at most `max_in_flight` at once and one per
// referral, each with a deadline; their results are written by the
// dispatcher's own thread (never on a gRPC thread). An unreachable unit is
// tried again with exponential back-off (the referral keeps waiting, its
// clocks running); a unit whose system refuses the offer as invalid, or one
// the router has no address for, counts as a refusal and the next
// candidate is tried. A unit outside Yhteys (EXTERNAL) is offered by the
// OFFERED event on the referrals topic alone.
// The client's sharing decision is read again just before each offer: a
// consent withdrawn or a denial (kielto) recorded after the referral was
// made still applies (its rule's under_denial: WITHHELD, or the need only).
// Replicas: each shard's referrals are dispatched by one router at a time,
// the holder of the shard's lease ("{prefix:N}:dispatch-lease", renewed
// every lease_ttl/5, released when Run ends); a replica that dies leaves
// its shards to another after lease_ttl. So a unit is called once per step
// however many routers run (the version checks keep each written step
// single anyway). A referral made by one replica in a shard another holds
// is found by the holder's next pass (at most `interval` later).
// Run on one worker thread; Notify from any thread.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "client_sharing.hpp"
#include "referral_store.hpp"
#include "yhteys/redis/shard_leases.hpp"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"

namespace yhteys::router {

struct DispatcherOptions {
  std::chrono::milliseconds offer_timeout{2000};
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{60000};
  int batch = 64;          // referrals looked at per shard and pass
  int max_in_flight = 64;  // calls to units at once
  // The current sharing decisions, and what each rule (by id) does under a
  // denial; without them, offers go as made.
  const SharingStore* sharing = nullptr;
  std::map<std::string, UnderDenial> under_denial;
  // "Now" for the deadlines, in ms since the epoch: the real clock, or in
  // tests a clock moved ahead (router.test_clock_offset_file).
  std::function<int64_t()> deadline_now;
  // How long a shard's dispatch lease outlives its holder's last renewal,
  // and this replica's id in the leases ("" for a new unique one).
  std::chrono::milliseconds lease_ttl{5000};
  std::string replica_id;
};

class Dispatcher {
 public:
  using Stubs = std::map<common::v1::ServiceName, std::unique_ptr<referral::v1::ReferralInbox::StubInterface>>;
  // `on_change` runs after a transition was written (wakes the outbox relay).
  Dispatcher(ReferralStore& store, Stubs stubs, DispatcherOptions options, std::function<void()> on_change,
             prometheus::Registry* registry);
  ~Dispatcher();

  void Notify();
  // Until `stop`; then waits for the calls in flight.
  void Run(const std::atomic<bool>& stop);
  // One pass: applies finished calls, expires offers, starts due calls.
  // Returns the number of calls started and results applied.
  int DispatchOnce();
  // Applies finished calls until none is in flight (tests, shutdown).
  void Drain();
  // Gives up the shards' leases, so another replica takes them at once
  // (Run does it when it ends).
  void ReleaseShards();
  // The shards this dispatcher holds (as of its last pass).
  std::vector<int> shards() const { return leases_.Owned(); }

 private:
  struct Finished;
  // Starts the calls of the `due` referrals (none in flight); returns how
  // many it looked at.
  int StartCalls(const std::vector<std::string>& due);
  // `current`: the client's sharing decision read just now (null without
  // sharing decisions).
  void StartOffer(const v1::Referral& referral, const SharingStore::Current* current);
  void StartWithdrawal(const v1::Referral& referral);
  void Apply(const Finished& finished);
  void Retry(const std::string& id, int attempts, const std::string& error);
  // Writes a change of the referral: OK, FAILED_PRECONDITION when it moved
  // on, or the code of a Redis failure (logged).
  absl::StatusCode Write(const std::string& id, const ReferralStore::Decision& decide, bool publish, const char* what);
  int ExpireOffers(const std::vector<int>& shards);
  int RaiseOverdue(const std::vector<int>& shards);
  void Count(common::v1::ServiceName target, const char* result);

  ReferralStore& store_;
  Stubs stubs_;
  DispatcherOptions options_;
  std::function<void()> on_change_;
  prometheus::Family<prometheus::Counter>* attempts_ = nullptr;
  prometheus::Family<prometheus::Counter>* overdue_ = nullptr;
  prometheus::Gauge* shards_held_ = nullptr;
  redis::ShardLeases leases_;
  // When expiries and clocks are next looked at (the dispatcher's thread only).
  std::chrono::steady_clock::time_point next_timed_scan_{};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  std::set<std::string> in_flight_;                 // referral ids with a call out
  std::deque<std::unique_ptr<Finished>> finished_;  // calls done, to be applied
};

}  // namespace yhteys::router
