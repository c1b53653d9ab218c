#pragma once
// The service directory of a wellbeing services county, as data (issue 12,
// part 1; shaped after Open Referral HSDS: organisation → service → unit):
// which units give which service type, where (municipality codes), in which
// languages the service is regularly given (not the languages staff happen
// to speak), to whom (age range), whether they are open, their capacity and
// how a referral reaches them.
//
// ParseDirectory validates a whole file and refuses it whole, naming the
// first bad field ("units[3].languages[1]: ...").

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
  std::string id;                            // stable, e.g. "mhi-inari-1"
  std::string organisation;                  // the organisation that runs it
  std::string service_type;                  // from the vocabulary the rules' need codes use
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
  std::string county;
  std::vector<DirectoryUnit> units;
};

// A directory file's text (YAML). A bad file is refused whole.
absl::StatusOr<Directory> ParseDirectory(const std::string& yaml_text);

}  // namespace yhteys::router
