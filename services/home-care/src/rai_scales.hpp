#pragma once
// RAI-HC (interRAI Home Care) scales computed from item answers, and the
// reconciliation with the scales the certified RAI software computed. Pure
// functions.
//
// In Finland RAI assessments are made in certified RAI software (THL holds
// the national licence). When a request carries that software's scales,
// they are authoritative: they are what is stored, published and used by
// the router's rules. The service's own computation is kept as a
// cross-check; each scale on which the two differ is recorded as a
// disagreement, never silently resolved. MAPLe's decision tree is not
// public: the service's MAPLe is a reconstruction (rai_algorithms.hpp), and
// the assessment says so (MapleProvenance).

#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/homecare/v1/home_care_service.pb.h"

namespace yhteys::homecare {

// C1 = 5: no discernible consciousness; the form skips sections C2-F.
bool IsComatose(const v1::RaiHcItems& items);

// Validates the items (every required item present and in range; errors
// name the field, e.g. "items.mood.crying_tearfulness") and computes the
// scales. A comatose client (C1 = 5) has no mood items (sending any is
// INVALID_ARGUMENT) and no DRS: `drs` is left unset, not 0.
absl::StatusOr<v1::RaiScales> ScoreRaiAssessment(const v1::RaiHcItems& items);

// Range checks of scales sent by the certified RAI software, naming the
// field ("certified_scales.maple: must be 1-5"). DRS is required unless the
// client is comatose, and must be unset when they are.
absl::Status ValidateCertifiedScales(const v1::RaiScales& certified, bool comatose);

// The outcome of one assessment's scoring.
struct ScoredAssessment {
  v1::RaiScales scales;  // the scales that stand
  v1::ScalesSource source = v1::SCALES_SOURCE_UNSPECIFIED;
  v1::RaiScales computed;  // the service's own computation
  std::vector<v1::ScaleDisagreement> disagreements;
  v1::MapleProvenance maple_provenance = v1::MAPLE_PROVENANCE_UNSPECIFIED;
  bool comatose = false;
};

// Scores the items and, when `certified` is given, validates it, lets it
// stand and lists the scales on which it differs from the computation.
absl::StatusOr<ScoredAssessment> AssessRai(const v1::RaiHcItems& items, const v1::RaiScales* certified);

// Depression Rating Scale 0-14 from the seven E1 mood items (E1a-E1g),
// each coded 0-3 in interRAI HC. The scale counts each item 0-2:
//   code 0 (not present)                          -> 0
//   code 1 (present, not in the last 3 days)      -> 1
//   code 2 (exhibited on 1-2 of the last 3 days)  -> 1
//   code 3 (exhibited daily in the last 3 days)   -> 2
// DRS >= 3 indicates possible depression.
int DrsItemPoints(int code);

}  // namespace yhteys::homecare
