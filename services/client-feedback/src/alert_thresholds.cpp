#include "alert_thresholds.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"

namespace yhteys::feedback {
namespace {

absl::StatusOr<std::optional<double>> Threshold(const char* key, std::string_view text, double min, double max) {
  if (text.empty()) return std::optional<double>();
  double value = 0;
  if (!absl::SimpleAtod(std::string(text), &value) || !std::isfinite(value) || value < min || value > max) {
    return absl::InvalidArgumentError(std::string("config key ") + key + ": expected empty (not watched) or a number " +
                                      std::to_string(static_cast<int>(min)) + " to " +
                                      std::to_string(static_cast<int>(max)));
  }
  return std::optional<double>(value);
}

}  // namespace

absl::StatusOr<AlertThresholds> ParseAlertThresholds(std::string_view nps_below, std::string_view statement_mean_below,
                                                     int statement_count) {
  auto nps = Threshold(kNpsThresholdKey, nps_below, -100, 100);
  if (!nps.ok()) return nps.status();
  auto mean = Threshold(kStatementThresholdKey, statement_mean_below, 1, 5);
  if (!mean.ok()) return mean.status();
  AlertThresholds thresholds;
  thresholds.nps = *nps;
  if (*mean) thresholds.statement_means.assign(statement_count, *mean);
  return thresholds;
}

}  // namespace yhteys::feedback
