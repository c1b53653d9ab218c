#include "rai_algorithms.hpp"

#include <gtest/gtest.h>

namespace yhteys::homecare::rai {
namespace {

// A fully answered assessment of an independent client with no problems: every scale at its lowest value.
RaiItems Independent() {
  RaiItems items;
  items.cognition = {.decision_making = 0, .short_term_memory = 0, .decision_making_change = 1};
  items.communication = {.making_self_understood = 0};
  items.behaviour = {.wandering = 0,
                     .verbal_abuse = 0,
                     .physical_abuse = 0,
                     .socially_inappropriate = 0,
                     .inappropriate_sexual = 0,
                     .resists_care = 0};
  items.iadl = {.meal_preparation = 0, .managing_medications = 0};
  items.adl = {.personal_hygiene = 0, .locomotion = 0, .toilet_use = 0, .eating = 0, .adl_status_change = 1};
  items.health = {.falls = 0, .vomiting = 0, .peripheral_edema = 0, .dyspnea = 0, .end_stage_disease = false};
  items.nutrition = {
      .weight_loss = false, .dehydrated = false, .decreased_intake = false, .fluid_output_exceeds_input = false};
  items.skin = {.pressure_ulcer = 0, .other_skin_ulcer = false};
  items.social_support = {.helper_unable_to_continue = false};
  items.environment = {.disrepair = false,
                       .squalid = false,
                       .inadequate_heating_cooling = false,
                       .lack_of_personal_safety = false,
                       .limited_access = false};
  return items;
}

RaiItems Cognition(int decision_making, int short_term_memory, int making_self_understood, int eating = 0) {
  RaiItems items = Independent();
  items.cognition.decision_making = decision_making;
  items.cognition.short_term_memory = short_term_memory;
  items.communication.making_self_understood = making_self_understood;
  items.adl.eating = eating;
  return items;
}

RaiItems Adl(int personal_hygiene, int toilet_use, int locomotion, int eating) {
  RaiItems items = Independent();
  items.adl.personal_hygiene = personal_hygiene;
  items.adl.toilet_use = toilet_use;
  items.adl.locomotion = locomotion;
  items.adl.eating = eating;
  return items;
}

// A comatose client: C1 = 5 and the skipped sections (C2-F) left unanswered.
RaiItems Comatose() {
  RaiItems items = Independent();
  items.cognition = {.decision_making = 5, .short_term_memory = std::nullopt, .decision_making_change = std::nullopt};
  items.communication = {};
  items.behaviour = {};
  return items;
}

// ---------------------------------------------------------------- Validate

TEST(ValidateTest, CompleteAssessmentIsValid) { EXPECT_EQ(Validate(Independent()), std::nullopt); }

TEST(ValidateTest, EmptyAssessmentNamesTheFirstItem) {
  EXPECT_EQ(Validate(RaiItems{}), "items.cognition.decision_making: required");
}

TEST(ValidateTest, EveryMissingItemIsNamed) {
  struct Case {
    void (*clear)(RaiItems&);
    const char* message;
  };
  const Case cases[] = {
      {[](RaiItems& i) { i.cognition.short_term_memory.reset(); }, "items.cognition.short_term_memory: required"},
      {[](RaiItems& i) { i.cognition.decision_making_change.reset(); },
       "items.cognition.decision_making_change: required"},
      {[](RaiItems& i) { i.communication.making_self_understood.reset(); },
       "items.communication.making_self_understood: required"},
      {[](RaiItems& i) { i.behaviour.wandering.reset(); }, "items.behaviour.wandering: required"},
      {[](RaiItems& i) { i.behaviour.verbal_abuse.reset(); }, "items.behaviour.verbal_abuse: required"},
      {[](RaiItems& i) { i.behaviour.physical_abuse.reset(); }, "items.behaviour.physical_abuse: required"},
      {[](RaiItems& i) { i.behaviour.socially_inappropriate.reset(); },
       "items.behaviour.socially_inappropriate: required"},
      {[](RaiItems& i) { i.behaviour.inappropriate_sexual.reset(); }, "items.behaviour.inappropriate_sexual: required"},
      {[](RaiItems& i) { i.behaviour.resists_care.reset(); }, "items.behaviour.resists_care: required"},
      {[](RaiItems& i) { i.iadl.meal_preparation.reset(); }, "items.iadl.meal_preparation: required"},
      {[](RaiItems& i) { i.iadl.managing_medications.reset(); }, "items.iadl.managing_medications: required"},
      {[](RaiItems& i) { i.adl.personal_hygiene.reset(); }, "items.adl.personal_hygiene: required"},
      {[](RaiItems& i) { i.adl.locomotion.reset(); }, "items.adl.locomotion: required"},
      {[](RaiItems& i) { i.adl.toilet_use.reset(); }, "items.adl.toilet_use: required"},
      {[](RaiItems& i) { i.adl.eating.reset(); }, "items.adl.eating: required"},
      {[](RaiItems& i) { i.adl.adl_status_change.reset(); }, "items.adl.adl_status_change: required"},
      {[](RaiItems& i) { i.health.falls.reset(); }, "items.health.falls: required"},
      {[](RaiItems& i) { i.health.vomiting.reset(); }, "items.health.vomiting: required"},
      {[](RaiItems& i) { i.health.peripheral_edema.reset(); }, "items.health.peripheral_edema: required"},
      {[](RaiItems& i) { i.health.dyspnea.reset(); }, "items.health.dyspnea: required"},
      {[](RaiItems& i) { i.health.end_stage_disease.reset(); }, "items.health.end_stage_disease: required"},
      {[](RaiItems& i) { i.nutrition.weight_loss.reset(); }, "items.nutrition.weight_loss: required"},
      {[](RaiItems& i) { i.nutrition.dehydrated.reset(); }, "items.nutrition.dehydrated: required"},
      {[](RaiItems& i) { i.nutrition.decreased_intake.reset(); }, "items.nutrition.decreased_intake: required"},
      {[](RaiItems& i) { i.nutrition.fluid_output_exceeds_input.reset(); },
       "items.nutrition.fluid_output_exceeds_input: required"},
      {[](RaiItems& i) { i.skin.pressure_ulcer.reset(); }, "items.skin.pressure_ulcer: required"},
      {[](RaiItems& i) { i.skin.other_skin_ulcer.reset(); }, "items.skin.other_skin_ulcer: required"},
      {[](RaiItems& i) { i.social_support.helper_unable_to_continue.reset(); },
       "items.social_support.helper_unable_to_continue: required"},
      {[](RaiItems& i) { i.environment.disrepair.reset(); }, "items.environment.disrepair: required"},
      {[](RaiItems& i) { i.environment.squalid.reset(); }, "items.environment.squalid: required"},
      {[](RaiItems& i) { i.environment.inadequate_heating_cooling.reset(); },
       "items.environment.inadequate_heating_cooling: required"},
      {[](RaiItems& i) { i.environment.lack_of_personal_safety.reset(); },
       "items.environment.lack_of_personal_safety: required"},
      {[](RaiItems& i) { i.environment.limited_access.reset(); }, "items.environment.limited_access: required"},
  };
  for (const Case& c : cases) {
    RaiItems items = Independent();
    c.clear(items);
    EXPECT_EQ(Validate(items), c.message);
  }
}

TEST(ValidateTest, OutOfRangeCodesNameTheFieldAndTheAllowedCodes) {
  struct Case {
    void (*set)(RaiItems&);
    const char* message;
  };
  const Case cases[] = {
      {[](RaiItems& i) { i.cognition.decision_making = 6; }, "items.cognition.decision_making: must be 0-5"},
      {[](RaiItems& i) { i.cognition.decision_making = -1; }, "items.cognition.decision_making: must be 0-5"},
      {[](RaiItems& i) { i.cognition.short_term_memory = 2; }, "items.cognition.short_term_memory: must be 0-1"},
      {[](RaiItems& i) { i.cognition.decision_making_change = 3; },
       "items.cognition.decision_making_change: must be 0-2 or 8"},
      {[](RaiItems& i) { i.communication.making_self_understood = 5; },
       "items.communication.making_self_understood: must be 0-4"},
      {[](RaiItems& i) { i.behaviour.wandering = 4; }, "items.behaviour.wandering: must be 0-3"},
      {[](RaiItems& i) { i.behaviour.resists_care = 8; }, "items.behaviour.resists_care: must be 0-3"},
      {[](RaiItems& i) { i.iadl.meal_preparation = 7; }, "items.iadl.meal_preparation: must be 0-6 or 8"},
      {[](RaiItems& i) { i.iadl.managing_medications = 9; }, "items.iadl.managing_medications: must be 0-6 or 8"},
      {[](RaiItems& i) { i.adl.personal_hygiene = 7; }, "items.adl.personal_hygiene: must be 0-6 or 8"},
      {[](RaiItems& i) { i.adl.locomotion = 7; }, "items.adl.locomotion: must be 0-6 or 8"},
      {[](RaiItems& i) { i.adl.toilet_use = -1; }, "items.adl.toilet_use: must be 0-6 or 8"},
      {[](RaiItems& i) { i.adl.eating = 9; }, "items.adl.eating: must be 0-6 or 8"},
      {[](RaiItems& i) { i.adl.adl_status_change = 5; }, "items.adl.adl_status_change: must be 0-2 or 8"},
      {[](RaiItems& i) { i.health.falls = 4; }, "items.health.falls: must be 0-3"},
      {[](RaiItems& i) { i.health.vomiting = 5; }, "items.health.vomiting: must be 0-4"},
      {[](RaiItems& i) { i.health.peripheral_edema = 5; }, "items.health.peripheral_edema: must be 0-4"},
      {[](RaiItems& i) { i.health.dyspnea = 4; }, "items.health.dyspnea: must be 0-3"},
      {[](RaiItems& i) { i.skin.pressure_ulcer = 6; }, "items.skin.pressure_ulcer: must be 0-5"},
  };
  for (const Case& c : cases) {
    RaiItems items = Independent();
    c.set(items);
    EXPECT_EQ(Validate(items), c.message);
  }
}

TEST(ValidateTest, CodeEightIsAllowedWhereTheItemHasIt) {
  RaiItems items = Independent();
  items.cognition.decision_making_change = 8;
  items.iadl.meal_preparation = 8;
  items.iadl.managing_medications = 8;
  items.adl = {.personal_hygiene = 8, .locomotion = 8, .toilet_use = 8, .eating = 8, .adl_status_change = 8};
  EXPECT_EQ(Validate(items), std::nullopt);
}

TEST(ValidateTest, FirstErrorInFieldOrderWins) {
  RaiItems items = Independent();
  items.adl.locomotion = 7;
  items.health.falls.reset();
  EXPECT_EQ(Validate(items), "items.adl.locomotion: must be 0-6 or 8");
}

TEST(ValidateTest, ComatoseClientNeedsNoSkippedSections) {
  EXPECT_EQ(Validate(Comatose()), std::nullopt);
  // Only sections C2-F are skipped: section G onwards is still required.
  RaiItems items = Comatose();
  items.adl.eating.reset();
  EXPECT_EQ(Validate(items), "items.adl.eating: required");
  // An answer sent for a skipped item is still range-checked.
  items = Comatose();
  items.behaviour.wandering = 4;
  EXPECT_EQ(Validate(items), "items.behaviour.wandering: must be 0-3");
}

TEST(ValidateTest, SeverelyImpairedButConsciousClientStillNeedsSectionsCToF) {
  RaiItems items = Independent();
  items.cognition.decision_making = 4;
  items.cognition.short_term_memory.reset();
  EXPECT_EQ(Validate(items), "items.cognition.short_term_memory: required");
}

// ---------------------------------------------------------------- CPS

TEST(CpsTest, NoImpairmentIndicatorIsIntact) { EXPECT_EQ(Cps(Cognition(0, 0, 0)), 0); }

TEST(CpsTest, OneImpairmentIndicatorIsBorderlineIntact) {
  EXPECT_EQ(Cps(Cognition(1, 0, 0)), 1);  // C1 modified independence
  EXPECT_EQ(Cps(Cognition(0, 1, 0)), 1);  // C2a memory problem
  EXPECT_EQ(Cps(Cognition(0, 0, 1)), 1);  // D1 usually understood
  // A single indicator stays at 1 even when it is a severe one.
  EXPECT_EQ(Cps(Cognition(3, 0, 0)), 1);
  EXPECT_EQ(Cps(Cognition(0, 0, 4)), 1);
}

TEST(CpsTest, TwoOrMoreIndicatorsWithoutSevereIsMild) {
  EXPECT_EQ(Cps(Cognition(2, 1, 0)), 2);
  EXPECT_EQ(Cps(Cognition(0, 1, 2)), 2);
  EXPECT_EQ(Cps(Cognition(1, 1, 2)), 2);
}

TEST(CpsTest, OneSevereIndicatorIsModerate) {
  EXPECT_EQ(Cps(Cognition(3, 1, 0)), 3);  // C1 moderately impaired
  EXPECT_EQ(Cps(Cognition(0, 1, 3)), 3);  // D1 sometimes understood
  EXPECT_EQ(Cps(Cognition(2, 0, 4)), 3);  // D1 rarely or never understood
}

TEST(CpsTest, TwoSevereIndicatorsIsModeratelySevere) {
  EXPECT_EQ(Cps(Cognition(3, 0, 3)), 4);
  EXPECT_EQ(Cps(Cognition(3, 1, 4)), 4);
}

TEST(CpsTest, SeverelyImpairedDecisionMakingDependsOnEating) {
  for (int eating : {0, 1, 2, 3, 4, 5}) EXPECT_EQ(Cps(Cognition(4, 0, 0, eating)), 5) << eating;
  EXPECT_EQ(Cps(Cognition(4, 1, 4, 6)), 6);  // total dependence in eating
  EXPECT_EQ(Cps(Cognition(4, 0, 0, 8)), 6);  // eating did not occur
}

TEST(CpsTest, ComaIsVerySevere) {
  EXPECT_EQ(Cps(Comatose()), 6);
  RaiItems eats_independently = Comatose();
  eats_independently.adl.eating = 0;
  EXPECT_EQ(Cps(eats_independently), 6);
}

// ---------------------------------------------------------------- ADL-H

TEST(AdlHierarchyTest, IndependentOrSetupHelpOnlyIsZero) {
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 0, 0)), 0);
  EXPECT_EQ(AdlHierarchy(Adl(1, 1, 1, 1)), 0);
}

