#pragma once
// Client feedback statistics: national statements (1-5 agreement) and NPS
// (0-10). Answers are folded into integer counters so an aggregate can live
// in Redis hash fields (HINCRBY) and be merged across units or windows;
// summaries hide small groups and alerts fire once per threshold crossing.
// Pure functions; no free text ever reaches this layer.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yhteys::feedback {

struct StatementAnswer {
  int statement = 0;  // index into the national statement list, 0..N-1
  int value = 0;      // 1 (fully disagree) - 5 (fully agree)
};

// One client's answer. Any statement may be skipped; NPS is optional.
struct Answer {
  std::vector<StatementAnswer> statements;
  std::optional<int> nps;  // 0-10
};

// Checks statement indexes against `statement_count` (N), values 1-5, NPS
// 0-10, no statement answered twice, and that at least one statement or the
// NPS is given. Errors name the field ("statements[2].value: must be 1-5"),
// never the value.
std::optional<std::string> ValidateAnswer(const Answer& answer, int statement_count);

struct StatementTotals {
  std::int64_t count = 0;
  std::int64_t sum = 0;
};

// Integer counters only, one Redis hash field each.
struct Aggregate {
  std::int64_t n = 0;                       // answers
  std::vector<StatementTotals> statements;  // size N
  std::int64_t nps_count = 0;
  std::int64_t promoters = 0;   // NPS 9-10
  std::int64_t detractors = 0;  // NPS 0-6
};

// An empty aggregate for N statements.
Aggregate NewAggregate(int statement_count);

// Validates `answer` against the aggregate's N and adds it; on error the
// aggregate is left unchanged so a bad answer cannot corrupt stored counters.
std::optional<std::string> AddAnswer(Aggregate& aggregate, const Answer& answer);

// Adds `other` into `into`. A shorter statement list is extended, so an
// aggregate stored before the statement list grew still merges.
void Merge(Aggregate& into, const Aggregate& other);

struct Summary {
  std::int64_t n = 0;
  // n < min_n: nothing but n is reported.
  bool suppressed = false;
  // Size N; nullopt for a statement with fewer than min_n answers, because a
  // mean of one answer is that answer.
  std::vector<std::optional<double>> statement_means;
  // % promoters - % detractors, -100..100, not rounded (rounding is for
  // display); nullopt with fewer than min_n NPS answers, for the same reason.
  std::optional<double> nps;
};

// min_n is the smallest group shown, so no single answer can be recognised.
Summary Summarise(const Aggregate& aggregate, int min_n = 5);

// Alert thresholds; a metric without a threshold is not watched.
struct AlertThresholds {
  std::optional<double> nps;
  std::vector<std::optional<double>> statement_means;  // by statement index; may be shorter than N
};

enum class MetricState {
  kUnknown,    // not yet seen with a value
  kAtOrAbove,  // armed: falling below raises an alert
  kBelow,      // alert raised; re-armed only by recovering to at/above
};

// Kept between evaluations (e.g. next to the aggregate in Redis).
struct CrossingState {
  MetricState nps = MetricState::kUnknown;
  std::vector<MetricState> statement_means;  // by statement index; missing entries are kUnknown
};

struct AlertDecision {
  bool raise = false;
  // Metrics that crossed below now: "nps", "statement_means[3]".
  std::vector<std::string> crossed;
  CrossingState next;
};

// Raises an alert once per crossing: a watched metric below its threshold
// after being at/above it or unknown. A metric stays below without alerting
// again until it recovers to at/above its threshold. A suppressed summary, or
// a metric without a value, leaves the state as it was and raises nothing,
// so a window that dips below min_n does not re-arm an alert.
AlertDecision EvaluateAlert(const CrossingState& previous, const Summary& summary, const AlertThresholds& thresholds);

}  // namespace yhteys::feedback
