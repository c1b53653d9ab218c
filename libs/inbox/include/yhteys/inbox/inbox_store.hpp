#pragma once
// The ReferralInbox every domain service implements, as plain logic over
// Redis: the router offers referrals (one unit at a time: after a decline or
// a withdrawal it may offer the same referral to another unit) and withdraws
// offers left unanswered; the service's staff accept, start, decline and
// complete them. Each decision of the service is one atomic step that also
// publishes a yhteys.referral.v1.ReferralOutcomeReported event on the
// service's own topic, which closes the loop through the router (a
// withdrawal publishes nothing: the router made it).
//
// Keys (shard by referral id): inbox:<id> (hash: entry, state, version),
// inbox:open (zset by due date: OFFERED, ACCEPTED and IN_PROGRESS entries).
// Every change checks the state and the version it read, so a decision never
// overwrites an entry re-offered in the meantime. Thread-safe; blocking (call
// from worker threads).

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/common/v1/common.pb.h"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/referral/v1/referral_inbox_service.pb.h"

namespace yhteys::inbox {

struct InboxSettings {
  common::v1::ServiceName service = common::v1::SERVICE_NAME_UNSPECIFIED;
  std::string topic;   // the service's own event topic
  std::string source;  // ce_source, "/yhteys/<service>"
  std::chrono::seconds idempotency_ttl{std::chrono::hours(168)};
  // Today in Finland (an outcome's completed_on may not be after it);
  // empty: calendar::TodayInFinland.
  std::function<std::chrono::year_month_day()> today;
};

// The longest legal or consent basis an offer may carry (bytes).
inline constexpr size_t kMaxBasisBytes = 200;

// Checks an offer the router sends; errors name the field.
absl::Status ValidateOffer(const referral::v1::ReferralOffer& offer);
// Checks a completion's outcome (CompleteReferralRequest.outcome): result
// SERVICE_GIVEN, or COULD_NOT_HELP with a reason; completed_on, when given,
// a date not after `today`. Errors name the field ("outcome.result: ...").
absl::Status ValidateOutcome(const referral::v1::Outcome& outcome, std::chrono::year_month_day today);

// The unit an entry is: the one that took it in, else the one it is offered
// to ("" for an offer naming no unit, which is the whole service's).
inline const std::string& OwnerUnit(const referral::v1::InboxEntry& entry) {
  return entry.handled_by_unit().empty() ? entry.offer().unit_id() : entry.handled_by_unit();
}

class InboxStore {
 public:
  InboxStore(redis::Pool& pool, const redis::Keyspace& keyspace, InboxSettings settings);

  // Idempotent per (referral_id, offer.unit_id): a repeated identical offer
  // returns the current entry and changes nothing. An offer of a referral
  // already here for another unit replaces the entry (OFFERED again, back on
  // the open list) when the entry is DECLINED or WITHDRAWN; otherwise, and
  // for a different offer for the same unit, FAILED_PRECONDITION naming
  // offer.referral_id.
  absl::StatusOr<referral::v1::InboxEntry> Offer(const referral::v1::ReferralOffer& offer);
  // OFFERED -> ACCEPTED by `unit_id` (the offer's unit when empty). Where
  // the offer names a unit, only that unit answers it (Accept and Decline):
  // another is FAILED_PRECONDITION naming unit_id.
  absl::StatusOr<referral::v1::InboxEntry> Accept(const std::string& idempotency_key, const std::string& fingerprint,
                                                  const std::string& referral_id, const std::string& unit_id);
  // OFFERED -> DECLINED (off the open list), by `unit_id` when given.
  absl::StatusOr<referral::v1::InboxEntry> Decline(const std::string& idempotency_key, const std::string& fingerprint,
                                                   const std::string& referral_id, referral::v1::DeclineReason reason,
                                                   const std::string& unit_id = "");
  // ACCEPTED -> IN_PROGRESS (stays on the open list).
  absl::StatusOr<referral::v1::InboxEntry> Start(const std::string& idempotency_key, const std::string& fingerprint,
                                                 const std::string& referral_id);
  // ACCEPTED or IN_PROGRESS -> COMPLETED with `outcome` (ValidateOutcome),
  // off the open list.
  absl::StatusOr<referral::v1::InboxEntry> Complete(const std::string& idempotency_key, const std::string& fingerprint,
                                                    const std::string& referral_id,
                                                    const referral::v1::Outcome& outcome);
  // The router withdraws an offer (reason OFFER_EXPIRED, or UNSPECIFIED for
  // a cancellation): an OFFERED entry for `unit_id` (any unit when empty)
  // becomes WITHDRAWN, off the open list, with no event. Any other entry is
  // returned unchanged; NOT_FOUND only when there is no entry at all.
  absl::StatusOr<referral::v1::InboxEntry> Withdraw(const std::string& referral_id, const std::string& unit_id,
                                                    referral::v1::DeclineReason reason);
  absl::StatusOr<referral::v1::InboxEntry> Get(const std::string& referral_id);
  absl::StatusOr<referral::v1::ListInboxResponse> List(int page_size, const std::string& page_token);

 private:
  // An entry as read, with the version a change must still find.
  struct Stored {
    referral::v1::InboxEntry entry;
    std::string version;
  };
  // NOT_FOUND naming `field` when there is no entry.
  absl::StatusOr<Stored> Read(const std::string& referral_id, const std::string& field);
  absl::StatusOr<referral::v1::InboxEntry> Decide(const std::string& verb, const std::string& idempotency_key,
                                                  const std::string& fingerprint, const std::string& referral_id,
                                                  const std::vector<referral::v1::InboxState>& from,
                                                  referral::v1::InboxState to, referral::v1::DeclineReason reason,
                                                  const std::string& unit_id, const referral::v1::Outcome* outcome);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  InboxSettings settings_;
};

}  // namespace yhteys::inbox
