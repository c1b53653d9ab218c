#pragma once
// Turning a matched rule and its trigger event into a referral: a
// deterministic id (so a re-processed event yields the same referral), the
// deadline clocks on the working-day calendar, and the data the target
// needs. Pure functions.

#include <chrono>
#include <string>

#include "rules.hpp"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

struct Trigger {
  std::string ce_source;
  std::string ce_id;
  std::string client_pseudonym;
  common::v1::Language language = common::v1::LANGUAGE_UNSPECIFIED;
  std::string municipality_code;
};

// "ref-<first 16 hex of the pseudonym>-<16 hex of SHA-256(source|id|rule)>".
// The pseudonym prefix is the router's shard key, so a referral id alone
// finds its shard.
std::string ReferralIdFor(const Trigger& trigger, const std::string& rule_id);
// The shard key inside a referral id; empty if the id is malformed.
std::string ShardKeyOfReferralId(const std::string& referral_id);
// The shard key of a client: the pseudonym's first 16 hex characters.
std::string ShardKeyOfPseudonym(const std::string& pseudonym);

v1::Referral BuildReferral(const Rule& rule, const Trigger& trigger, std::chrono::year_month_day today);

}  // namespace yhteys::router
