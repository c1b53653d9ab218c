#include "dispatcher.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "client_sharing.hpp"
#include "rules.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::router {
namespace {}  // namespace

Dispatcher::Dispatcher(ReferralStore& store, Stubs stubs, DispatcherOptions options, std::function<void()> on_change,
                       prometheus::Registry* registry)
    : store_(store), stubs_(std::move(stubs)), options_(options), on_change_(std::move(on_change)) {
  if (registry != nullptr) {
    attempts_ = &prometheus::BuildCounter()
                     .Name("yhteys_referral_offer_attempts_total")
                     .Help("Offers of referrals to target services, by target and result")
                     .Register(*registry);
  }
}

void Dispatcher::Count(common::v1::ServiceName target, const char* result) {
  if (attempts_ != nullptr) attempts_->Add({{"target_service", ServiceToName(target)}, {"result", result}}).Increment();
}

void Dispatcher::Notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

void Dispatcher::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    int offered = DispatchOnce();
    if (offered > 0) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return notified_; });
    notified_ = false;
  }
}

int Dispatcher::DispatchOnce() {
  int offered = 0;
  for (int shard = 0; shard < store_.keyspace().shards(); ++shard) {
    auto due = store_.DueOffers(shard, ids::NowMillis(), options_.batch);
    if (!due.ok()) continue;  // Redis down: the next pass tries again
    for (const std::string& id : *due) {
      auto referral = store_.Get(id);
      if (!referral.ok()) continue;
      Offer(*referral);
      ++offered;
    }
  }
  return offered;
}

void Dispatcher::Offer(const v1::Referral& made) {
  const std::string& id = made.offer().referral_id();
  int attempts = made.offer_attempts() + 1;
  auto it = stubs_.find(made.target_service());
  if (made.state() != referral::v1::REFERRAL_STATE_CREATED) {
    // Already moved on: just drop the pending offer.
    (void)store_.MarkOffered(made, made.offer_attempts());
    return;
  }
  // The decision in force now, not only when the referral was made.
  v1::Referral referral = made;
  if (options_.sharing != nullptr) {
    auto current = options_.sharing->Get(made.offer().client_pseudonym());
    if (!current.ok()) {
      (void)store_.RescheduleOffer(made, made.offer_attempts(), ids::NowMillis() + options_.min_backoff.count());
      return;
    }
    const auto status = current->sharing.status();
    if (SharingRestricted(status) && !SharingRestricted(made.offer().sharing_status())) {
      Rule rule;  // a rule no longer in the file: withheld, the safe side
      if (auto r = options_.under_denial.find(made.offer().rule_id()); r != options_.under_denial.end()) {
        rule.under_denial = r->second;
      }
      ApplySharing(rule, status, &referral);
      if (referral.state() == referral::v1::REFERRAL_STATE_WITHHELD) {
        if (store_.MarkWithheld(made, referral).ok() && on_change_) on_change_();
        log::Info("referral withheld: the client's sharing decision changed before the offer", {{"referral", id}});
        return;
      }
    }
  }
  if (referral.target_service() == common::v1::SERVICE_NAME_EXTERNAL) {
    // A unit outside Yhteys: the OFFERED event on the referrals topic is the
    // offer; the unit's system answers through RespondToExternalReferral.
    if (store_.MarkOffered(referral, attempts).ok()) {
      Count(referral.target_service(), "published");
      if (on_change_) on_change_();
      log::Info("referral published for an external unit", {{"referral", id}, {"need", referral.offer().need_code()}});
    }
    return;
  }
  if (it == stubs_.end()) {
    log::Error("no address configured for the referral's target; referral unroutable",
               {{"referral", id}, {"target", ServiceToName(referral.target_service())}});
    Count(referral.target_service(), "unroutable");
    (void)store_.MarkUnroutable(referral, attempts);
    return;
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.offer_timeout);
  referral::v1::OfferReferralRequest request;
  *request.mutable_offer() = OfferForTarget(referral.offer());
  referral::v1::InboxEntry entry;
  grpc::Status status = it->second->OfferReferral(&ctx, request, &entry);
  if (status.ok()) {
    Count(referral.target_service(), "offered");
    if (auto st = store_.MarkOffered(referral, attempts); !st.ok()) {
      log::Warn("offer made but not recorded; will offer again (idempotent at the target)",
                {{"referral", id}, {"error", std::string(st.message())}});
    } else {
      if (on_change_) on_change_();
      log::Info("referral offered",
                {{"referral", id}, {"target", ServiceToName(referral.target_service())}, {"attempt", attempts}});
    }
    return;
  }
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
      status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    Count(referral.target_service(), "rejected");
    log::Error("target rejected the offer; referral unroutable",
               {{"referral", id}, {"code", static_cast<int>(status.error_code())}, {"error", status.error_message()}});
    if (store_.MarkUnroutable(referral, attempts).ok() && on_change_) on_change_();
    return;
  }
  Count(referral.target_service(), "failed");
  auto backoff = options_.min_backoff * (1LL << std::min(attempts - 1, 16));
  if (backoff > options_.max_backoff) backoff = options_.max_backoff;
  log::Warn("offer failed; will retry", {{"referral", id},
                                         {"target", ServiceToName(referral.target_service())},
                                         {"attempt", attempts},
                                         {"retry_in_ms", static_cast<int64_t>(backoff.count())},
                                         {"error", status.error_message()}});
  (void)store_.RescheduleOffer(referral, attempts, ids::NowMillis() + backoff.count());
}

}  // namespace yhteys::router