TEST(AdlHierarchyTest, SupervisionInAnyItemIsOne) {
  EXPECT_EQ(AdlHierarchy(Adl(2, 0, 0, 0)), 1);
  EXPECT_EQ(AdlHierarchy(Adl(0, 2, 0, 0)), 1);
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 2, 0)), 1);
  EXPECT_EQ(AdlHierarchy(Adl(1, 0, 0, 2)), 1);
}

TEST(AdlHierarchyTest, LimitedAssistanceInAnyItemIsTwo) {
  EXPECT_EQ(AdlHierarchy(Adl(3, 0, 0, 0)), 2);
  EXPECT_EQ(AdlHierarchy(Adl(0, 3, 0, 0)), 2);
  EXPECT_EQ(AdlHierarchy(Adl(2, 2, 3, 2)), 2);
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 0, 3)), 2);
}

TEST(AdlHierarchyTest, ExtensiveOrMoreInHygieneOrToiletUseIsThree) {
  EXPECT_EQ(AdlHierarchy(Adl(4, 0, 0, 0)), 3);
  EXPECT_EQ(AdlHierarchy(Adl(0, 5, 0, 0)), 3);
  EXPECT_EQ(AdlHierarchy(Adl(6, 6, 3, 3)), 3);
  EXPECT_EQ(AdlHierarchy(Adl(8, 0, 2, 2)), 3);
}

