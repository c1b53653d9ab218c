#include "rai_scales.hpp"

#include <gtest/gtest.h>

#include "fill_unset.hpp"

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
  proto::FillUnset(items);  // every other section answered, code 0
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

TEST(RaiAssessmentTest, EveryScaleIsComputedFromTheProtoItems) {
  auto items = Mood({3, 1, 2, 0, 1, 0, 0});
  items.mutable_cognition()->set_decision_making(3);          // C1 moderately impaired
  items.mutable_cognition()->set_short_term_memory(1);        // C2a memory problem
  items.mutable_communication()->set_making_self_understood(3);
  items.mutable_adl()->set_personal_hygiene(4);
  items.mutable_adl()->set_locomotion(4);
  items.mutable_adl()->set_toilet_use(4);
  items.mutable_adl()->set_eating(4);
  items.mutable_health()->set_dyspnea(3);
  items.mutable_health()->set_vomiting(4);
  items.mutable_health()->set_peripheral_edema(4);
  auto scales = ScoreRaiAssessment(items);
  ASSERT_TRUE(scales.ok()) << scales.status();
  EXPECT_EQ(scales->drs(), 5);
  EXPECT_EQ(scales->cps(), 4);            // C1 moderately impaired + two impairment indicators
  EXPECT_EQ(scales->adl_hierarchy(), 4);  // extensive assistance in eating and locomotion
  EXPECT_EQ(scales->chess(), 2);          // three symptoms count at most 2, no decline
  EXPECT_EQ(scales->maple(), 5);          // ADL impairment with cognitive impairment
}

TEST(RaiAssessmentTest, AMissingSectionItemNamesTheProtoField) {
  auto items = Mood({0, 0, 0, 0, 0, 0, 0});
  items.mutable_adl()->clear_locomotion();
  auto missing = ScoreRaiAssessment(items);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(missing.status().message()).starts_with("items.adl.locomotion")) << missing.status();
  items = Mood({0, 0, 0, 0, 0, 0, 0});
  items.mutable_adl()->set_locomotion(7);  // 7 is not a code
  auto bad = ScoreRaiAssessment(items);
  EXPECT_TRUE(std::string(bad.status().message()).starts_with("items.adl.locomotion")) << bad.status();
  // No problems anywhere: the lowest value of every scale.
  auto none = ScoreRaiAssessment(Mood({0, 0, 0, 0, 0, 0, 0}));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->cps(), 0);
  EXPECT_EQ(none->adl_hierarchy(), 0);
  EXPECT_EQ(none->chess(), 0);
  EXPECT_EQ(none->maple(), 1);
}

}  // namespace
}  // namespace yhteys::homecare
