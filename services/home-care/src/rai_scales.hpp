#pragma once
// RAI-HC (interRAI Home Care) scales computed from item answers. Callers
// send items; the service computes scales. Pure functions.

#include "absl/status/statusor.h"
#include "yhteys/homecare/v1/home_care_service.pb.h"

namespace yhteys::homecare {

// Validates the items (every required item present and in range; errors
// name the field, e.g. "items.mood.crying_tearfulness") and computes the
// scales.
absl::StatusOr<v1::RaiScales> ScoreRaiAssessment(const v1::RaiHcItems& items);

// Depression Rating Scale 0-14 from the seven E1 mood items (E1a-E1g),
// each coded 0-3 in interRAI HC. The scale counts each item 0-2:
//   code 0 (not present)                          -> 0
//   code 1 (present, not in the last 3 days)      -> 1
//   code 2 (exhibited on 1-2 of the last 3 days)  -> 1
//   code 3 (exhibited daily in the last 3 days)   -> 2
// DRS >= 3 indicates possible depression.
int DrsItemPoints(int code);

}  // namespace yhteys::homecare
