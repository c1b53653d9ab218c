#pragma once
// Rebuilding the router's Redis from its changelog topic
// (yhteys.router.changelog.v1): every referral, client sharing decision and
// unit report as last written, with the indexes each implies (what is due
// for an offer, which offers expire when, which clocks run, the worklists).
// Nothing is published and no unit is called: a referral restored OFFERED
// stays offered to its unit, and only what was waiting for a call when the
// changelog ends (CREATED, a re-route, a withdrawal) is called for again.
// The router then consumes the domain topics from where its consumer group
// is (or from offset 0 under a new group): every trigger event finds its
// referrals made, and every stale answer is refused by the lifecycle.
//
// Run once at start-up (router.restore_from_changelog) into a Redis that
// holds no referrals; blocking.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "client_sharing.hpp"
#include "referral_store.hpp"
#include "unit_store.hpp"

namespace yhteys::router {

struct RestoreCounts {
  int64_t records = 0;  // changelog records read
  int referrals = 0;
  int sharing = 0;
  int units = 0;
};

// Reads the changelog from its first record to the end it had when called.
// FAILED_PRECONDITION when Redis already holds referrals; DATA_LOSS on a
// record that cannot be decoded (the rebuild would be incomplete).
absl::StatusOr<RestoreCounts> RestoreFromChangelog(const std::map<std::string, std::string>& kafka_config,
                                                   ReferralStore& referrals, const SharingStore& sharing,
                                                   UnitStore& units);

}  // namespace yhteys::router
