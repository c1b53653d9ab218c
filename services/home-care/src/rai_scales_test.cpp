#include "rai_scales.hpp"

#include <gtest/gtest.h>

namespace yhteys::homecare {
namespace {

v1::RaiHcItems Mood(std::initializer_list<int> codes) {
  v1::RaiHcItems items;
  auto* m = items.mutable_mood();
  auto it = codes.begin();
  m->set_negative_statements(*it++);
  m->set_persistent_anger(*it++);
  m->set_unrealistic_fears(*it++);
  m->set_repetitive_health_complaints(*it++);
  m->set_repetitive_anxious_complaints(*it++);
  m->set_sad_pained_facial_expressions(*it++);
  m->set_crying_tearfulness(*it++);
  return items;
}

TEST(DrsTest, ItemRecodeTable) {
  EXPECT_EQ(DrsItemPoints(0), 0);
  EXPECT_EQ(DrsItemPoints(1), 1);
  EXPECT_EQ(DrsItemPoints(2), 1);
  EXPECT_EQ(DrsItemPoints(3), 2);
}

TEST(DrsTest, RangeIsZeroToFourteen) {
  EXPECT_EQ(ScoreRaiAssessment(Mood({0, 0, 0, 0, 0, 0, 0}))->drs(), 0);
  EXPECT_EQ(ScoreRaiAssessment(Mood({3, 3, 3, 3, 3, 3, 3}))->drs(), 14);
}

TEST(DrsTest, ThresholdBoundaryTwoAndThree) {
  // 2: below the possible-depression threshold.
  EXPECT_EQ(ScoreRaiAssessment(Mood({1, 1, 0, 0, 0, 0, 0}))->drs(), 2);
  EXPECT_EQ(ScoreRaiAssessment(Mood({3, 0, 0, 0, 0, 0, 0}))->drs(), 2);
  // 3: at the threshold.
  EXPECT_EQ(ScoreRaiAssessment(Mood({3, 1, 0, 0, 0, 0, 0}))->drs(), 3);
  EXPECT_EQ(ScoreRaiAssessment(Mood({2, 2, 2, 0, 0, 0, 0}))->drs(), 3);
}

TEST(DrsTest, MissingOrOutOfRangeItemsNameTheField) {
  v1::RaiHcItems none;
  EXPECT_EQ(ScoreRaiAssessment(none).status().message(), "items.mood: required");
  auto items = Mood({0, 0, 0, 0, 0, 0, 0});
  items.mutable_mood()->clear_crying_tearfulness();
  auto missing = ScoreRaiAssessment(items);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "items.mood.crying_tearfulness: required");
  auto high = ScoreRaiAssessment(Mood({0, 4, 0, 0, 0, 0, 0}));
  ASSERT_EQ(high.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(high.status().message()).starts_with("items.mood.persistent_anger:"));
  auto negative = ScoreRaiAssessment(Mood({0, 0, -1, 0, 0, 0, 0}));
  EXPECT_TRUE(std::string(negative.status().message()).starts_with("items.mood.unrealistic_fears:"));
}

}  // namespace
}  // namespace yhteys::homecare
