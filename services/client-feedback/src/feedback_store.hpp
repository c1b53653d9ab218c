#pragma once
// The client-feedback service's state in Redis and the logic of its RPCs.
// Every change is one atomic step with its outbox events and idempotency
// record.
//
// Keys, sharded by unit id, so that an answer, its unit's aggregates and
// alert state and the token it spends change in one step:
//   agg:<unit>/<YYYY-MM-DD>            hash: the day's counters (aggregate_codec.hpp); expires
//   agg:<unit>/<YYYY-MM-DD>/<service>  hash: the same for one service of the unit; expires
//   alert:<unit>                       hash: state (CrossingState of the rolling window), version
//   token:<token>                      hash: unit, referral_id or visit_id, used (the feedback id); expires
//   text:<feedback_id>                 string: the free text; expires, read by no event or log
// Each answer bumps alert:<unit>'s version, and a step applies only to the
// version its rolling window was read at, so concurrent answers to one unit
// evaluate the alert one after another (a conflict is retried here).
// Thread-safe; blocking (run on worker threads).

#include <chrono>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "feedback_stats.hpp"
#include "units.hpp"
#include "yhteys/feedback/v1/client_feedback_service.pb.h"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::feedback {

inline constexpr char kTopic[] = "yhteys.feedback.events.v1";
// The national statements of the Statement enum.
inline constexpr int kStatementCount = v1::Statement_MAX;
inline constexpr int kMaxPeriodDays = 366;

struct FeedbackSettings {
  std::string source = "/yhteys/client-feedback";
  std::chrono::seconds idempotency_ttl{std::chrono::hours(168)};
  std::function<std::chrono::year_month_day()> today;
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

class FeedbackStore {
 public:
  FeedbackStore(redis::Pool& pool, const redis::Keyspace& keyspace, const UnitCatalog& units,
                FeedbackSettings settings);

  absl::StatusOr<v1::FeedbackToken> IssueFeedbackToken(const std::string& idempotency_key,
                                                       const v1::IssueFeedbackTokenRequest& request);
  absl::StatusOr<v1::SubmitFeedbackResponse> SubmitFeedback(const std::string& idempotency_key,
                                                            const v1::SubmitFeedbackRequest& request);
  absl::StatusOr<v1::UnitSummary> GetUnitSummary(const v1::GetUnitSummaryRequest& request);

 private:
  struct Window {
    CrossingState state;
    std::string version;
    Aggregate aggregate;
  };
  absl::StatusOr<const Unit*> FindUnit(const std::string& unit_id) const;
  // Sums the unit's day hashes of [from, to], of one service or ("") all.
  absl::StatusOr<Aggregate> SumDays(int shard, const std::string& unit_id, const std::string& service,
                                    std::chrono::sys_days from, std::chrono::sys_days to);
  // The unit's alert state and its rolling window ending `today`, read
  // together.
  absl::StatusOr<Window> LoadWindow(int shard, const std::string& unit_id, std::chrono::sys_days today);
  absl::StatusOr<v1::SubmitFeedbackResponse> TrySubmit(const std::string& idempotency_key,
                                                       const v1::SubmitFeedbackRequest& request, const Unit& unit,
                                                       const Aggregate& added, std::chrono::sys_days today);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const UnitCatalog& units_;
  FeedbackSettings settings_;
};

}  // namespace yhteys::feedback
