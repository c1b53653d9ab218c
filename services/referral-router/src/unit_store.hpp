#pragma once
// Each unit's own latest report of its status and capacity
// (ReferralRouter/UpdateUnitAvailability), kept over the directory file's
// values: a unit that closes for the summer, or whose waitlist grows, says
// so without waiting for the county to edit the file. A report published
// as UnitAvailabilityChanged on yhteys.referrals.events.v1 (keyed by the
// unit id) in the same atomic step.
//
// Keys, sharded by the unit id:
//   unit:<id>  hash: data (referral.v1.UnitAvailabilityChanged, the latest
//              report), version
// Thread-safe; blocking.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "directory.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/versioned.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

struct UnitAvailability {
  UnitStatus status = UnitStatus::kActive;
  Capacity capacity = Capacity::kAvailable;
  std::string updated_on;  // YYYY-MM-DD
};

// `units` with each one's report (by unit id) in place of the file's
// status, capacity and date.
void ApplyAvailability(const std::map<std::string, UnitAvailability>& reported, std::vector<DirectoryUnit>* units);

// The directory's unit as the API shows it.
v1::Unit UnitMessage(const DirectoryUnit& unit, bool updated_by_unit);
// The API's words for the directory's.
v1::UnitStatus StatusMessage(UnitStatus status);
v1::UnitCapacity CapacityMessage(Capacity capacity);

class UnitStore {
 public:
  UnitStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
            std::chrono::seconds idempotency_ttl);

  // The latest reports of `unit_ids`; a unit that never reported is absent.
  absl::StatusOr<std::map<std::string, UnitAvailability>> Get(const std::vector<std::string>& unit_ids) const;

  // Records `unit`'s report (the unit as the directory file has it), today
  // being `today` (YYYY-MM-DD). Idempotent on (key, fingerprint).
  absl::StatusOr<v1::Unit> Update(const std::string& idempotency_key, const std::string& fingerprint,
                                  const DirectoryUnit& unit, v1::UnitStatus status, v1::UnitCapacity capacity,
                                  const std::string& today);

  // Rebuilding from the changelog (restore.hpp): writes the report as
  // recorded, publishing nothing.
  absl::Status Restore(const referral::v1::UnitAvailabilityChanged& report);

 private:
  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  redis::VersionedRepository repo_;
  std::string source_;
};

}  // namespace yhteys::router
