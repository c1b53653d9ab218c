#pragma once
// Turning a matched rule and its trigger event into a referral: a
// deterministic id (so a re-processed event yields the same referral), the
// deadline clocks on the working-day calendar from the event's own date, and
// the data the target needs. Pure functions: the day the router consumes the
// event never enters them.

#include <google/protobuf/message.h>

#include <chrono>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "rules.hpp"
#include "yhteys/calendar/working_days.hpp"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

struct Trigger {
  std::string ce_source;
  std::string ce_id;
  std::string client_pseudonym;
  common::v1::Language language = common::v1::LANGUAGE_UNSPECIFIED;
  std::string municipality_code;
  std::optional<int> age_years;  // when the event carries the client's age
  // When the cause was recorded (its ce_time): the referral's created_at.
  std::optional<google::protobuf::Timestamp> created_at;
  std::string source_unit_id;  // the unit the event names ("" for none)
};

// "ref-<first 16 hex of the pseudonym>-<16 hex of SHA-256(source|id|rule)>".
// The pseudonym prefix is the router's shard key, so a referral id alone
// finds its shard.
std::string ReferralIdFor(const Trigger& trigger, const std::string& rule_id);
// The shard key inside a referral id; empty if the id is malformed.
std::string ShardKeyOfReferralId(const std::string& referral_id);
// The shard key of a client: the pseudonym's first 16 hex characters.
std::string ShardKeyOfPseudonym(const std::string& pseudonym);

// The day the rule's clocks start from: the event's `when.clock_start` field
// (YYYY-MM-DD, a Finnish date), or, for an event that leaves it empty (one
// written before the field existed), the Finnish date of its CloudEvents
// `time`, the moment the source service recorded it. InvalidArgument when
// neither gives a date. `used_fallback` tells which one was used.
absl::StatusOr<std::chrono::year_month_day> ClockStartOf(const Rule& rule, const google::protobuf::Message& event,
                                                         const std::string& ce_time, bool* used_fallback = nullptr);

// Every clock of the rule counted from `clock_start` (working days under
// `policy`), state CREATED; the units to offer it to are put on by Route
// (referral_lifecycle.hpp).
v1::Referral BuildReferral(const Rule& rule, const Trigger& trigger, std::chrono::year_month_day clock_start,
                           const calendar::WorkingDayPolicy& policy = {});

}  // namespace yhteys::router
