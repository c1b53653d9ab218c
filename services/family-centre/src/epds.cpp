#include "epds.hpp"

#include <cstddef>
#include <numeric>

namespace yhteys::familycentre {
namespace {

constexpr std::size_t kEpdsItems = 10;
constexpr std::size_t kSelfHarmItem = 9;  // item 10, zero-based
constexpr int kMaxItemPoints = 3;

}  // namespace

std::optional<std::string> ValidateEpds(const std::vector<int>& items) {
  if (items.size() != kEpdsItems) return "epds.items: must have " + std::to_string(kEpdsItems) + " answers";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i] < 0 || items[i] > kMaxItemPoints) {
      return "epds.items[" + std::to_string(i) + "]: must be 0-" + std::to_string(kMaxItemPoints);
    }
  }
  return std::nullopt;
}

bool EpdsItemReverseKeyed(std::size_t item) {
  // Items 1, 2 and 4 (zero-based 0, 1, 3) run from 0 on the first printed option; the rest are reversed.
  return item != 0 && item != 1 && item != 3;
}

std::vector<int> EpdsItemScores(const std::vector<int>& answers, EpdsEncoding encoding) {
  std::vector<int> scores(answers);
  if (encoding == EpdsEncoding::kScoredPoints) return scores;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (EpdsItemReverseKeyed(i)) scores[i] = kMaxItemPoints - scores[i];
  }
  return scores;
}

EpdsResult ScoreEpds(const std::vector<int>& items, const EpdsThresholds& thresholds) {
  EpdsResult result;
  result.total = std::accumulate(items.begin(), items.end(), 0);
  if (result.total >= thresholds.probable) {
    result.band = EpdsBand::kProbable;
  } else if (result.total >= thresholds.possible) {
    result.band = EpdsBand::kPossible;
  }
  result.refer_to_mental_health_intake = result.total >= thresholds.probable;
  // at(): a caller that skipped ValidateEpds gets an exception, not undefined behaviour.
  result.urgent = items.at(kSelfHarmItem) > 0;
  return result;
}

}  // namespace yhteys::familycentre
