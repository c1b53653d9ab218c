#include "dispatcher.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>

#include "client_sharing.hpp"
#include "referral_lifecycle.hpp"
#include "rules.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::router {
namespace {

// `stored` as offered under the sharing decision `offered` was made under
// (a denial recorded since the referral was made: the need only).
v1::Referral WithSharingOf(const v1::Referral& offered, const v1::Referral& stored) {
  v1::Referral r = stored;
  r.mutable_offer()->set_sharing_status(offered.offer().sharing_status());
  r.mutable_offer()->set_details_withheld(offered.offer().details_withheld());
  return r;
}

}  // namespace

// One call to a unit and what it answered.
struct Dispatcher::Finished {
  enum class Kind { kOffer, kWithdrawal } kind = Kind::kOffer;
  v1::Referral referral;  // as it was when the call started
  grpc::ClientContext context;
  referral::v1::OfferReferralRequest offer;
  referral::v1::WithdrawReferralRequest withdrawal;
  referral::v1::InboxEntry entry;
  grpc::Status status;
};

Dispatcher::Dispatcher(ReferralStore& store, Stubs stubs, DispatcherOptions options, std::function<void()> on_change,
                       prometheus::Registry* registry)
    : store_(store),
      stubs_(std::move(stubs)),
      options_(std::move(options)),
      on_change_(std::move(on_change)),
      leases_(store.pool(), store.keyspace(), "dispatch-lease",
              options_.replica_id.empty() ? ids::NewUuid() : options_.replica_id, options_.lease_ttl) {
  if (registry != nullptr) {
    attempts_ = &prometheus::BuildCounter()
                     .Name("yhteys_referral_offer_attempts_total")
                     .Help("Calls to units about referrals (offers, withdrawals), by target service and result")
                     .Register(*registry);
    overdue_ = &prometheus::BuildCounter()
                    .Name("yhteys_referral_overdue_total")
                    .Help(
                        "Deadline clocks that passed their due date without the step they guard, by the unit the "
                        "referral was with, rule and clock")
                    .Register(*registry);
    shards_held_ = &prometheus::BuildGauge()
                        .Name("yhteys_router_dispatch_shards")
                        .Help(
                            "Shards whose referrals this router replica dispatches (holds the lease of); across "
                            "the replicas they add up to the keyspace's shards")
                        .Register(*registry)
                        .Add({});
  }
  if (!options_.deadline_now) options_.deadline_now = [] { return ids::NowMillis(); };
}

Dispatcher::~Dispatcher() { Drain(); }

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
    if (DispatchOnce() > 0) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.interval, [this] { return notified_ || !finished_.empty(); });
    notified_ = false;
  }
  Drain();
  ReleaseShards();
}

void Dispatcher::ReleaseShards() {
  leases_.Release();
  if (shards_held_ != nullptr) shards_held_->Set(0);
}

void Dispatcher::Drain() {
  for (;;) {
    std::unique_ptr<Finished> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !finished_.empty() || in_flight_.empty(); });
      if (finished_.empty()) return;
      next = std::move(finished_.front());
      finished_.pop_front();
    }
    Apply(*next);
  }
}

int Dispatcher::DispatchOnce() {
  int done = 0;
  for (;;) {
    std::unique_ptr<Finished> next;
    {
      std::lock_guard lock(mutex_);
      if (finished_.empty()) break;
      next = std::move(finished_.front());
      finished_.pop_front();
    }
    Apply(*next);
    ++done;
  }
  for (int shard : leases_.Renew()) {
    log::Info(leases_.Owns(shard) ? "dispatching the shard's referrals" : "the shard's referrals are another router's",
              {{"shard", shard}});
  }
  const std::vector<int> shards = leases_.Owned();
  if (shards_held_ != nullptr) shards_held_->Set(static_cast<double>(shards.size()));
  if (shards.empty()) return done;  // another replica holds them all
  // Expiries and clocks are matters of time: looked at once per interval,
  // not on every pass a busy dispatcher makes.
  if (const auto now = std::chrono::steady_clock::now(); now >= next_timed_scan_) {
    next_timed_scan_ = now + options_.interval;
    done += ExpireOffers(shards);
    done += RaiseOverdue(shards);
  }
  auto due = store_.DueDispatchesIn(shards, ids::NowMillis(), options_.batch);
  if (!due.ok()) return done;  // Redis down: the next pass tries again
  // The due referrals whose call is not out yet, as many as there is room
  // for (only this thread adds calls).
  std::vector<std::string> startable;
  {
    std::lock_guard lock(mutex_);
    const size_t room = static_cast<size_t>(std::max(0, options_.max_in_flight - static_cast<int>(in_flight_.size())));
    for (const std::string& id : *due) {
      if (startable.size() >= room) break;
      if (in_flight_.count(id) == 0) startable.push_back(id);
    }
  }
  return done + StartCalls(startable);
}

