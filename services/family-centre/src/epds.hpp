#pragma once
// Edinburgh Postnatal Depression Scale (EPDS; Cox, Holden & Sagovsky 1987)
// for a parent. Pure functions; the service scores so every family centre
// applies the same thresholds.
//
// Each of the 10 items is answered by choosing one of four printed options.
// Scoring is the service's job (Cox, Holden & Sagovsky 1987, the scoring
// key): items 1, 2 and 4 score 0-3 from the first printed option to the last;
// items 3 and 5-10 are reverse-keyed, the first printed option scoring 3.
// A request says which encoding its answers are in (EpdsItemScores); reading
// option positions as points would invert seven items and turn "Yes, quite
// often" on item 10 (thoughts of harming oneself) into 0.

#include <cstddef>
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

// How the answers are written.
enum class EpdsEncoding {
  kOptionPositions,  // 0 = the first printed option ... 3 = the last, as on the form
  kScoredPoints,     // points 0-3 from the scoring key, reverse-keyed items already turned
};

// 10 answers, each 0-3 (in either encoding). The error names the field
// ("epds.items[9]: must be 0-3"), never the answer.
std::optional<std::string> ValidateEpds(const std::vector<int>& items);

// True for the reverse-keyed items 3 and 5-10; `item` is zero-based (0-9).
bool EpdsItemReverseKeyed(std::size_t item);

// The item scores 0-3 from answers that ValidateEpds accepted: option
// positions are scored (position p scores p, or 3 - p on a reverse-keyed
// item); scored points are taken as they are.
std::vector<int> EpdsItemScores(const std::vector<int>& answers, EpdsEncoding encoding);

// Totals, bands and flags from item scores (EpdsItemScores). Call
// ValidateEpds first.
EpdsResult ScoreEpds(const std::vector<int>& item_scores, const EpdsThresholds& thresholds = {});

}  // namespace yhteys::familycentre
