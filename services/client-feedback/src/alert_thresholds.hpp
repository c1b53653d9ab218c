#pragma once
// Alert thresholds from their config text: an empty text leaves the metric
// unwatched. One mean threshold applies to every national statement.
// Errors name the config key. Pure; thread-safe.

#include <string_view>

#include "absl/status/statusor.h"
#include "feedback_stats.hpp"

namespace yhteys::feedback {

inline constexpr char kNpsThresholdKey[] = "feedback.alert_nps_below";
inline constexpr char kStatementThresholdKey[] = "feedback.alert_statement_mean_below";

// NPS -100..100; a statement mean 1..5.
absl::StatusOr<AlertThresholds> ParseAlertThresholds(std::string_view nps_below, std::string_view statement_mean_below,
                                                     int statement_count);

}  // namespace yhteys::feedback
