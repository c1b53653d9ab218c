#pragma once
// The client-feedback service's decisions, as pure functions: a request
// (validated first, against the unit catalogue, without state), what was
// loaded (the unit's alert state and rolling window, or a period's
// counters), and what the caller knows of the moment (FeedbackContext) in;
// the answer, the new alert state and the events out, or an error naming
// the request field. No Redis, no gRPC, no clock, no random numbers:
// FeedbackStore loads, decides and commits.
//
// The token's own state (unknown, expired, another unit's, already used) is
// checked by the commit, after the idempotency record, so that a retry of
// the answer that spent a token replays that answer.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "feedback_stats.hpp"
#include "google/protobuf/timestamp.pb.h"
#include "units.hpp"
#include "yhteys/feedback/v1/client_feedback_events.pb.h"
#include "yhteys/feedback/v1/client_feedback_service.pb.h"
#include "yhteys/redis/emitted.hpp"
#include "yhteys/redis/store_settings.hpp"

namespace yhteys::feedback {

// The national statements of the Statement enum.
inline constexpr int kStatementCount = v1::Statement_MAX;
inline constexpr int kMaxPeriodDays = 366;
// Hex characters of a token (and of a feedback id after "fb-").
inline constexpr size_t kTokenChars = 32;

struct FeedbackSettings : redis::StoreSettings {
  std::chrono::hours token_expiry{336};
  std::chrono::days free_text_retention{30};
  int free_text_max_chars = 2000;
  // The smallest group a summary or an alert shows.
  int min_group_size = 5;
  int rolling_window_days = 30;
  std::chrono::days aggregate_retention{1096};
  AlertThresholds thresholds;
};

// Range checks; an error names the config key to fix.
absl::Status CheckSettings(const FeedbackSettings& settings);

// What a decision reads besides the request and the loaded state.
struct FeedbackContext {
  std::chrono::year_month_day today;
  google::protobuf::Timestamp now;
  std::string new_id;  // kTokenChars hex characters no one can guess: the token, or the feedback id's
  const UnitCatalog* units = nullptr;
  std::chrono::hours token_expiry{336};
  int free_text_max_chars = 2000;
  int min_group_size = 5;
  int rolling_window_days = 30;
  AlertThresholds thresholds;
};

// Whole days, both ends included.
struct Period {
  std::chrono::sys_days from;
  std::chrono::sys_days to;
};

// A known unit; INVALID_ARGUMENT naming unit_id otherwise.
absl::StatusOr<const Unit*> FindUnit(const UnitCatalog& units, const std::string& unit_id);

// An issued token and the subject it is kept with (the token hash's
// "referral_id" or "visit_id" field).
struct TokenIssue {
  v1::FeedbackToken token;
  std::string subject_field;
  std::string subject;
};

// The token is ctx.new_id, valid ctx.token_expiry from ctx.now.
absl::StatusOr<TokenIssue> DecideIssueFeedbackToken(const v1::IssueFeedbackTokenRequest& request,
                                                    const FeedbackContext& ctx);

// A submission's unit and the counters its answer adds.
struct Submission {
  const Unit* unit = nullptr;
  Aggregate added;
};

// Checks every field (unit, service, channel, statements, NPS, free text,
// the token's form) and folds the answer into counters.
absl::StatusOr<Submission> ValidateSubmitFeedback(const v1::SubmitFeedbackRequest& request, const FeedbackContext& ctx);

// The rolling window an alert is evaluated over: ctx.rolling_window_days
// ending today.
Period RollingWindow(const FeedbackContext& ctx);

// The unit's alert state and the counters of its rolling window (without
// this answer), as loaded.
struct AlertWindow {
  CrossingState state;
  Aggregate aggregate;
};

// An answer after the decision: the response (feedback id "fb-" +
// ctx.new_id, counted today), the unit's next alert state, and the events:
// FeedbackReceived, then a UnitFeedbackAlert for each metric that crossed
// below its threshold, all keyed by the unit id.
struct SubmissionChange {
  v1::SubmitFeedbackResponse response;
  CrossingState next;
  std::vector<redis::Emitted> events;
};

absl::StatusOr<SubmissionChange> DecideSubmitFeedback(const v1::SubmitFeedbackRequest& request,
                                                      const Submission& submission, const AlertWindow& window,
                                                      const FeedbackContext& ctx);

// A summary's unit and period (default the 30 days ending today).
struct SummaryQuery {
  const Unit* unit = nullptr;
  Period period;
};

absl::StatusOr<SummaryQuery> ValidateGetUnitSummary(const v1::GetUnitSummaryRequest& request,
                                                    const FeedbackContext& ctx);

// The summary of `aggregate`, the period's counters: only n when the group
// is under ctx.min_group_size.
v1::UnitSummary SummaryOf(const v1::GetUnitSummaryRequest& request, const SummaryQuery& query,
                          const Aggregate& aggregate, const FeedbackContext& ctx);

}  // namespace yhteys::feedback