TEST(AdlHierarchyTest, ExtensiveOrMaximalInEatingOrLocomotionIsFour) {
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 4, 0)), 4);
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 0, 5)), 4);
  EXPECT_EQ(AdlHierarchy(Adl(6, 6, 5, 4)), 4);
}

TEST(AdlHierarchyTest, TotalDependenceInEatingOrLocomotionIsFive) {
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 6, 0)), 5);
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 0, 6)), 5);
  EXPECT_EQ(AdlHierarchy(Adl(0, 0, 8, 0)), 5);  // 8 counts as total dependence
  EXPECT_EQ(AdlHierarchy(Adl(5, 6, 6, 6)), 5);  // one item short of all four
}

TEST(AdlHierarchyTest, TotalDependenceInAllFourIsSix) {
  EXPECT_EQ(AdlHierarchy(Adl(6, 6, 6, 6)), 6);
  EXPECT_EQ(AdlHierarchy(Adl(8, 6, 8, 6)), 6);
  EXPECT_EQ(AdlHierarchy(Adl(8, 8, 8, 8)), 6);
}

// ---------------------------------------------------------------- CHESS

TEST(ChessTest, NothingIsZero) { EXPECT_EQ(Chess(Independent()), 0); }

TEST(ChessTest, DeclineInDecisionMakingScoresOne) {
  RaiItems items = Independent();
  items.cognition.decision_making_change = 2;
  EXPECT_EQ(Chess(items), 1);
  for (int code : {0, 1, 8}) {
    items.cognition.decision_making_change = code;
    EXPECT_EQ(Chess(items), 0) << code;
  }
}

