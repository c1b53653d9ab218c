#include "screening.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace yhteys::mentalhealth {
namespace {

using Reasons = std::vector<std::string>;

// `count` answers summing to `total`, filled from the front with the item
// maximum; item 9 of PHQ-9 stays 0 unless the total needs it.
std::vector<int> ItemsWithTotal(std::size_t count, int max, int total) {
  std::vector<int> items(count, 0);
  for (int& item : items) {
    item = std::min(max, total);
    total -= item;
  }
  return items;
}

std::vector<int> Phq9(int total) { return ItemsWithTotal(9, 3, total); }
std::vector<int> Gad7(int total) { return ItemsWithTotal(7, 3, total); }
std::vector<int> AuditC(int total) { return ItemsWithTotal(3, 4, total); }

Phq9Result Phq9Of(Phq9Band band) { return {.total = 0, .band = band}; }
Gad7Result Gad7Of(Gad7Band band) { return {.total = 0, .band = band}; }
AuditCResult Risky() { return {.total = 6, .threshold = 6, .risky_use = true}; }
AuditCResult NotRisky() { return {.total = 2, .threshold = 6, .risky_use = false}; }

TEST(Phq9Test, TotalsAndRange) {
  EXPECT_EQ(ScorePhq9(Phq9(0)).total, 0);
  EXPECT_EQ(ScorePhq9(Phq9(27)).total, 27);
  EXPECT_EQ(ScorePhq9({1, 2, 3, 0, 1, 2, 3, 0, 0}).total, 12);
}

TEST(Phq9Test, BandBoundaries) {
  EXPECT_EQ(ScorePhq9(Phq9(4)).band, Phq9Band::kMinimal);
  EXPECT_EQ(ScorePhq9(Phq9(5)).band, Phq9Band::kMild);
  EXPECT_EQ(ScorePhq9(Phq9(9)).band, Phq9Band::kMild);
  EXPECT_EQ(ScorePhq9(Phq9(10)).band, Phq9Band::kModerate);
  EXPECT_EQ(ScorePhq9(Phq9(14)).band, Phq9Band::kModerate);
  EXPECT_EQ(ScorePhq9(Phq9(15)).band, Phq9Band::kModeratelySevere);
  EXPECT_EQ(ScorePhq9(Phq9(19)).band, Phq9Band::kModeratelySevere);
  EXPECT_EQ(ScorePhq9(Phq9(20)).band, Phq9Band::kSevere);
  EXPECT_EQ(ScorePhq9(Phq9(27)).band, Phq9Band::kSevere);
}

TEST(Phq9Test, SelfHarmItemFlagsWhateverTheTotal) {
  EXPECT_FALSE(ScorePhq9(Phq9(24)).self_harm_item_positive);  // items 1-8 at 3, item 9 at 0
  const Phq9Result low = ScorePhq9({0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(low.band, Phq9Band::kMinimal);
  EXPECT_TRUE(low.self_harm_item_positive);
  EXPECT_TRUE(ScorePhq9(Phq9(27)).self_harm_item_positive);
}

TEST(Phq9Test, Validation) {
  EXPECT_EQ(ValidatePhq9(Phq9(10)), std::nullopt);
  EXPECT_EQ(ValidatePhq9({0, 0, 0, 0, 0, 0, 0, 0}), "phq9.items: must have 9 answers");
  EXPECT_EQ(ValidatePhq9(std::vector<int>(10, 0)), "phq9.items: must have 9 answers");
  EXPECT_EQ(ValidatePhq9({}), "phq9.items: must have 9 answers");
  EXPECT_EQ(ValidatePhq9({0, 0, 0, -1, 0, 0, 0, 0, 0}), "phq9.items[3]: must be 0-3");
  EXPECT_EQ(ValidatePhq9({0, 0, 0, 0, 0, 0, 0, 0, 4}), "phq9.items[8]: must be 0-3");
}

TEST(Phq9Test, ScoringWithoutValidationThrowsInsteadOfReadingPastTheEnd) {
  EXPECT_THROW(ScorePhq9({0, 0}), std::out_of_range);
}

TEST(Gad7Test, BandBoundaries) {
  EXPECT_EQ(ScoreGad7(Gad7(0)).band, Gad7Band::kMinimal);
  EXPECT_EQ(ScoreGad7(Gad7(4)).band, Gad7Band::kMinimal);
  EXPECT_EQ(ScoreGad7(Gad7(5)).band, Gad7Band::kMild);
  EXPECT_EQ(ScoreGad7(Gad7(9)).band, Gad7Band::kMild);
  EXPECT_EQ(ScoreGad7(Gad7(10)).band, Gad7Band::kModerate);
  EXPECT_EQ(ScoreGad7(Gad7(14)).band, Gad7Band::kModerate);
  EXPECT_EQ(ScoreGad7(Gad7(15)).band, Gad7Band::kSevere);
  EXPECT_EQ(ScoreGad7(Gad7(21)).band, Gad7Band::kSevere);
  EXPECT_EQ(ScoreGad7(Gad7(21)).total, 21);
}

TEST(Gad7Test, Validation) {
  EXPECT_EQ(ValidateGad7(Gad7(10)), std::nullopt);
  EXPECT_EQ(ValidateGad7(std::vector<int>(9, 0)), "gad7.items: must have 7 answers");
  EXPECT_EQ(ValidateGad7({-1, 0, 0, 0, 0, 0, 0}), "gad7.items[0]: must be 0-3");
  EXPECT_EQ(ValidateGad7({0, 0, 0, 0, 0, 0, 4}), "gad7.items[6]: must be 0-3");
}

TEST(AuditCTest, DefaultThresholdsPerSex) {
  EXPECT_FALSE(ScoreAuditC(AuditC(5), Sex::kMale).risky_use);
  EXPECT_TRUE(ScoreAuditC(AuditC(6), Sex::kMale).risky_use);
  EXPECT_FALSE(ScoreAuditC(AuditC(4), Sex::kFemale).risky_use);
  EXPECT_TRUE(ScoreAuditC(AuditC(5), Sex::kFemale).risky_use);
  EXPECT_EQ(ScoreAuditC(AuditC(6), Sex::kMale).threshold, 6);
  EXPECT_EQ(ScoreAuditC(AuditC(5), Sex::kFemale).threshold, 5);
}

TEST(AuditCTest, OtherOrUnknownSexUsesTheLowerThreshold) {
  EXPECT_FALSE(ScoreAuditC(AuditC(4), Sex::kOtherOrUnknown).risky_use);
  EXPECT_TRUE(ScoreAuditC(AuditC(5), Sex::kOtherOrUnknown).risky_use);
  // Lower even when configured the other way round.
  const AuditCThresholds swapped{.men = 4, .women = 7};
  EXPECT_EQ(ScoreAuditC(AuditC(4), Sex::kOtherOrUnknown, swapped).threshold, 4);
}

// Sex from the individual number only for permanent codes: a 900-series
// temporary code need not follow the odd/even rule, so it is unknown and
// the lower threshold applies.
TEST(AuditCTest, TemporaryIdentityCodesHaveNoSex) {
  EXPECT_EQ(SexForAuditC(2), Sex::kFemale);
  EXPECT_EQ(SexForAuditC(3), Sex::kMale);
  EXPECT_EQ(SexForAuditC(898), Sex::kFemale);
  EXPECT_EQ(SexForAuditC(899), Sex::kMale);
  EXPECT_EQ(SexForAuditC(900), Sex::kOtherOrUnknown);
  EXPECT_EQ(SexForAuditC(901), Sex::kOtherOrUnknown);
  EXPECT_EQ(SexForAuditC(999), Sex::kOtherOrUnknown);
  // An odd temporary number used to read as a man (threshold 6): now 5 is risky.
  EXPECT_TRUE(ScoreAuditC(AuditC(5), SexForAuditC(901)).risky_use);
  EXPECT_FALSE(ScoreAuditC(AuditC(5), SexForAuditC(899)).risky_use);
}

// The terapiatakuu: under 23 and level 3 (brief psychotherapy or structured
// psychosocial treatment) only.
TEST(TherapyGuaranteeTest, UnderTwentyThreeAtLevelThree) {
  EXPECT_TRUE(TherapyGuaranteeApplies(CareLevel::kShortPsychosocial, 22));
  EXPECT_TRUE(TherapyGuaranteeApplies(CareLevel::kShortPsychosocial, 16));
  EXPECT_FALSE(TherapyGuaranteeApplies(CareLevel::kShortPsychosocial, 23));
  EXPECT_FALSE(TherapyGuaranteeApplies(CareLevel::kShortPsychosocial, std::nullopt));  // age unknown
  for (CareLevel other : {CareLevel::kSelfCare, CareLevel::kGuidedSelfHelp, CareLevel::kPsychotherapyOrSpecialist,
                          CareLevel::kUrgent, CareLevel::kUnknown}) {
    EXPECT_FALSE(TherapyGuaranteeApplies(other, 20)) << static_cast<int>(other);
  }
  EXPECT_EQ(kTherapyGuaranteeDays, 28);
}

TEST(AuditCTest, ConfiguredThresholds) {
  const AuditCThresholds custom{.men = 8, .women = 7};
  EXPECT_FALSE(ScoreAuditC(AuditC(7), Sex::kMale, custom).risky_use);
  EXPECT_TRUE(ScoreAuditC(AuditC(8), Sex::kMale, custom).risky_use);
  EXPECT_FALSE(ScoreAuditC(AuditC(6), Sex::kFemale, custom).risky_use);
  EXPECT_TRUE(ScoreAuditC(AuditC(7), Sex::kFemale, custom).risky_use);
  EXPECT_EQ(ScoreAuditC(AuditC(12), Sex::kMale, custom).total, 12);
}

TEST(AuditCTest, Validation) {
  EXPECT_EQ(ValidateAuditC({4, 4, 4}), std::nullopt);
  EXPECT_EQ(ValidateAuditC({0, 0}), "auditc.items: must have 3 answers");
  EXPECT_EQ(ValidateAuditC({0, -1, 0}), "auditc.items[1]: must be 0-4");
  EXPECT_EQ(ValidateAuditC({0, 0, 5}), "auditc.items[2]: must be 0-4");
}

TEST(RecommendTest, NoScreeningIsUnknownNotLevelOne) {
  const Recommendation rec = RecommendLevel({});
  EXPECT_EQ(rec.level, CareLevel::kUnknown);
  EXPECT_FALSE(rec.risk_assessment_required);
  EXPECT_EQ(rec.reasons, (Reasons{"no_screening"}));
}

TEST(RecommendTest, BandToLevel) {
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kMinimal)}).level, CareLevel::kSelfCare);
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kMild)}).level, CareLevel::kGuidedSelfHelp);
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kModerate)}).level, CareLevel::kShortPsychosocial);
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kModeratelySevere)}).level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kSevere)}).level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(RecommendLevel({.gad7 = Gad7Of(Gad7Band::kMinimal)}).level, CareLevel::kSelfCare);
  EXPECT_EQ(RecommendLevel({.gad7 = Gad7Of(Gad7Band::kMild)}).level, CareLevel::kGuidedSelfHelp);
  EXPECT_EQ(RecommendLevel({.gad7 = Gad7Of(Gad7Band::kModerate)}).level, CareLevel::kShortPsychosocial);
  EXPECT_EQ(RecommendLevel({.gad7 = Gad7Of(Gad7Band::kSevere)}).level, CareLevel::kPsychotherapyOrSpecialist);
}

