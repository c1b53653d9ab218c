#include "feedback_stats.hpp"

#include <algorithm>
#include <cstddef>

namespace yhteys::feedback {
namespace {

constexpr int kStatementMin = 1;
constexpr int kStatementMax = 5;
constexpr int kNpsMax = 10;
constexpr int kPromoterFrom = 9;
constexpr int kDetractorUpTo = 6;

std::string StatementField(std::size_t i, const char* member) {
  return "statements[" + std::to_string(i) + "]." + member;
}

// Updates one metric's state; true when it has just crossed below.
bool Step(MetricState& state, const std::optional<double>& value, const std::optional<double>& threshold) {
  if (!value || !threshold) return false;
  if (*value >= *threshold) {
    state = MetricState::kAtOrAbove;
    return false;
  }
  const bool crossed = state != MetricState::kBelow;
  state = MetricState::kBelow;
  return crossed;
}

}  // namespace

std::optional<std::string> ValidateAnswer(const Answer& answer, int statement_count) {
  if (answer.statements.empty() && !answer.nps) return "statements: at least one statement or nps is required";
  std::vector<bool> seen(std::max(statement_count, 0), false);
  for (std::size_t i = 0; i < answer.statements.size(); ++i) {
    const StatementAnswer& s = answer.statements[i];
    if (s.statement < 0 || s.statement >= statement_count) {
      return StatementField(i, "statement") + ": must be 0-" + std::to_string(statement_count - 1);
    }
    if (seen[s.statement]) return StatementField(i, "statement") + ": answered more than once";
    seen[s.statement] = true;
    if (s.value < kStatementMin || s.value > kStatementMax) {
      return StatementField(i, "value") + ": must be " + std::to_string(kStatementMin) + "-" +
             std::to_string(kStatementMax);
    }
  }
  if (answer.nps && (*answer.nps < 0 || *answer.nps > kNpsMax)) return "nps: must be 0-" + std::to_string(kNpsMax);
  return std::nullopt;
}

Aggregate NewAggregate(int statement_count) {
  Aggregate aggregate;
  aggregate.statements.resize(std::max(statement_count, 0));
  return aggregate;
}

std::optional<std::string> AddAnswer(Aggregate& aggregate, const Answer& answer) {
  if (auto error = ValidateAnswer(answer, static_cast<int>(aggregate.statements.size()))) return error;
  ++aggregate.n;
  for (const StatementAnswer& s : answer.statements) {
    StatementTotals& totals = aggregate.statements[s.statement];
    ++totals.count;
    totals.sum += s.value;
  }
  if (answer.nps) {
    ++aggregate.nps_count;
    if (*answer.nps >= kPromoterFrom) ++aggregate.promoters;
    if (*answer.nps <= kDetractorUpTo) ++aggregate.detractors;
  }
  return std::nullopt;
}

void Merge(Aggregate& into, const Aggregate& other) {
  if (into.statements.size() < other.statements.size()) into.statements.resize(other.statements.size());
  into.n += other.n;
  for (std::size_t i = 0; i < other.statements.size(); ++i) {
    into.statements[i].count += other.statements[i].count;
    into.statements[i].sum += other.statements[i].sum;
  }
  into.nps_count += other.nps_count;
  into.promoters += other.promoters;
  into.detractors += other.detractors;
}

Summary Summarise(const Aggregate& aggregate, int min_n) {
  Summary summary;
  summary.n = aggregate.n;
  if (aggregate.n < min_n) {
    summary.suppressed = true;
    return summary;
  }
  // A zero count is never shown, even with min_n <= 0: there is no mean to show.
  const std::int64_t shown_from = std::max(min_n, 1);
  summary.statement_means.reserve(aggregate.statements.size());
  for (const StatementTotals& totals : aggregate.statements) {
    std::optional<double> mean;
    if (totals.count >= shown_from) mean = static_cast<double>(totals.sum) / totals.count;
    summary.statement_means.push_back(mean);
  }
  if (aggregate.nps_count >= shown_from) {
    summary.nps = 100.0 * static_cast<double>(aggregate.promoters - aggregate.detractors) / aggregate.nps_count;
  }
  return summary;
}

AlertDecision EvaluateAlert(const CrossingState& previous, const Summary& summary, const AlertThresholds& thresholds) {
  AlertDecision decision;
  decision.next = previous;
  if (summary.suppressed) return decision;
  if (Step(decision.next.nps, summary.nps, thresholds.nps)) decision.crossed.emplace_back("nps");
  const std::size_t watched = std::min(summary.statement_means.size(), thresholds.statement_means.size());
  if (decision.next.statement_means.size() < watched) {
    decision.next.statement_means.resize(watched, MetricState::kUnknown);
  }
  for (std::size_t i = 0; i < watched; ++i) {
    if (Step(decision.next.statement_means[i], summary.statement_means[i], thresholds.statement_means[i])) {
      decision.crossed.push_back("statement_means[" + std::to_string(i) + "]");
    }
  }
  decision.raise = !decision.crossed.empty();
  return decision;
}

}  // namespace yhteys::feedback
