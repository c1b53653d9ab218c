#pragma once
// The ReferralInbox every domain service implements, as plain logic over
// Redis: the router offers referrals; the service's staff accept, decline
// and complete them. Each decision is one atomic step that also publishes a
// yhteys.referral.v1.ReferralOutcomeReported event on the service's own
// topic, which closes the loop through the router.
//
// Keys (shard by referral id): inbox:<id> (hash), inbox:open (zset by due
// date). Thread-safe; blocking (call from worker threads).

#include <chrono>
#include <string>

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
};

// Checks an offer the router sends; errors name the field.
absl::Status ValidateOffer(const referral::v1::ReferralOffer& offer);

class InboxStore {
 public:
  InboxStore(redis::Pool& pool, const redis::Keyspace& keyspace, InboxSettings settings);

  // Idempotent per referral_id: a repeated identical offer returns the
  // current entry; a different offer under the same id is FAILED_PRECONDITION.
  absl::StatusOr<referral::v1::InboxEntry> Offer(const referral::v1::ReferralOffer& offer);
  absl::StatusOr<referral::v1::InboxEntry> Accept(const std::string& idempotency_key, const std::string& fingerprint,
                                                  const std::string& referral_id, const std::string& unit_id);
  absl::StatusOr<referral::v1::InboxEntry> Decline(const std::string& idempotency_key, const std::string& fingerprint,
                                                   const std::string& referral_id, referral::v1::DeclineReason reason);
  absl::StatusOr<referral::v1::InboxEntry> Complete(const std::string& idempotency_key, const std::string& fingerprint,
                                                    const std::string& referral_id);
  absl::StatusOr<referral::v1::InboxEntry> Get(const std::string& referral_id);
  absl::StatusOr<referral::v1::ListInboxResponse> List(int page_size, const std::string& page_token);

 private:
  absl::StatusOr<referral::v1::InboxEntry> Decide(const std::string& idempotency_key, const std::string& fingerprint,
                                                  const std::string& referral_id, referral::v1::InboxState from,
                                                  referral::v1::InboxState to, referral::v1::DeclineReason reason,
                                                  const std::string& unit_id);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  InboxSettings settings_;
};

}  // namespace yhteys::inbox