TEST(RecommendTest, MostSevereOfPhq9AndGad7DecidesAndIsTheReason) {
  const Recommendation gad7_worse =
      RecommendLevel({.phq9 = Phq9Of(Phq9Band::kMild), .gad7 = Gad7Of(Gad7Band::kSevere)});
  EXPECT_EQ(gad7_worse.level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(gad7_worse.reasons, (Reasons{"gad7_severe"}));

  const Recommendation phq9_worse =
      RecommendLevel({.phq9 = Phq9Of(Phq9Band::kModerate), .gad7 = Gad7Of(Gad7Band::kMinimal)});
  EXPECT_EQ(phq9_worse.level, CareLevel::kShortPsychosocial);
  EXPECT_EQ(phq9_worse.reasons, (Reasons{"phq9_moderate"}));

  const Recommendation tie =
      RecommendLevel({.phq9 = Phq9Of(Phq9Band::kModeratelySevere), .gad7 = Gad7Of(Gad7Band::kSevere)});
  EXPECT_EQ(tie.level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(tie.reasons, (Reasons{"phq9_moderately_severe", "gad7_severe"}));
}

TEST(RecommendTest, RiskyAlcoholUseRaisesToAtLeastTwo) {
  const Recommendation raised = RecommendLevel({.phq9 = Phq9Of(Phq9Band::kMinimal), .auditc = Risky()});
  EXPECT_EQ(raised.level, CareLevel::kGuidedSelfHelp);
  EXPECT_EQ(raised.reasons, (Reasons{"phq9_minimal", "auditc_risky_use"}));

  const Recommendation kept = RecommendLevel({.gad7 = Gad7Of(Gad7Band::kModerate), .auditc = Risky()});
  EXPECT_EQ(kept.level, CareLevel::kShortPsychosocial);
  EXPECT_EQ(kept.reasons, (Reasons{"gad7_moderate", "auditc_risky_use"}));

  const Recommendation not_risky = RecommendLevel({.phq9 = Phq9Of(Phq9Band::kMinimal), .auditc = NotRisky()});
  EXPECT_EQ(not_risky.level, CareLevel::kSelfCare);
  EXPECT_EQ(not_risky.reasons, (Reasons{"phq9_minimal"}));
}

TEST(RecommendTest, AuditCAloneIsAScreening) {
  EXPECT_EQ(RecommendLevel({.auditc = NotRisky()}).level, CareLevel::kSelfCare);
  EXPECT_TRUE(RecommendLevel({.auditc = NotRisky()}).reasons.empty());
  const Recommendation risky = RecommendLevel({.auditc = Risky()});
  EXPECT_EQ(risky.level, CareLevel::kGuidedSelfHelp);
  EXPECT_EQ(risky.reasons, (Reasons{"auditc_risky_use"}));
}

TEST(RecommendTest, SelfHarmItemWithoutRiskAssessmentRequiresOne) {
  const Phq9Result phq9 = ScorePhq9({0, 0, 0, 0, 0, 0, 0, 0, 1});
  const Recommendation rec = RecommendLevel({.phq9 = phq9});
  EXPECT_TRUE(rec.risk_assessment_required);
  EXPECT_EQ(rec.level, CareLevel::kSelfCare);  // provisional
  EXPECT_EQ(rec.reasons, (Reasons{"phq9_minimal", "phq9_self_harm_item"}));

  EXPECT_FALSE(RecommendLevel({.phq9 = ScorePhq9(Phq9(24))}).risk_assessment_required);
}

TEST(RecommendTest, RecordedRiskAssessmentClearsTheRequirementAndApplies) {
  const Phq9Result phq9 = ScorePhq9({0, 0, 0, 0, 0, 0, 0, 0, 1});

  const Recommendation low = RecommendLevel({.phq9 = phq9, .risk = RiskAssessment::kLow});
  EXPECT_FALSE(low.risk_assessment_required);
  EXPECT_EQ(low.level, CareLevel::kSelfCare);
  EXPECT_EQ(low.reasons, (Reasons{"phq9_minimal", "phq9_self_harm_item", "risk_low"}));

  const Recommendation moderate = RecommendLevel({.phq9 = phq9, .risk = RiskAssessment::kModerate});
  EXPECT_FALSE(moderate.risk_assessment_required);
  EXPECT_EQ(moderate.level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(moderate.reasons, (Reasons{"phq9_minimal", "phq9_self_harm_item", "risk_moderate"}));

  const Recommendation high = RecommendLevel({.phq9 = phq9, .risk = RiskAssessment::kHigh});
  EXPECT_FALSE(high.risk_assessment_required);
  EXPECT_EQ(high.level, CareLevel::kUrgent);
  EXPECT_EQ(high.reasons, (Reasons{"phq9_minimal", "phq9_self_harm_item", "risk_high"}));
}

TEST(RecommendTest, RiskHighIsUrgentOverSevereBands) {
  const Recommendation rec = RecommendLevel(
      {.phq9 = Phq9Of(Phq9Band::kSevere), .gad7 = Gad7Of(Gad7Band::kSevere), .risk = RiskAssessment::kHigh});
  EXPECT_EQ(rec.level, CareLevel::kUrgent);
}

TEST(RecommendTest, RiskModerateKeepsLevelFour) {
  EXPECT_EQ(RecommendLevel({.phq9 = Phq9Of(Phq9Band::kSevere), .risk = RiskAssessment::kModerate}).level,
            CareLevel::kPsychotherapyOrSpecialist);
}

TEST(RecommendTest, RecordedRiskAppliesWithoutScreening) {
  const Recommendation high = RecommendLevel({.risk = RiskAssessment::kHigh});
  EXPECT_EQ(high.level, CareLevel::kUrgent);
  EXPECT_EQ(high.reasons, (Reasons{"no_screening", "risk_high"}));
  EXPECT_EQ(RecommendLevel({.risk = RiskAssessment::kModerate}).level, CareLevel::kPsychotherapyOrSpecialist);
  EXPECT_EQ(RecommendLevel({.risk = RiskAssessment::kLow}).level, CareLevel::kUnknown);
}

TEST(SeverityTest, ModerateOrAbove) {
  EXPECT_FALSE(SeverityModerateOrAbove({}));
  EXPECT_FALSE(SeverityModerateOrAbove({.phq9 = Phq9Of(Phq9Band::kMild), .gad7 = Gad7Of(Gad7Band::kMild)}));
  EXPECT_TRUE(SeverityModerateOrAbove({.phq9 = Phq9Of(Phq9Band::kModerate)}));
  EXPECT_TRUE(SeverityModerateOrAbove({.phq9 = Phq9Of(Phq9Band::kSevere)}));
  EXPECT_TRUE(SeverityModerateOrAbove({.gad7 = Gad7Of(Gad7Band::kModerate)}));
  EXPECT_TRUE(SeverityModerateOrAbove({.phq9 = Phq9Of(Phq9Band::kMinimal), .gad7 = Gad7Of(Gad7Band::kSevere)}));
  // Alcohol is a separate condition of the cross-sector rule.
  EXPECT_FALSE(SeverityModerateOrAbove({.auditc = Risky()}));
}

}  // namespace
}  // namespace yhteys::mentalhealth
