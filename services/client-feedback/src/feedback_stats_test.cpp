#include "feedback_stats.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace yhteys::feedback {
namespace {

constexpr int kStatements = 3;

Answer Nps(int nps) { return {.statements = {}, .nps = nps}; }
Answer Statement(int statement, int value) { return {.statements = {{statement, value}}, .nps = std::nullopt}; }

Aggregate With(const std::vector<Answer>& answers) {
  Aggregate aggregate = NewAggregate(kStatements);
  for (const Answer& answer : answers) EXPECT_EQ(AddAnswer(aggregate, answer), std::nullopt);
  return aggregate;
}

// A shown summary with only an NPS.
Summary NpsSummary(double nps) { return {.n = 10, .suppressed = false, .statement_means = {}, .nps = nps}; }

TEST(ValidateAnswerTest, AcceptsStatementsOnlyNpsOnlyAndBoth) {
  EXPECT_EQ(ValidateAnswer(Statement(0, 1), kStatements), std::nullopt);
  EXPECT_EQ(ValidateAnswer(Nps(0), kStatements), std::nullopt);
  EXPECT_EQ(ValidateAnswer({.statements = {{0, 5}, {2, 3}}, .nps = 10}, kStatements), std::nullopt);
}

TEST(ValidateAnswerTest, RejectsEmptyAnswer) {
  EXPECT_EQ(ValidateAnswer({}, kStatements), "statements: at least one statement or nps is required");
}

TEST(ValidateAnswerTest, StatementIndexRange) {
  EXPECT_EQ(ValidateAnswer(Statement(-1, 3), kStatements), "statements[0].statement: must be 0-2");
  EXPECT_EQ(ValidateAnswer({.statements = {{0, 3}, {3, 3}}, .nps = std::nullopt}, kStatements),
            "statements[1].statement: must be 0-2");
}

TEST(ValidateAnswerTest, StatementAnsweredTwice) {
  EXPECT_EQ(ValidateAnswer({.statements = {{1, 3}, {1, 4}}, .nps = std::nullopt}, kStatements),
            "statements[1].statement: answered more than once");
}

TEST(ValidateAnswerTest, StatementValueRange) {
  EXPECT_EQ(ValidateAnswer(Statement(0, 0), kStatements), "statements[0].value: must be 1-5");
  EXPECT_EQ(ValidateAnswer(Statement(0, 6), kStatements), "statements[0].value: must be 1-5");
  EXPECT_EQ(ValidateAnswer(Statement(0, 5), kStatements), std::nullopt);
}

TEST(ValidateAnswerTest, NpsRange) {
  EXPECT_EQ(ValidateAnswer(Nps(-1), kStatements), "nps: must be 0-10");
  EXPECT_EQ(ValidateAnswer(Nps(11), kStatements), "nps: must be 0-10");
  EXPECT_EQ(ValidateAnswer(Nps(10), kStatements), std::nullopt);
}

TEST(AggregateTest, CountsAndSums) {
  const Aggregate a = With({{.statements = {{0, 4}, {2, 1}}, .nps = 9}, Statement(0, 2), Nps(6), Nps(7)});
  EXPECT_EQ(a.n, 4);
  EXPECT_EQ(a.statements[0].count, 2);
  EXPECT_EQ(a.statements[0].sum, 6);
  EXPECT_EQ(a.statements[1].count, 0);
  EXPECT_EQ(a.statements[2].count, 1);
  EXPECT_EQ(a.statements[2].sum, 1);
  EXPECT_EQ(a.nps_count, 3);
  EXPECT_EQ(a.promoters, 1);
  EXPECT_EQ(a.detractors, 1);  // 7 is passive
}

TEST(AggregateTest, InvalidAnswerLeavesCountersUnchanged) {
  Aggregate a = With({Nps(10)});
  EXPECT_EQ(AddAnswer(a, {.statements = {{0, 3}, {1, 9}}, .nps = 10}), "statements[1].value: must be 1-5");
  EXPECT_EQ(a.n, 1);
  EXPECT_EQ(a.statements[0].count, 0);
  EXPECT_EQ(a.nps_count, 1);
}

TEST(AggregateTest, MergeEqualsAddingEverythingToOne) {
  Aggregate left = With({Statement(0, 5), Nps(10)});
  const Aggregate right = With({Statement(0, 1), Statement(2, 4), Nps(3)});
  Merge(left, right);
  const Aggregate all = With({Statement(0, 5), Nps(10), Statement(0, 1), Statement(2, 4), Nps(3)});
  EXPECT_EQ(left.n, all.n);
  for (int i = 0; i < kStatements; ++i) {
    EXPECT_EQ(left.statements[i].count, all.statements[i].count);
    EXPECT_EQ(left.statements[i].sum, all.statements[i].sum);
  }
  EXPECT_EQ(left.nps_count, all.nps_count);
  EXPECT_EQ(left.promoters, all.promoters);
  EXPECT_EQ(left.detractors, all.detractors);
}

TEST(AggregateTest, MergeExtendsAShorterStatementList) {
  Aggregate old_list = NewAggregate(1);
  ASSERT_EQ(AddAnswer(old_list, Statement(0, 2)), std::nullopt);
  Merge(old_list, With({Statement(2, 4)}));
  ASSERT_EQ(old_list.statements.size(), 3u);
  EXPECT_EQ(old_list.statements[0].sum, 2);
  EXPECT_EQ(old_list.statements[2].sum, 4);
}

TEST(SummariseTest, FourAnswersSuppressedFiveShown) {
  const std::vector<Answer> four(4, Answer{.statements = {{0, 4}}, .nps = 10});
  const Summary hidden = Summarise(With(four));
  EXPECT_TRUE(hidden.suppressed);
  EXPECT_EQ(hidden.n, 4);
  EXPECT_TRUE(hidden.statement_means.empty());
  EXPECT_EQ(hidden.nps, std::nullopt);

  std::vector<Answer> five = four;
  five.push_back({.statements = {{0, 2}}, .nps = 0});
  const Summary shown = Summarise(With(five));
  EXPECT_FALSE(shown.suppressed);
  EXPECT_EQ(shown.n, 5);
  ASSERT_EQ(shown.statement_means.size(), 3u);
  EXPECT_DOUBLE_EQ(shown.statement_means[0].value(), 18.0 / 5);
  EXPECT_DOUBLE_EQ(shown.nps.value(), 100.0 * (4 - 1) / 5);
}

TEST(SummariseTest, OnlyStatementsWithEnoughAnswersHaveAMean) {
  std::vector<Answer> answers(5, Statement(0, 3));
  answers[0].statements.push_back({1, 5});  // statement 1 answered once
  const Summary summary = Summarise(With(answers));
  EXPECT_DOUBLE_EQ(summary.statement_means[0].value(), 3.0);
  EXPECT_EQ(summary.statement_means[1], std::nullopt);
  EXPECT_EQ(summary.statement_means[2], std::nullopt);
  EXPECT_EQ(summary.nps, std::nullopt);  // no NPS given
}

TEST(SummariseTest, NpsNeedsMinNNpsAnswers) {
  std::vector<Answer> answers(5, Statement(0, 3));
  answers[0].nps = 10;
  EXPECT_EQ(Summarise(With(answers)).nps, std::nullopt);
}

TEST(SummariseTest, MinNIsAParameter) {
  const Aggregate three = With({Nps(10), Nps(10), Nps(0)});
  EXPECT_TRUE(Summarise(three).suppressed);
  EXPECT_FALSE(Summarise(three, 3).suppressed);
  EXPECT_TRUE(Summarise(three, 4).suppressed);
}

TEST(NpsTest, Arithmetic) {
  // 2 promoters (9, 10), 2 passives (7, 8), 1 detractor (6): 40% - 20% = 20.
  EXPECT_DOUBLE_EQ(Summarise(With({Nps(9), Nps(10), Nps(7), Nps(8), Nps(6)})).nps.value(), 20.0);
  EXPECT_DOUBLE_EQ(Summarise(With(std::vector<Answer>(5, Nps(10)))).nps.value(), 100.0);
  EXPECT_DOUBLE_EQ(Summarise(With(std::vector<Answer>(5, Nps(0)))).nps.value(), -100.0);
  EXPECT_DOUBLE_EQ(Summarise(With(std::vector<Answer>(5, Nps(8)))).nps.value(), 0.0);
  // Not rounded: 1 promoter, 0 detractors of 6 is 16.666...
  EXPECT_DOUBLE_EQ(Summarise(With({Nps(9), Nps(7), Nps(7), Nps(7), Nps(7), Nps(7)})).nps.value(), 100.0 / 6);
}

TEST(AlertTest, FirstValueBelowThresholdAlertsFromUnknown) {
  const AlertThresholds thresholds{.nps = 0.0, .statement_means = {}};
  const AlertDecision decision = EvaluateAlert({}, NpsSummary(-10), thresholds);
  EXPECT_TRUE(decision.raise);
  EXPECT_EQ(decision.crossed, std::vector<std::string>{"nps"});
  EXPECT_EQ(decision.next.nps, MetricState::kBelow);
}

TEST(AlertTest, OncePerCrossingThenReArmedByRecovery) {
  const AlertThresholds thresholds{.nps = 0.0, .statement_means = {}};
  CrossingState state;

  AlertDecision d = EvaluateAlert(state, NpsSummary(10), thresholds);
  EXPECT_FALSE(d.raise);
  EXPECT_EQ(d.next.nps, MetricState::kAtOrAbove);

  d = EvaluateAlert(d.next, NpsSummary(-5), thresholds);
  EXPECT_TRUE(d.raise);
  d = EvaluateAlert(d.next, NpsSummary(-20), thresholds);
  EXPECT_FALSE(d.raise) << "still below: no second alert";

  d = EvaluateAlert(d.next, NpsSummary(0), thresholds);  // at the threshold counts as recovered
  EXPECT_FALSE(d.raise);
  EXPECT_EQ(d.next.nps, MetricState::kAtOrAbove);
  d = EvaluateAlert(d.next, NpsSummary(-1), thresholds);
  EXPECT_TRUE(d.raise) << "re-armed after recovering";
}

TEST(AlertTest, StatementMeanCrossing) {
  const AlertThresholds thresholds{.nps = std::nullopt, .statement_means = {std::nullopt, 3.5}};
  const Summary good{.n = 10, .suppressed = false, .statement_means = {1.0, 4.0, 1.0}, .nps = std::nullopt};
  const Summary bad{.n = 10, .suppressed = false, .statement_means = {1.0, 3.4, 1.0}, .nps = std::nullopt};

  AlertDecision d = EvaluateAlert({}, good, thresholds);
  EXPECT_FALSE(d.raise) << "statements 0 and 2 have no threshold";
  d = EvaluateAlert(d.next, bad, thresholds);
  EXPECT_TRUE(d.raise);
  EXPECT_EQ(d.crossed, std::vector<std::string>{"statement_means[1]"});
  d = EvaluateAlert(d.next, bad, thresholds);
  EXPECT_FALSE(d.raise);
  d = EvaluateAlert(d.next, good, thresholds);
  d = EvaluateAlert(d.next, bad, thresholds);
  EXPECT_TRUE(d.raise);
}

TEST(AlertTest, NpsAndStatementCrossTogether) {
  const AlertThresholds thresholds{.nps = 20.0, .statement_means = {4.0}};
  const Summary bad{.n = 10, .suppressed = false, .statement_means = {3.0}, .nps = 10.0};
  const AlertDecision d = EvaluateAlert({}, bad, thresholds);
  EXPECT_TRUE(d.raise);
  EXPECT_EQ(d.crossed, (std::vector<std::string>{"nps", "statement_means[0]"}));
}

TEST(AlertTest, SuppressedSummaryNeverAlertsAndKeepsState) {
  const AlertThresholds thresholds{.nps = 0.0, .statement_means = {}};
  const Summary suppressed{.n = 4, .suppressed = true, .statement_means = {}, .nps = std::nullopt};
  AlertDecision d = EvaluateAlert({}, suppressed, thresholds);
  EXPECT_FALSE(d.raise);
  EXPECT_EQ(d.next.nps, MetricState::kUnknown);

  d = EvaluateAlert({}, NpsSummary(-50), thresholds);
  ASSERT_TRUE(d.raise);
  d = EvaluateAlert(d.next, suppressed, thresholds);
  EXPECT_EQ(d.next.nps, MetricState::kBelow) << "a dip below min_n must not re-arm";
  d = EvaluateAlert(d.next, NpsSummary(-50), thresholds);
  EXPECT_FALSE(d.raise);
}

TEST(AlertTest, EndToEndFromAggregates) {
  const AlertThresholds thresholds{.nps = 0.0, .statement_means = {}};
  const std::vector<Answer> four_detractors(4, Nps(0));
  AlertDecision d = EvaluateAlert({}, Summarise(With(four_detractors)), thresholds);
  EXPECT_FALSE(d.raise) << "n = 4 is suppressed";
  std::vector<Answer> five = four_detractors;
  five.push_back(Nps(10));
  d = EvaluateAlert(d.next, Summarise(With(five)), thresholds);
  EXPECT_TRUE(d.raise);
}

}  // namespace
}  // namespace yhteys::feedback
