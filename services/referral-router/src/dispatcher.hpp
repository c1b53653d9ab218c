#pragma once
// Offers created referrals to their target's ReferralInbox over gRPC, with a
// deadline on every call, retrying with exponential back-off while the
// target is unreachable (the referral stays CREATED and its deadline clock
// keeps running). A target that rejects the offer as invalid makes the
// referral UNROUTABLE for a person to handle.
// The client's sharing decision is read again just before each offer: a
// consent withdrawn or a denial (kielto) recorded after the referral was
// made still applies (its rule's under_denial: WITHHELD, or the need only).
// Runs on one worker thread; Notify from any thread.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "client_sharing.hpp"
#include "referral_store.hpp"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"

namespace yhteys::router {

struct DispatcherOptions {
  std::chrono::milliseconds offer_timeout{2000};
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{60000};
  int batch = 64;
  // The current sharing decisions, and what each rule (by id) does under a
  // denial; without them, offers go as made.
  const SharingStore* sharing = nullptr;
  std::map<std::string, UnderDenial> under_denial;
};

class Dispatcher {
 public:
  using Stubs = std::map<common::v1::ServiceName, std::unique_ptr<referral::v1::ReferralInbox::StubInterface>>;
  // `on_change` runs after a transition was written (wakes the outbox relay).
  Dispatcher(ReferralStore& store, Stubs stubs, DispatcherOptions options, std::function<void()> on_change,
             prometheus::Registry* registry);

  void Notify();
  void Run(const std::atomic<bool>& stop);
  // One pass over every shard; returns the number of offers made.
  int DispatchOnce();

 private:
  void Offer(const v1::Referral& referral);
  void Count(common::v1::ServiceName target, const char* result);

  ReferralStore& store_;
  Stubs stubs_;
  DispatcherOptions options_;
  std::function<void()> on_change_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool notified_ = false;
  prometheus::Family<prometheus::Counter>* attempts_ = nullptr;
};

}  // namespace yhteys::router