int Dispatcher::StartCalls(const std::vector<std::string>& due) {
  if (due.empty()) return 0;
  // One round trip for the referrals and one for their clients' sharing
  // decisions, not two per referral.
  auto referrals = store_.GetMany(due);
  if (!referrals.ok()) return 0;  // Redis down: the next pass tries again
  std::vector<const v1::Referral*> offers;
  for (size_t i = 0; i < due.size(); ++i) {
    const absl::StatusOr<v1::Referral>& referral = (*referrals)[i];
    if (!referral.ok()) continue;
    if (!NeedsDispatch(*referral)) {
      // Indexed but nothing to do: the index follows the state.
      Write(
          due[i], [](const v1::Referral& r) { return r; }, false, "index");
    } else if (!referral->withdraw_unit_id().empty()) {
      StartWithdrawal(*referral);
    } else {
      offers.push_back(&*referral);
    }
  }
  std::vector<SharingStore::Current> decisions;
  if (options_.sharing != nullptr && !offers.empty()) {
    std::vector<std::string> clients;
    for (const v1::Referral* r : offers) clients.push_back(r->offer().client_pseudonym());
    auto current = options_.sharing->GetMany(clients);
    if (!current.ok()) return static_cast<int>(due.size() - offers.size());  // the offers wait for the next pass
    decisions = std::move(*current);
  }
  for (size_t i = 0; i < offers.size(); ++i) StartOffer(*offers[i], decisions.empty() ? nullptr : &decisions[i]);
  return static_cast<int>(due.size());
}

int Dispatcher::ExpireOffers(const std::vector<int>& shards) {
  int expired = 0;
  const Timestamp now = ids::NowTimestamp();
  for (int shard : shards) {
    auto due = store_.DueExpiries(shard, ids::NowMillis(), options_.batch);
    if (!due.ok()) continue;
    for (const std::string& id : *due) {
      auto changed = store_.Change(
          id, [&](const v1::Referral& r) { return DecideExpired(r, r.offer().unit_id(), now); }, Dedup::None());
      if (changed.ok()) {
        ++expired;
        log::Info("offer expired unanswered; the next candidate is offered",
                  {{"referral", id}, {"state", StateName(changed->referral.state())}});
        if (on_change_) on_change_();
      } else if (changed.status().code() == absl::StatusCode::kFailedPrecondition) {
        // Answered meanwhile: the index goes with the state.
        Write(
            id, [](const v1::Referral& r) { return r; }, false, "index");
      }
    }
  }
  return expired;
}

int Dispatcher::RaiseOverdue(const std::vector<int>& shards) {
  int raised = 0;
  const int64_t now = options_.deadline_now();
  for (int shard : shards) {
    auto due = store_.DueClocks(shard, now, options_.batch);
    if (!due.ok()) continue;
    for (const auto& [id, kind] : *due) {
      const v1::ClockKind clock = kind;
      auto changed = store_.Change(
          id, [&](const v1::Referral& r) { return DecideOverdue(r, clock, now); }, Dedup::None(), false);
      if (!changed.ok()) {
        // Stopped or raised meanwhile: the index follows the referral.
        if (changed.status().code() == absl::StatusCode::kFailedPrecondition) {
          Write(
              id, [](const v1::Referral& r) { return r; }, false, "index");
        }
        continue;
      }
      ++raised;
      const v1::Referral& r = changed->referral;
      if (overdue_ != nullptr) {
        overdue_
            ->Add({{"unit", r.offer().unit_id().empty() ? "none" : r.offer().unit_id()},
                   // Under a data-sharing denial the rule (the cause) is not told.
                   {"rule", r.offer().details_withheld() ? "withheld" : r.offer().rule_id()},
                   {"clock", ClockName(clock)}})
            .Increment();
      }
      log::Warn("referral overdue", {{"referral", id},
                                     {"clock", ClockName(clock)},
                                     {"state", StateName(r.state())},
                                     {"unit", r.offer().unit_id()}});
      if (on_change_) on_change_();
    }
  }
  return raised;
}

