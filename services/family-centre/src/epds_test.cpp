#include "epds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace yhteys::familycentre {
namespace {

// Ten answers summing to `total`, filled from item 1 with 3 points each;
// item 10 stays 0 unless the total is 28 or more.
std::vector<int> Epds(int total) {
  std::vector<int> items(10, 0);
  for (int& item : items) {
    item = std::min(3, total);
    total -= item;
  }
  return items;
}

TEST(EpdsTest, TotalRange) {
  EXPECT_EQ(ScoreEpds(Epds(0)).total, 0);
  EXPECT_EQ(ScoreEpds(Epds(30)).total, 30);
  EXPECT_EQ(ScoreEpds({1, 0, 2, 3, 0, 1, 2, 0, 1, 0}).total, 10);
}

TEST(EpdsTest, ReferralThresholdTwelveAndThirteen) {
  const EpdsResult below = ScoreEpds(Epds(12));
  EXPECT_EQ(below.band, EpdsBand::kPossible);
  EXPECT_FALSE(below.refer_to_mental_health_intake);
  const EpdsResult at = ScoreEpds(Epds(13));
  EXPECT_EQ(at.band, EpdsBand::kProbable);
  EXPECT_TRUE(at.refer_to_mental_health_intake);
  EXPECT_FALSE(at.urgent);
}

TEST(EpdsTest, SubThresholdBands) {
  EXPECT_EQ(ScoreEpds(Epds(0)).band, EpdsBand::kLow);
  EXPECT_EQ(ScoreEpds(Epds(9)).band, EpdsBand::kLow);
  EXPECT_EQ(ScoreEpds(Epds(10)).band, EpdsBand::kPossible);
  EXPECT_EQ(ScoreEpds(Epds(30)).band, EpdsBand::kProbable);
}

TEST(EpdsTest, ConfiguredThresholds) {
  const EpdsThresholds custom{.possible = 9, .probable = 11};
  EXPECT_EQ(ScoreEpds(Epds(8), custom).band, EpdsBand::kLow);
  EXPECT_EQ(ScoreEpds(Epds(9), custom).band, EpdsBand::kPossible);
  EXPECT_FALSE(ScoreEpds(Epds(10), custom).refer_to_mental_health_intake);
  EXPECT_TRUE(ScoreEpds(Epds(11), custom).refer_to_mental_health_intake);
  EXPECT_EQ(ScoreEpds(Epds(11), custom).band, EpdsBand::kProbable);
}

TEST(EpdsTest, SelfHarmItemIsUrgentWhateverTheTotal) {
  const EpdsResult low = ScoreEpds({0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_TRUE(low.urgent);
  EXPECT_EQ(low.band, EpdsBand::kLow);
  EXPECT_FALSE(low.refer_to_mental_health_intake);
  EXPECT_FALSE(ScoreEpds(Epds(27)).urgent);  // items 1-9 at 3, item 10 at 0
  EXPECT_TRUE(ScoreEpds(Epds(28)).urgent);
}

TEST(EpdsTest, Validation) {
  EXPECT_EQ(ValidateEpds(Epds(13)), std::nullopt);
  EXPECT_EQ(ValidateEpds(std::vector<int>(9, 0)), "epds.items: must have 10 answers");
  EXPECT_EQ(ValidateEpds(std::vector<int>(11, 0)), "epds.items: must have 10 answers");
  EXPECT_EQ(ValidateEpds({0, 0, -1, 0, 0, 0, 0, 0, 0, 0}), "epds.items[2]: must be 0-3");
  EXPECT_EQ(ValidateEpds({0, 0, 0, 0, 0, 0, 0, 0, 0, 4}), "epds.items[9]: must be 0-3");
}

// The scoring key of the printed form (Cox, Holden & Sagovsky 1987): the
// score of each option position 0-3 (first printed option first), item by
// item, written out rather than computed.
constexpr int kPrintedKey[10][4] = {
    {0, 1, 2, 3},  // 1 able to laugh: "As much as I always could" ... "Not at all"
    {0, 1, 2, 3},  // 2 looked forward with enjoyment
    {3, 2, 1, 0},  // 3 blamed myself unnecessarily: "Yes, most of the time" first
    {0, 1, 2, 3},  // 4 anxious or worried: "No, not at all" first
    {3, 2, 1, 0},  // 5 scared or panicky
    {3, 2, 1, 0},  // 6 things getting on top of me
    {3, 2, 1, 0},  // 7 so unhappy I have had difficulty sleeping
    {3, 2, 1, 0},  // 8 sad or miserable
    {3, 2, 1, 0},  // 9 so unhappy I have been crying
    {3, 2, 1, 0},  // 10 thought of harming myself: "Yes, quite often" first, "Never" last
};

// Every item, every option, in both encodings: the other nine items sit on
// the option that scores 0, so the total is the item's own score.
TEST(EpdsTest, EveryItemEveryOptionInBothEncodings) {
  for (std::size_t item = 0; item < 10; ++item) {
    EXPECT_EQ(EpdsItemReverseKeyed(item), kPrintedKey[item][0] == 3) << "item " << item + 1;
    for (int position = 0; position <= 3; ++position) {
      std::vector<int> positions(10);
      for (std::size_t other = 0; other < 10; ++other) positions[other] = kPrintedKey[other][0] == 0 ? 0 : 3;
      positions[item] = position;
      const int expected = kPrintedKey[item][position];
      const std::vector<int> from_positions = EpdsItemScores(positions, EpdsEncoding::kOptionPositions);
      EXPECT_EQ(from_positions[item], expected) << "item " << item + 1 << " option " << position;
      const EpdsResult scored = ScoreEpds(from_positions);
      EXPECT_EQ(scored.total, expected) << "item " << item + 1 << " option " << position;
      EXPECT_EQ(scored.urgent, item == 9 && expected > 0) << "item " << item + 1 << " option " << position;

      // Scored points are taken as given: the item's points are the answer.
      std::vector<int> points(10, 0);
      points[item] = position;
      const std::vector<int> from_points = EpdsItemScores(points, EpdsEncoding::kScoredPoints);
      EXPECT_EQ(from_points, points);
      EXPECT_EQ(ScoreEpds(from_points).total, position);
      EXPECT_EQ(ScoreEpds(from_points).urgent, item == 9 && position > 0);
    }
  }
}

// The harm the encoding prevents: "Yes, quite often" on item 10 is the first
// printed option. As an option position it is urgent; the same 0 read as
// points would not be.
TEST(EpdsTest, ItemTenYesQuiteOftenAsOptionPositionIsUrgent) {
  // Every other item on its first printed option too.
  const std::vector<int> first_options(10, 0);
  const std::vector<int> scores = EpdsItemScores(first_options, EpdsEncoding::kOptionPositions);
  EXPECT_EQ(scores, (std::vector<int>{0, 0, 3, 0, 3, 3, 3, 3, 3, 3}));
  const EpdsResult result = ScoreEpds(scores);
  EXPECT_EQ(result.total, 21);
  EXPECT_TRUE(result.urgent);
  EXPECT_TRUE(result.refer_to_mental_health_intake);
  EXPECT_FALSE(ScoreEpds(EpdsItemScores(first_options, EpdsEncoding::kScoredPoints)).urgent);
}

TEST(EpdsTest, ScoringWithoutValidationThrowsInsteadOfReadingPastTheEnd) {
  EXPECT_THROW(ScoreEpds({0, 0, 0}), std::out_of_range);
}

}  // namespace
}  // namespace yhteys::familycentre
