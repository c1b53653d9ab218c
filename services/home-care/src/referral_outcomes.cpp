#include "referral_outcomes.hpp"

#include "yhteys/log/log.hpp"
#include "yhteys/status/grpc_status.hpp"

namespace yhteys::homecare {

kafka::HandleResult HandleReferralEvent(HomeCareStore& store, const kafka::ConsumedRecord& record) {
  using kafka::Outcome;
  if (record.event.type != referral::v1::ReferralStateChanged::descriptor()->full_name()) {
    // Other referral events (e.g. ReferralOverdue) do not concern this view.
    return {Outcome::kDone, ""};
  }
  referral::v1::ReferralStateChanged change;
  if (!change.ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};
  if (change.source_service() != common::v1::SERVICE_NAME_HOME_CARE) return {Outcome::kDone, ""};
  if (change.client_pseudonym().size() != 64 || change.referral_id().empty()) {
    return {Outcome::kPoison, "invalid-referral-event"};
  }
  auto duplicate = store.RecordReferralOutcome(record.event.source, record.event.id, change);
  if (!duplicate.ok()) {
    if (status::IsRetryable(duplicate.status())) return {Outcome::kRetry, "redis-unavailable"};
    log::Error("referral outcome not recorded", {{"error", std::string(duplicate.status().message())}});
    return {Outcome::kRetry, "store-failed"};
  }
  if (!*duplicate) {
    log::Info("referral outcome recorded", {{"referral", change.referral_id()},
                                            {"state", referral::v1::ReferralState_Name(change.state())},
                                            {"client", change.client_pseudonym()}});
  }
  return {*duplicate ? Outcome::kDuplicate : Outcome::kDone, ""};
}

}  // namespace yhteys::homecare
