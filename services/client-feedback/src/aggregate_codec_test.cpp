#include "aggregate_codec.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace yhteys::feedback {
namespace {

constexpr int kStatements = 3;

Aggregate With(const std::vector<Answer>& answers) {
  Aggregate aggregate = NewAggregate(kStatements);
  for (const Answer& answer : answers) EXPECT_EQ(AddAnswer(aggregate, answer), std::nullopt);
  return aggregate;
}

HashFields AsText(const std::vector<std::pair<std::string, std::int64_t>>& counters) {
  HashFields fields;
  for (const auto& [name, value] : counters) fields.emplace_back(name, std::to_string(value));
  return fields;
}

void ExpectSame(const Aggregate& a, const Aggregate& b) {
  EXPECT_EQ(a.n, b.n);
  ASSERT_EQ(a.statements.size(), b.statements.size());
  for (size_t i = 0; i < a.statements.size(); ++i) {
    EXPECT_EQ(a.statements[i].count, b.statements[i].count) << i;
    EXPECT_EQ(a.statements[i].sum, b.statements[i].sum) << i;
  }
  EXPECT_EQ(a.nps_count, b.nps_count);
  EXPECT_EQ(a.promoters, b.promoters);
  EXPECT_EQ(a.detractors, b.detractors);
}

TEST(CounterFieldsTest, OneAnswerIsItsIncrements) {
  const auto fields = CounterFields(With({{.statements = {{2, 4}}, .nps = 10}}));
  const std::map<std::string, std::int64_t> by_name(fields.begin(), fields.end());
  EXPECT_EQ(by_name, (std::map<std::string, std::int64_t>{
                         {"n", 1}, {"s2.count", 1}, {"s2.sum", 4}, {"nps_count", 1}, {"promoters", 1}}));
}

TEST(CounterFieldsTest, DetractorAndPassive) {
  const auto detractor = CounterFields(With({{.statements = {}, .nps = 6}}));
  const std::map<std::string, std::int64_t> d(detractor.begin(), detractor.end());
  EXPECT_EQ(d, (std::map<std::string, std::int64_t>{{"n", 1}, {"nps_count", 1}, {"detractors", 1}}));
  const auto passive = CounterFields(With({{.statements = {}, .nps = 7}}));
  const std::map<std::string, std::int64_t> p(passive.begin(), passive.end());
  EXPECT_EQ(p, (std::map<std::string, std::int64_t>{{"n", 1}, {"nps_count", 1}}));
}

TEST(AggregateFromFieldsTest, RoundTrip) {
  const Aggregate original = With(
      {{.statements = {{0, 5}, {2, 1}}, .nps = 9}, {.statements = {{0, 2}}, .nps = 3}, {.statements = {}, .nps = 8}});
  auto back = AggregateFromFields(AsText(CounterFields(original)), kStatements);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSame(*back, original);
}

TEST(AggregateFromFieldsTest, EmptyHashIsAnEmptyAggregate) {
  auto empty = AggregateFromFields({}, kStatements);
  ASSERT_TRUE(empty.ok());
  ExpectSame(*empty, NewAggregate(kStatements));
}

TEST(AggregateFromFieldsTest, IgnoresUnknownFieldsAndKeepsLaterStatements) {
  auto a = AggregateFromFields(
      {{"n", "2"}, {"future", "x"}, {"s.count", "1"}, {"s1.mean", "3"}, {"s5.count", "2"}, {"s5.sum", "7"}},
      kStatements);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->n, 2);
  ASSERT_EQ(a->statements.size(), 6u) << "a statement added after this binary was built still counts";
  EXPECT_EQ(a->statements[5].count, 2);
  EXPECT_EQ(a->statements[5].sum, 7);
  EXPECT_EQ(a->statements[1].count, 0);
}

TEST(AggregateFromFieldsTest, CorruptCounterIsDataLoss) {
  auto a = AggregateFromFields({{"n", "two"}}, kStatements);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kDataLoss);
}

TEST(CrossingStateCodecTest, RoundTrip) {
  CrossingState state;
  state.nps = MetricState::kBelow;
  state.statement_means = {MetricState::kUnknown, MetricState::kAtOrAbove, MetricState::kBelow};
  EXPECT_EQ(EncodeCrossingState(state), "BUAB");
  auto back = DecodeCrossingState("BUAB");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->nps, MetricState::kBelow);
  EXPECT_EQ(back->statement_means, state.statement_means);
}

TEST(CrossingStateCodecTest, EmptyIsNeverEvaluated) {
  auto state = DecodeCrossingState("");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->nps, MetricState::kUnknown);
  EXPECT_TRUE(state->statement_means.empty());
  EXPECT_EQ(EncodeCrossingState({}), "U");
}

TEST(CrossingStateCodecTest, UnknownLetterIsDataLoss) {
  EXPECT_EQ(DecodeCrossingState("AX").status().code(), absl::StatusCode::kDataLoss);
}

TEST(CrossingStateCodecTest, AlertOncePerCrossingSurvivesTheRoundTrip) {
  const AlertThresholds thresholds{.nps = 0.0, .statement_means = {}};
  const Summary below{.n = 10, .suppressed = false, .statement_means = {}, .nps = -10.0};
  AlertDecision first = EvaluateAlert({}, below, thresholds);
  ASSERT_TRUE(first.raise);
  auto stored = DecodeCrossingState(EncodeCrossingState(first.next));
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(EvaluateAlert(*stored, below, thresholds).raise);
}

}  // namespace
}  // namespace yhteys::feedback