absl::StatusCode Dispatcher::Write(const std::string& id, const ReferralStore::Decision& decide, bool publish,
                                   const char* what) {
  auto changed = store_.Change(id, decide, Dedup::None(), publish);
  if (!changed.ok()) {
    // The referral moved on (FAILED_PRECONDITION) or Redis failed: the
    // index still names it, and the next pass looks again.
    if (changed.status().code() != absl::StatusCode::kFailedPrecondition) {
      log::Warn("referral change not written; will look again",
                {{"referral", id}, {"change", what}, {"error", std::string(changed.status().message())}});
    }
    return changed.status().code();
  }
  if (publish && on_change_) on_change_();
  return absl::StatusCode::kOk;
}

void Dispatcher::StartWithdrawal(const v1::Referral& r) {
  auto stub = stubs_.find(r.withdraw_service());
  if (stub == stubs_.end()) {
    // No address: nothing can be withdrawn; the unit's late answer will be
    // refused as stale.
    Write(
        r.offer().referral_id(), [](const v1::Referral& x) { return WithdrawalDone(x); }, false, "withdrawal");
    return;
  }
  auto call = std::make_unique<Finished>();
  call->kind = Finished::Kind::kWithdrawal;
  call->referral = r;
  call->withdrawal.set_referral_id(r.offer().referral_id());
  call->withdrawal.set_unit_id(r.withdraw_unit_id());
  const bool expired = r.offers_size() > 0 && r.offers(r.offers_size() - 1).result() == v1::OFFER_RESULT_EXPIRED;
  call->withdrawal.set_reason(expired ? referral::v1::DECLINE_REASON_OFFER_EXPIRED
                                      : referral::v1::DECLINE_REASON_UNSPECIFIED);
  call->context.set_deadline(std::chrono::system_clock::now() + options_.offer_timeout);
  Finished* raw = call.release();
  {
    std::lock_guard lock(mutex_);
    in_flight_.insert(r.offer().referral_id());
  }
  stub->second->async()->WithdrawReferral(&raw->context, &raw->withdrawal, &raw->entry, [this, raw](grpc::Status s) {
    raw->status = std::move(s);
    // Notified under the lock: once Drain sees this result the dispatcher
    // may be destroyed, so nothing of it is touched after the unlock.
    std::lock_guard lock(mutex_);
    finished_.emplace_back(raw);
    wake_.notify_all();
  });
}

void Dispatcher::StartOffer(const v1::Referral& made, const SharingStore::Current* current) {
  const std::string& id = made.offer().referral_id();
  // The decision in force now, not only when the referral was made.
  v1::Referral referral = made;
  if (current != nullptr) {
    const auto status = current->sharing.status();
    if (SharingRestricted(status) && !SharingRestricted(made.offer().sharing_status())) {
      Rule rule;  // a rule no longer in the file: withheld, the safe side
      if (auto r = options_.under_denial.find(made.offer().rule_id()); r != options_.under_denial.end()) {
        rule.under_denial = r->second;
      }
      ApplySharing(rule, status, &referral);
      if (referral.state() == referral::v1::REFERRAL_STATE_WITHHELD) {
        const v1::Referral withheld = referral;
        Write(
            id,
            [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
              if (!NeedsDispatch(r) || r.state() == referral::v1::REFERRAL_STATE_WITHHELD) {
                return absl::FailedPreconditionError("referral moved on");
              }
              v1::Referral to = r;
              to.set_state(referral::v1::REFERRAL_STATE_WITHHELD);
              to.mutable_offer()->set_sharing_status(withheld.offer().sharing_status());
              *to.mutable_updated_at() = ids::NowTimestamp();
              StopClocks(&to);
              return to;
            },
            true, "withheld");
        log::Info("referral withheld: the client's sharing decision changed before the offer", {{"referral", id}});
        return;
      }
    }
  }
  const Timestamp now = ids::NowTimestamp();
  if (referral.target_service() == common::v1::SERVICE_NAME_EXTERNAL) {
    // A unit outside Yhteys: the OFFERED event on the referrals topic is the
    // offer; the unit's system answers through RespondToExternalReferral.
    Write(
        id, [&](const v1::Referral& r) { return DecideOffered(WithSharingOf(referral, r), now); }, true, "offered");
    Count(referral.target_service(), "published");
    log::Info("referral published for an external unit", {{"referral", id}, {"unit", referral.offer().unit_id()}});
    return;
  }
  auto stub = stubs_.find(referral.target_service());
  if (stub == stubs_.end()) {
    log::Error(
        "no address configured for the unit's service; the next candidate is tried",
        {{"referral", id}, {"unit", referral.offer().unit_id()}, {"target", ServiceToName(referral.target_service())}});
    Count(referral.target_service(), "unroutable");
    Write(
        id, [&](const v1::Referral& r) { return DecideOfferRefused(r, now); }, true, "refused");
    return;
  }
  auto call = std::make_unique<Finished>();
  call->kind = Finished::Kind::kOffer;
  call->referral = referral;
  *call->offer.mutable_offer() = OfferForTarget(referral.offer());
  call->context.set_deadline(std::chrono::system_clock::now() + options_.offer_timeout);
  Finished* raw = call.release();
  {
    std::lock_guard lock(mutex_);
    in_flight_.insert(id);
  }
  stub->second->async()->OfferReferral(&raw->context, &raw->offer, &raw->entry, [this, raw](grpc::Status s) {
    raw->status = std::move(s);
    // Notified under the lock: once Drain sees this result the dispatcher
    // may be destroyed, so nothing of it is touched after the unlock.
    std::lock_guard lock(mutex_);
    finished_.emplace_back(raw);
    wake_.notify_all();
  });
}

