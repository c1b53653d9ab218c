#pragma once
// Choosing the unit a referral is offered to (issue 12, part 2), as a pure
// function over the directory: units of the need's service type → in the
// client's municipality → eligible by age → active → in the client's
// language first (if none gives the service in it, every remaining unit is
// ranked and the referral is marked language_unmet) → by capacity
// (available, then the shortest waitlist band, then none; an URGENT need
// skips this step) → unit id, so that the same inputs always give the same
// order. The ranked list is what the router offers, one unit at a time.

#include <optional>
#include <string>
#include <vector>

#include "directory.hpp"

namespace yhteys::router {

struct NeedForUnit {
  std::string service_type;
  std::string municipality_code;
  std::optional<int> age_years;  // unknown: no unit is excluded by age
  common::v1::Language language = common::v1::LANGUAGE_UNSPECIFIED;
  bool urgent = false;
};

struct RankedUnit {
  std::string unit_id;
  bool in_clients_language = false;
  Capacity capacity = Capacity::kAvailable;
};

struct UnitChoice {
  std::vector<RankedUnit> ranked;  // empty: nobody can take it (UNROUTABLE)
  bool language_unmet = false;     // no candidate gives the service in the client's language
  std::string reason;              // why the first one won, for the referral
};

UnitChoice ChooseUnits(const Directory& directory, const NeedForUnit& need);

}  // namespace yhteys::router
