#include "epds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

TEST(EpdsTest, ScoringWithoutValidationThrowsInsteadOfReadingPastTheEnd) {
  EXPECT_THROW(ScoreEpds({0, 0, 0}), std::out_of_range);
}

}  // namespace
}  // namespace yhteys::familycentre
