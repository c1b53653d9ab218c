#pragma once
// Edinburgh Postnatal Depression Scale (EPDS; Cox, Holden & Sagovsky 1987)
// for a parent. Pure functions; the service scores so every family centre
// applies the same thresholds.
//
// Items are the points of the chosen answer as printed on the scoring key,
// not the position of the option on the form: items 3 and 5-10 are
// reverse-keyed on the form, so a client that sends option positions would
// invert them (and would read "never" on item 10 as self-harm).

#include <optional>
#include <string>
#include <vector>

namespace yhteys::familycentre {

// Bands below the referral threshold follow common EPDS practice (<= 9 low,
// 10-12 possible depression) and are a project default: verify against the
// current THL / neuvola guidance. Both cut-offs are configurable.
struct EpdsThresholds {
  int possible = 10;  // possible depression from this total
  int probable = 13;  // probable depression, refer to mental-health intake
};

enum class EpdsBand { kLow, kPossible, kProbable };

struct EpdsResult {
  int total = 0;  // 0-30
  EpdsBand band = EpdsBand::kLow;
  // total >= thresholds.probable.
  bool refer_to_mental_health_intake = false;
  // Item 10 ("the thought of harming myself has occurred to me") above 0:
  // urgent whatever the total, because the total can be low while the risk
  // is not. Independent of the referral flag.
  bool urgent = false;
};

// 10 items, each 0-3. The error names the field ("epds.items[9]: must be
// 0-3"), never the answer.
std::optional<std::string> ValidateEpds(const std::vector<int>& items);

// Call ValidateEpds first.
EpdsResult ScoreEpds(const std::vector<int>& items, const EpdsThresholds& thresholds = {});

}  // namespace yhteys::familycentre