TEST(ChessTest, DeclineInAdlStatusScoresOne) {
  RaiItems items = Independent();
  items.adl.adl_status_change = 2;
  EXPECT_EQ(Chess(items), 1);
  for (int code : {0, 1, 8}) {
    items.adl.adl_status_change = code;
    EXPECT_EQ(Chess(items), 0) << code;
  }
}

TEST(ChessTest, EndStageDiseaseScoresOne) {
  RaiItems items = Independent();
  items.health.end_stage_disease = true;
  EXPECT_EQ(Chess(items), 1);
}

TEST(ChessTest, EachSignOrSymptomScoresOne) {
  struct Case {
    void (*set)(RaiItems&);
    const char* name;
  };
  const Case cases[] = {
      {[](RaiItems& i) { i.health.vomiting = 2; }, "vomiting on 1 of 3 days"},
      {[](RaiItems& i) { i.health.vomiting = 4; }, "vomiting daily"},
      {[](RaiItems& i) { i.health.peripheral_edema = 2; }, "edema on 1 of 3 days"},
      {[](RaiItems& i) { i.health.peripheral_edema = 4; }, "edema daily"},
      {[](RaiItems& i) { i.health.dyspnea = 1; }, "dyspnea with moderate activity"},
      {[](RaiItems& i) { i.health.dyspnea = 3; }, "dyspnea at rest"},
      {[](RaiItems& i) { i.nutrition.weight_loss = true; }, "weight loss"},
      {[](RaiItems& i) { i.nutrition.dehydrated = true; }, "dehydrated"},
      {[](RaiItems& i) { i.nutrition.fluid_output_exceeds_input = true; }, "fluid output exceeds input"},
      {[](RaiItems& i) { i.nutrition.decreased_intake = true; }, "decreased intake"},
  };
  for (const Case& c : cases) {
    RaiItems items = Independent();
    c.set(items);
    EXPECT_EQ(Chess(items), 1) << c.name;
  }
}

