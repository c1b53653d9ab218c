#pragma once
// The client-feedback service's state in Redis: each command validates its
// request, loads what its decision (feedback_decide.hpp) reads, lets the
// decision compute the answer, the alert state and the events, and commits
// them in one atomic step with its outbox events and idempotency record.
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
// Reading is typed (yhteys/redis/reply.hpp): a Redis error or a value of the
// wrong type is INTERNAL, Redis unreachable UNAVAILABLE; a corrupt counter
// or alert state is DATA_LOSS (aggregate_codec.hpp).
// Thread-safe; blocking (run on worker threads).

#include <string>

#include "absl/status/statusor.h"
#include "feedback_decide.hpp"
#include "feedback_stats.hpp"
#include "units.hpp"
#include "yhteys/feedback/v1/client_feedback_service.pb.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::feedback {

inline constexpr const char* kTopic = kafka::topics::kFeedback;

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
  // The moment of a command (today, now) and the rules; new_id is left to
  // the command.
  FeedbackContext Context() const;
  // Sums the unit's day hashes of `period`, of one service or ("") all.
  absl::StatusOr<Aggregate> SumDays(int shard, const std::string& unit_id, const std::string& service,
                                    const Period& period);
  // The unit's alert state, its version and the rolling window `period`,
  // read together.
  absl::StatusOr<AlertWindow> LoadWindow(int shard, const std::string& unit_id, const Period& period,
                                         std::string* version);
  absl::StatusOr<v1::SubmitFeedbackResponse> TrySubmit(const std::string& idempotency_key,
                                                       const v1::SubmitFeedbackRequest& request,
                                                       const Submission& submission, const FeedbackContext& ctx);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const UnitCatalog& units_;
  FeedbackSettings settings_;
};

}  // namespace yhteys::feedback