void Dispatcher::Apply(const Finished& call) {
  const v1::Referral& referral = call.referral;
  const std::string& id = referral.offer().referral_id();
  const Timestamp now = ids::NowTimestamp();
  if (call.kind == Finished::Kind::kWithdrawal) {
    if (call.status.ok() || call.status.error_code() == grpc::StatusCode::NOT_FOUND) {
      Count(referral.withdraw_service(), "withdrawn");
      const std::string unit = referral.withdraw_unit_id();
      Write(
          id,
          [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
            if (r.withdraw_unit_id() != unit) return absl::FailedPreconditionError("withdrawal changed");
            return WithdrawalDone(r);
          },
          false, "withdrawn");
    } else {
      Count(referral.withdraw_service(), "failed");
      Retry(id, referral.offer_attempts() + 1, call.status.error_message());
    }
  } else if (call.status.ok()) {
    Count(referral.target_service(), "offered");
    const std::string unit = referral.offer().unit_id();
    const absl::StatusCode offered = Write(
        id,
        [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
          if (r.offer().unit_id() != unit) return absl::FailedPreconditionError("referral moved on");
          return DecideOffered(WithSharingOf(referral, r), now);
        },
        true, "offered");
    if (offered == absl::StatusCode::kFailedPrecondition) {
      // Cancelled (or withheld) while the offer was on its way: the unit's
      // inbox now holds an offer of a closed referral; it is taken back.
      const common::v1::ServiceName service = referral.target_service();
      Write(
          id,
          [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
            if (IsOpen(r.state()) || !r.withdraw_unit_id().empty()) {
              return absl::FailedPreconditionError("nothing to take back");
            }
            v1::Referral to = r;
            to.set_withdraw_unit_id(unit);
            to.set_withdraw_service(service);
            return to;
          },
          false, "take back");
    }
    log::Info("referral offered", {{"referral", id},
                                   {"unit", unit},
                                   {"target", ServiceToName(referral.target_service())},
                                   {"attempt", referral.offer_attempts() + 1}});
  } else if (call.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    Count(referral.target_service(), "rejected");
    log::Error("the unit's system refused the offer; the next candidate is tried",
               {{"referral", id},
                {"unit", referral.offer().unit_id()},
                {"code", static_cast<int>(call.status.error_code())},
                {"error", call.status.error_message()}});
    const std::string unit = referral.offer().unit_id();
    Write(
        id,
        [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
          if (r.offer().unit_id() != unit) return absl::FailedPreconditionError("referral moved on");
          return DecideOfferRefused(r, now);
        },
        true, "refused");
  } else {
    // Unreachable, or the inbox still holds the referral for another unit
    // (FAILED_PRECONDITION: e.g. an earlier unit accepted just before its
    // offer expired, and its answer is on its way): tried again later.
    Count(referral.target_service(), "failed");
    Retry(id, referral.offer_attempts() + 1, call.status.error_message());
  }
  std::lock_guard lock(mutex_);
  in_flight_.erase(id);
}

void Dispatcher::Retry(const std::string& id, int attempts, const std::string& error) {
  auto backoff = options_.min_backoff * (1LL << std::min(attempts - 1, 16));
  if (backoff > options_.max_backoff) backoff = options_.max_backoff;
  const int64_t next = ids::NowMillis() + backoff.count();
  log::Warn("call to the unit failed; will retry", {{"referral", id},
                                                    {"attempt", attempts},
                                                    {"retry_in_ms", static_cast<int64_t>(backoff.count())},
                                                    {"error", error}});
  // No state change and no event: the attempt count and the next try.
  Write(
      id,
      [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
        if (!NeedsDispatch(r)) return absl::FailedPreconditionError("referral moved on");
        v1::Referral to = r;
        to.set_offer_attempts(attempts);
        to.set_dispatch_after_ms(next);
        return to;
      },
      false, "retry");
}

}  // namespace yhteys::router
