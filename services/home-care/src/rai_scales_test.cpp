#include "rai_scales.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

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
  items.mutable_cognition()->set_decision_making(3);    // C1 moderately impaired
  items.mutable_cognition()->set_short_term_memory(1);  // C2a memory problem
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

// C1 = 5: the form skips sections C2-F. No mood items, and no DRS (unset, not 0).
v1::RaiHcItems Comatose() {
  v1::RaiHcItems items = Mood({0, 0, 0, 0, 0, 0, 0});
  items.clear_mood();
  items.clear_communication();
  items.clear_behaviour();
  items.mutable_cognition()->clear_short_term_memory();
  items.mutable_cognition()->clear_decision_making_change();
  items.mutable_cognition()->set_decision_making(5);
  return items;
}

TEST(ComatoseTest, AcceptedWithoutMoodItemsAndHasNoDrs) {
  auto scales = ScoreRaiAssessment(Comatose());
  ASSERT_TRUE(scales.ok()) << scales.status();
  EXPECT_FALSE(scales->has_drs());
  EXPECT_EQ(scales->cps(), 6);
  // An empty mood section is "no mood items" too.
  auto items = Comatose();
  items.mutable_mood();
  ASSERT_TRUE(ScoreRaiAssessment(items).ok());
  EXPECT_FALSE(ScoreRaiAssessment(items)->has_drs());
  // Conscious clients still must send every mood item, and get a DRS even when it is 0.
  auto conscious = ScoreRaiAssessment(Mood({0, 0, 0, 0, 0, 0, 0}));
  ASSERT_TRUE(conscious.ok());
  EXPECT_TRUE(conscious->has_drs());
}

TEST(ComatoseTest, MoodItemsWithCOneFiveAreRefused) {
  auto items = Comatose();
  items.mutable_mood()->set_crying_tearfulness(0);
  auto refused = ScoreRaiAssessment(items);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(refused.status().message()).starts_with("items.mood: must be left out")) << refused.status();
}

v1::RaiScales Certified(std::optional<int> drs, int cps, int adl, int chess, int maple) {
  v1::RaiScales s;
  if (drs) s.set_drs(*drs);
  s.set_cps(cps);
  s.set_adl_hierarchy(adl);
  s.set_chess(chess);
  s.set_maple(maple);
  return s;
}

TEST(CertifiedScalesTest, WithoutThemTheComputationStandsMarkedAsYhteys) {
  auto scored = AssessRai(Mood({3, 1, 0, 0, 0, 0, 0}), nullptr);
  ASSERT_TRUE(scored.ok());
  EXPECT_EQ(scored->source, v1::SCALES_SOURCE_COMPUTED_BY_YHTEYS);
  EXPECT_EQ(scored->maple_provenance, v1::MAPLE_PROVENANCE_YHTEYS_RECONSTRUCTION);
  EXPECT_EQ(scored->scales.SerializeAsString(), scored->computed.SerializeAsString());
  EXPECT_EQ(scored->scales.drs(), 3);
  EXPECT_TRUE(scored->disagreements.empty());
}

TEST(CertifiedScalesTest, CertifiedScalesStandAndEveryDisagreementIsListed) {
  // The items compute DRS 3, CPS 0, ADL-H 0, CHESS 0, MAPLe 1.
  const auto items = Mood({3, 1, 0, 0, 0, 0, 0});
  const v1::RaiScales agreeing = Certified(3, 0, 0, 0, 1);
  auto same = AssessRai(items, &agreeing);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->source, v1::SCALES_SOURCE_CERTIFIED_RAI_SOFTWARE);
  EXPECT_EQ(same->maple_provenance, v1::MAPLE_PROVENANCE_CERTIFIED_RAI_SOFTWARE);
  EXPECT_TRUE(same->disagreements.empty());

  const v1::RaiScales differing = Certified(2, 1, 0, 0, 4);
  auto scored = AssessRai(items, &differing);
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(scored->scales.drs(), 2);  // the certified value stands: no DRS rule would fire
  EXPECT_EQ(scored->scales.maple(), 4);
  EXPECT_EQ(scored->computed.drs(), 3);  // the cross-check is kept
  std::vector<std::string> found;
  for (const auto& d : scored->disagreements) {
    found.push_back(d.scale() + ":" + std::to_string(d.certified()) + "/" + std::to_string(d.computed()));
  }
  EXPECT_EQ(found, (std::vector<std::string>{"drs:2/3", "cps:1/0", "maple:4/1"}));
}

TEST(CertifiedScalesTest, OutOfRangeOrMismatchedScalesNameTheField) {
  const auto items = Mood({0, 0, 0, 0, 0, 0, 0});
  struct Case {
    v1::RaiScales scales;
    std::string field;
  } cases[] = {
      {Certified(15, 0, 0, 0, 1), "certified_scales.drs"},
      {Certified(-1, 0, 0, 0, 1), "certified_scales.drs"},
      {Certified(std::nullopt, 0, 0, 0, 1), "certified_scales.drs: required"},
      {Certified(0, 7, 0, 0, 1), "certified_scales.cps"},
      {Certified(0, 0, 7, 0, 1), "certified_scales.adl_hierarchy"},
      {Certified(0, 0, 0, 6, 1), "certified_scales.chess"},
      {Certified(0, 0, 0, 0, 0), "certified_scales.maple"},
      {Certified(0, 0, 0, 0, 6), "certified_scales.maple"},
  };
  for (const auto& c : cases) {
    auto refused = AssessRai(items, &c.scales);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(std::string(refused.status().message()).starts_with(c.field)) << refused.status();
  }
  // A comatose client: the certified software has no DRS either.
  const v1::RaiScales with_drs = Certified(0, 6, 6, 0, 5);
  auto refused = AssessRai(Comatose(), &with_drs);
  EXPECT_TRUE(std::string(refused.status().message()).starts_with("certified_scales.drs: must be unset"))
      << refused.status();
  const v1::RaiScales without_drs = Certified(std::nullopt, 6, 6, 0, 5);
  auto comatose = AssessRai(Comatose(), &without_drs);
  ASSERT_TRUE(comatose.ok()) << comatose.status();
  EXPECT_TRUE(comatose->comatose);
  EXPECT_FALSE(comatose->scales.has_drs());
}

}  // namespace
}  // namespace yhteys::homecare