TEST(ChessTest, SymptomNotExhibitedInTheLastThreeDaysDoesNotScore) {
  RaiItems items = Independent();
  items.health.vomiting = 1;
  items.health.peripheral_edema = 1;
  EXPECT_EQ(Chess(items), 0);
}

TEST(ChessTest, DehydrationAndFluidOutputAreOneSymptom) {
  RaiItems items = Independent();
  items.nutrition.dehydrated = true;
  items.nutrition.fluid_output_exceeds_input = true;
  EXPECT_EQ(Chess(items), 1);
}

TEST(ChessTest, SymptomCountIsCappedAtTwo) {
  RaiItems items = Independent();
  items.health.vomiting = 3;
  items.health.dyspnea = 2;
  EXPECT_EQ(Chess(items), 2);
  items.health.peripheral_edema = 4;
  EXPECT_EQ(Chess(items), 2);
  items.nutrition = {
      .weight_loss = true, .dehydrated = true, .decreased_intake = true, .fluid_output_exceeds_input = true};
  EXPECT_EQ(Chess(items), 2);
}

TEST(ChessTest, HighInstabilityThresholdAndMaximumFive) {
  RaiItems items = Independent();
  items.health.vomiting = 4;
  items.health.dyspnea = 3;
  EXPECT_EQ(Chess(items), 2);
  items.health.end_stage_disease = true;
  EXPECT_EQ(Chess(items), 3);
  items.adl.adl_status_change = 2;
  EXPECT_EQ(Chess(items), 4);
  items.cognition.decision_making_change = 2;
  items.health.peripheral_edema = 4;
  items.nutrition = {
      .weight_loss = true, .dehydrated = true, .decreased_intake = true, .fluid_output_exceeds_input = true};
  EXPECT_EQ(Chess(items), 5);
}

