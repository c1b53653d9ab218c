#pragma once
// The service directory of a wellbeing services county, as data, shaped
// after Open Referral HSDS and the national service catalogue: organisation
// → service (a service type from the vocabulary in service_types.hpp, and
// how a referral reaches it) → unit (the service at a location): where it
// serves (municipality codes), the languages the service is regularly given
// in (not the languages staff happen to speak), to whom (age range), whether
// it is open, its capacity and when that was last updated.
//
//   county: lappi
//   name: Lapin hyvinvointialue
//   organisations:
//     - id: lapha
//       name: Lapin hyvinvointialue
//       services:
//         - id: lapha-mielenterveys
//           name: Aikuisten matalan kynnyksen mielenterveyspalvelu
//           service_type: mental-health-assessment
//           reached_through: mental-health-intake   # its ReferralInbox, or external
//           units:
//             - id: mh-inari-sami
//               name: Sámi mental-health team, Inari
//               municipalities: ["148", "890"]
//               languages: [se, fi]                  # fi, sv, se, smn, sms
//               age: {min: 18, max: 150}             # optional
//               status: active                       # active, temporarily_closed, inactive
//               capacity: {state: waitlist, band: 1_to_3_months, updated_on: 2026-11-20}
//
// ParseDirectory validates a whole file and refuses it whole, naming the
// first bad field ("organisations[0].services[1].units[3].languages[1]: ...").
// Unit ids are unique across every county the router loads.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/common/v1/common.pb.h"

namespace yhteys::router {

enum class UnitStatus { kActive, kTemporarilyClosed, kInactive };

// Best first: available, then the shortest waitlist band, then none.
enum class Capacity {
  kAvailable = 0,
  kWaitlistUnderOneMonth,
  kWaitlistOneToThreeMonths,
  kWaitlistOverThreeMonths,
  kNone
};

struct DirectoryUnit {
  std::string id;                            // stable, e.g. "mh-inari-sami"
  std::string name;                          // as the public sees it
  std::string county;                        // the directory file it came from
  std::string organisation;                  // the organisation's id
  std::string service;                       // the service's id
  std::string service_type;                  // from service_types.hpp
  std::set<std::string> municipalities;      // service area, Statistics Finland codes
  std::set<common::v1::Language> languages;  // languages the service is regularly given in
  int min_age = 0;                           // eligibility, inclusive
  int max_age = 150;                         // inclusive
  UnitStatus status = UnitStatus::kActive;
  Capacity capacity = Capacity::kAvailable;
  std::string capacity_updated_on;                                                 // YYYY-MM-DD
  common::v1::ServiceName reached_through = common::v1::SERVICE_NAME_UNSPECIFIED;  // its ReferralInbox, or EXTERNAL
};

struct Directory {
  std::string county;  // empty for several counties merged
  std::string name;
  std::vector<DirectoryUnit> units;

  const DirectoryUnit* Find(const std::string& unit_id) const;
};

// A directory file's text (YAML). A bad file is refused whole.
absl::StatusOr<Directory> ParseDirectory(const std::string& yaml_text);
// Every county's units in one directory; a unit id in two counties is refused.
absl::StatusOr<Directory> MergeDirectories(const std::vector<Directory>& counties);

const char* CapacityName(Capacity capacity);  // "available", "waitlist_under_1_month", ..., "none"
const char* UnitStatusName(UnitStatus status);
std::optional<UnitStatus> ParseUnitStatus(const std::string& text);  // "active", "temporarily_closed", "inactive"

}  // namespace yhteys::router
