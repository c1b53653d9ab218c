#pragma once
// The client's decision about sharing their data between social and health
// care (consent given, consent withdrawn, a data-sharing denial / kielto),
// recorded with the router and applied to every referral it makes.
//
// Key, in the client's shard (ShardKeyOfPseudonym), beside the referrals:
//   sharing:<pseudonym>  hash: data (router.v1.ClientSharing), status, version
// A referral is created in a step that checks the version it read, so a
// decision recorded meanwhile is never missed. Thread-safe; blocking.

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rules.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

std::string SharingKey(const std::string& pseudonym);

// Whether the status lets a rule that shares on consent share: not while
// consent is withdrawn or a denial is in force.
bool SharingRestricted(referral::v1::SharingStatus status);

// What `rule`'s new referral becomes under `status`: WITHHELD, need-only
// (details_withheld), or as the rule says. Pure.
void ApplySharing(const Rule& rule, referral::v1::SharingStatus status, v1::Referral* referral);

// The offer as a target may see it: with details_withheld, what caused the
// need (rule, source service, source event) is left out.
referral::v1::ReferralOffer OfferForTarget(const referral::v1::ReferralOffer& offer);

class SharingStore {
 public:
  SharingStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
               std::chrono::seconds idempotency_ttl);

  struct Current {
    v1::ClientSharing sharing;  // status NOT_RECORDED when nothing was recorded
    std::string version;        // "" when nothing was recorded
  };
  absl::StatusOr<Current> Get(const std::string& pseudonym) const;
  // Each client's decision in one round trip, in order.
  absl::StatusOr<std::vector<Current>> GetMany(const std::vector<std::string>& pseudonyms) const;

  // Records `status` (CONSENT_GIVEN, CONSENT_WITHDRAWN or SHARING_DENIED)
  // for the client, with a ClientSharingChanged event, in one step; a retry
  // with the same key replays the first answer. `fingerprint` identifies the
  // request (without any identity code).
  absl::StatusOr<v1::ClientSharing> Record(const std::string& idempotency_key, const std::string& fingerprint,
                                           const std::string& pseudonym, referral::v1::SharingStatus status,
                                           const std::string& unit_id) const;

  // Rebuilding from the changelog (restore.hpp): writes the decision as
  // recorded, publishing nothing.
  absl::Status Restore(const v1::ClientSharing& recorded) const;

 private:
  // The read of one client's decision, and its reply decoded.
  std::vector<std::string> ReadCommand(const std::string& pseudonym) const;
  static absl::StatusOr<Current> Decode(const std::string& pseudonym, const redisReply* reply);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  std::string source_;
  std::chrono::seconds idempotency_ttl_;
};

}  // namespace yhteys::router