TEST(ChessTest, ComatoseClientWithoutDecisionMakingChangeScoresTheRest) {
  RaiItems items = Comatose();
  items.adl.adl_status_change = 2;
  items.health.end_stage_disease = true;
  EXPECT_EQ(Chess(items), 2);
}

// ---------------------------------------------------------------- MAPLe

TEST(MapleTest, NoProblemIsLow) { EXPECT_EQ(Maple(Independent()), 1); }

TEST(MapleTest, MinorCognitiveLossWithoutImpairedDecisionMakingStaysLow) {
  RaiItems items = Cognition(0, 1, 1);
  ASSERT_EQ(Cps(items), 2);
  EXPECT_EQ(Maple(items), 1);
}

TEST(MapleTest, SupervisionInAdlStaysLow) {
  RaiItems items = Adl(2, 2, 2, 2);
  ASSERT_EQ(AdlHierarchy(items), 1);
  EXPECT_EQ(Maple(items), 1);
}

TEST(MapleTest, MildPaths) {
  RaiItems meal = Independent();
  meal.iadl.meal_preparation = 2;
  EXPECT_EQ(Maple(meal), 2);
  meal.iadl.meal_preparation = 6;
  EXPECT_EQ(Maple(meal), 2);
  // Setup help only, or no meals prepared at all, is not a need for help.
  for (int code : {1, 8}) {
    meal.iadl.meal_preparation = code;
    EXPECT_EQ(Maple(meal), 1) << code;
  }
  EXPECT_EQ(Maple(Cognition(1, 0, 0)), 2);  // C1 modified independence
  EXPECT_EQ(Maple(Cognition(2, 1, 2)), 2);  // CPS 2 with impaired decision making
}

TEST(MapleTest, ModeratePaths) {
  RaiItems adl = Adl(3, 0, 0, 0);
  ASSERT_EQ(AdlHierarchy(adl), 2);
  EXPECT_EQ(Maple(adl), 3);
  RaiItems dependent = Adl(6, 6, 6, 6);  // ADL impairment without cognitive impairment
  EXPECT_EQ(Maple(dependent), 3);
  RaiItems adl_and_mild_cognition = Cognition(2, 1, 0);
  adl_and_mild_cognition.adl.toilet_use = 4;
  ASSERT_EQ(Cps(adl_and_mild_cognition), 2);
  EXPECT_EQ(Maple(adl_and_mild_cognition), 3);

  void (*const environment[])(RaiItems&) = {
      [](RaiItems& i) { i.environment.disrepair = true; },
      [](RaiItems& i) { i.environment.squalid = true; },
      [](RaiItems& i) { i.environment.inadequate_heating_cooling = true; },
      [](RaiItems& i) { i.environment.lack_of_personal_safety = true; },
      [](RaiItems& i) { i.environment.limited_access = true; },
  };
  for (auto set : environment) {
    RaiItems items = Independent();
    set(items);
    EXPECT_EQ(Maple(items), 3);
  }

  RaiItems medications = Independent();
  for (int code : {2, 6}) {
    medications.iadl.managing_medications = code;
    EXPECT_EQ(Maple(medications), 3) << code;
  }
  for (int code : {1, 8}) {
    medications.iadl.managing_medications = code;
    EXPECT_EQ(Maple(medications), 1) << code;
  }
}

TEST(MapleTest, HighPaths) {
  RaiItems cognition = Cognition(3, 1, 0);
  ASSERT_EQ(Cps(cognition), 3);
  EXPECT_EQ(Maple(cognition), 4);
  cognition.adl.personal_hygiene = 2;  // ADL-H 1 is not ADL impairment
  EXPECT_EQ(Maple(cognition), 4);

  RaiItems falls = Independent();
  for (int code : {1, 2, 3}) {
    falls.health.falls = code;
    EXPECT_EQ(Maple(falls), 4) << code;
  }

  RaiItems ulcer = Independent();
  for (int code : {1, 5}) {
    ulcer.skin.pressure_ulcer = code;
    EXPECT_EQ(Maple(ulcer), 4) << code;
  }
  ulcer = Independent();
  ulcer.skin.other_skin_ulcer = true;
  EXPECT_EQ(Maple(ulcer), 4);

  RaiItems weight = Independent();
  weight.nutrition.weight_loss = true;
  EXPECT_EQ(Maple(weight), 4);
}

TEST(MapleTest, VeryHighPaths) {
  RaiItems adl_and_cognition = Cognition(3, 1, 0);
  adl_and_cognition.adl.toilet_use = 3;
  ASSERT_EQ(AdlHierarchy(adl_and_cognition), 2);
  ASSERT_EQ(Cps(adl_and_cognition), 3);
  EXPECT_EQ(Maple(adl_and_cognition), 5);

  RaiItems wandering = Independent();
  for (int code : {1, 2, 3}) {
    wandering.behaviour.wandering = code;
    EXPECT_EQ(Maple(wandering), 5) << code;
  }

  void (*const behaviour[])(RaiItems&) = {
      [](RaiItems& i) { i.behaviour.verbal_abuse = 1; },
      [](RaiItems& i) { i.behaviour.physical_abuse = 2; },
      [](RaiItems& i) { i.behaviour.socially_inappropriate = 3; },
      [](RaiItems& i) { i.behaviour.inappropriate_sexual = 1; },
      [](RaiItems& i) { i.behaviour.resists_care = 3; },
  };
  for (auto set : behaviour) {
    RaiItems items = Independent();
    set(items);
    EXPECT_EQ(Maple(items), 5);
  }

  RaiItems helper = Independent();
  helper.social_support.helper_unable_to_continue = true;
  EXPECT_EQ(Maple(helper), 5);
}

TEST(MapleTest, ComatoseClient) {
  // CPS 6 with the behaviour section skipped: cognitive impairment alone is high...
  EXPECT_EQ(Maple(Comatose()), 4);
  // ...and with ADL impairment very high.
  RaiItems dependent = Comatose();
  dependent.adl = {.personal_hygiene = 6, .locomotion = 6, .toilet_use = 6, .eating = 6, .adl_status_change = 1};
  EXPECT_EQ(Maple(dependent), 5);
}

TEST(MapleTest, HigherRowWinsWhenSeveralApply) {
  RaiItems items = Independent();
  items.iadl.meal_preparation = 4;     // mild
  items.environment.disrepair = true;  // moderate
  items.health.falls = 2;              // high
  EXPECT_EQ(Maple(items), 4);
  items.behaviour.resists_care = 2;  // very high
  EXPECT_EQ(Maple(items), 5);
}

}  // namespace
}  // namespace yhteys::homecare::rai
