// Table tests of the mental-health intake's decisions: no Redis, no gRPC, no
// clock.
#include "intake.hpp"

#include <gtest/gtest.h>

#include "yhteys/hetu/synthetic.hpp"

namespace yhteys::mentalhealth {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year(2026), month(11), day(26)};
const std::string kUnit = "mielenterveys-1";

IntakeContext Ctx() {
  static const auto* units = new std::set<std::string, std::less<>>{kUnit};
  static const auto* pseudonymizer = new hetu::Pseudonymizer(*hetu::Pseudonymizer::FromKey(std::string(32, 'k')));
  IntakeContext ctx;
  ctx.today = kToday;
  ctx.now.set_seconds(1'795'000'000);
  ctx.new_id_tail = "0123456789abcdef";
  ctx.units = units;
  ctx.accept_temporary_codes = true;
  ctx.pseudonymizer = pseudonymizer;
  return ctx;
}

v1::StartIntakeRequest Start(year_month_day born = year_month_day{year(2006), month(1), day(10)}) {
  v1::StartIntakeRequest r;
  r.set_identity_code(hetu::SyntheticIdentityCodeBornOn(born));
  r.set_channel(v1::INTAKE_CHANNEL_DIGITAL);
  r.set_municipality_code("091");
  r.set_language(common::v1::LANGUAGE_FI);
  r.set_unit_id(kUnit);
  return r;
}

v1::Intake Started(year_month_day born = year_month_day{year(2006), month(1), day(10)}) {
  auto started = DecideStartIntake(Start(born), Ctx());
  EXPECT_TRUE(started.ok()) << started.status();
  return started->change.intake;
}

v1::SubmitScreeningRequest Phq9(const v1::Intake& intake, int item9, int others = 1) {
  v1::SubmitScreeningRequest r;
  r.set_intake_id(intake.intake_id());
  r.set_instrument(v1::INSTRUMENT_PHQ9);
  for (int i = 0; i < 8; ++i) r.add_answers(others);
  r.add_answers(item9);
  return r;
}

TEST(DecideStartIntakeTest, RefusesEachBadFieldByName) {
  struct Case {
    const char* name;
    std::function<void(v1::StartIntakeRequest&)> spoil;
    const char* message_prefix;
  };
  const std::vector<Case> cases = {
      {"no person", [](auto& r) { r.clear_person(); }, "identity_code: required (or client_id)"},
      {"blank code", [](auto& r) { r.set_identity_code("  "); }, "identity_code: required"},
      {"bad code", [](auto& r) { r.set_identity_code("100106A900X"); }, "identity_code: "},
      {"bad pseudonym", [](auto& r) { r.set_client_id("not-a-pseudonym"); }, "client_id:"},
      {"no channel", [](auto& r) { r.set_channel(v1::INTAKE_CHANNEL_UNSPECIFIED); }, "channel:"},
      {"bad municipality", [](auto& r) { r.set_municipality_code("9a1"); }, "municipality_code:"},
      {"no language", [](auto& r) { r.set_language(common::v1::LANGUAGE_UNSPECIFIED); }, "language:"},
      {"unknown unit", [](auto& r) { r.set_unit_id("elsewhere"); }, "unit_id:"},
      {"referral without id", [](auto& r) { r.set_channel(v1::INTAKE_CHANNEL_REFERRAL); }, "referral_id:"},
  };
  for (const auto& c : cases) {
    v1::StartIntakeRequest r = Start();
    c.spoil(r);
    auto started = DecideStartIntake(r, Ctx());
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(started.status().message().rfind(c.message_prefix, 0), 0u) << c.name << ": " << started.status();
  }
}

TEST(DecideStartIntakeTest, FromAnIdentityCodeOrAPseudonym) {
  auto from_code = DecideStartIntake(Start(), Ctx());
  ASSERT_TRUE(from_code.ok()) << from_code.status();
  const v1::Intake& intake = from_code->change.intake;
  EXPECT_EQ(intake.age_years(), 20);
  EXPECT_TRUE(intake.age_known());
  EXPECT_EQ(ShardKeyOfIntakeId(intake.intake_id()), intake.client_id().substr(0, 16));
  EXPECT_EQ(StatusOf(intake), kStatusNew);
  // A temporary code (900-999; every synthetic code is one) says nothing of
  // the registered sex (screening_test covers SexForAuditC's parity rule).
  EXPECT_EQ(from_code->sex, Sex::kOtherOrUnknown);
  ASSERT_EQ(from_code->change.events.size(), 1u);
  EXPECT_NE(redis::EmittedAs<v1::IntakeStarted>(from_code->change.events), nullptr);
  EXPECT_EQ(from_code->change.events[0].key, intake.client_id());

  v1::StartIntakeRequest by_pseudonym = Start();
  by_pseudonym.set_client_id(intake.client_id());
  auto from_pseudonym = DecideStartIntake(by_pseudonym, Ctx());
  ASSERT_TRUE(from_pseudonym.ok()) << from_pseudonym.status();
  EXPECT_FALSE(from_pseudonym->change.intake.age_known());
  EXPECT_EQ(from_pseudonym->sex, Sex::kOtherOrUnknown);
}

TEST(DecideSubmitScreeningTest, ValidationNamesTheAnswers) {
  v1::Intake intake = Started();
  v1::SubmitScreeningRequest eight = Phq9(intake, 0);
  eight.mutable_answers()->RemoveLast();
  EXPECT_EQ(ValidateSubmitScreening(eight).message().rfind("answers: ", 0), 0u);
  v1::SubmitScreeningRequest no_instrument = Phq9(intake, 0);
  no_instrument.set_instrument(v1::INSTRUMENT_UNSPECIFIED);
  EXPECT_EQ(ValidateSubmitScreening(no_instrument).message().rfind("instrument:", 0), 0u);
  v1::SubmitScreeningRequest bad_id = Phq9(intake, 0);
  bad_id.set_intake_id("x");
  EXPECT_EQ(ValidateSubmitScreening(bad_id).message(), "intake_id: not an intake id");
  EXPECT_TRUE(ValidateSubmitScreening(Phq9(intake, 3)).ok());
}

// The item-9 risk state machine: a positive item 9 requires a risk
// assessment made after it; only an assessment lifts the requirement.
TEST(DecideSubmitScreeningTest, ItemNineRiskStateMachine) {
  struct Step {
    const char* name;
    int item9;  // -1: record a risk assessment instead
    v1::IntakeState state_after;
    const char* status_after;
    bool risk_event;  // RiskAssessmentRequired published by this step
  };
  const std::vector<Step> steps = {
      {"negative screening", 0, v1::INTAKE_STATE_OPEN, kStatusOpen, false},
      {"item 9 positive", 1, v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED, kStatusRiskRequired, true},
      {"item 9 positive again", 2, v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED, kStatusRiskRequired, false},
      {"later negative does not lift", 0, v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED, kStatusRiskRequired, false},
      {"assessment lifts", -1, v1::INTAKE_STATE_OPEN, kStatusOpen, false},
      {"positive after an assessment", 1, v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED, kStatusRiskRequired, true},
  };
  v1::Intake intake = Started();
  for (const auto& s : steps) {
    IntakeChange change;
    if (s.item9 < 0) {
      v1::RecordRiskAssessmentRequest assess;
      assess.set_intake_id(intake.intake_id());
      assess.set_level(v1::RISK_LEVEL_LOW);
      assess.set_assessed_by("nurse-1");
      change = DecideRecordRiskAssessment(intake, assess);
    } else {
      change = DecideSubmitScreening(intake, Sex::kFemale, Phq9(intake, s.item9), Ctx());
    }
    EXPECT_EQ(change.intake.state(), s.state_after) << s.name;
    EXPECT_EQ(StatusOf(change.intake), s.status_after) << s.name;
    bool risk_event = false;
    for (size_t i = 0; i < change.events.size(); ++i) {
      risk_event = risk_event || redis::EmittedAs<v1::RiskAssessmentRequired>(change.events, i) != nullptr;
    }
    EXPECT_EQ(risk_event, s.risk_event) << s.name;
    if (s.item9 > 0) {
      EXPECT_TRUE(change.intake.recommendation().risk_assessment_required()) << s.name;
      EXPECT_EQ(change.intake.risk_assessment_due_date(), "2026-11-26") << s.name;
    }
    ASSERT_EQ(change.checks.size(), 1u) << s.name;
    EXPECT_EQ(change.checks[0].failure.message(), "intake_id: the intake is completed");
    intake = change.intake;
  }
  // One result per instrument is kept: the latest.
  EXPECT_EQ(intake.screenings_size(), 1);
}

TEST(DecideRecordChildrenAtHomeTest, ConsentOnlyWithChildren) {
  v1::RecordChildrenAtHomeRequest r;
  r.set_intake_id(Started().intake_id());
  r.set_children_count(0);
  r.set_consent_to_family_centre(true);
  EXPECT_EQ(ValidateRecordChildrenAtHome(r).message(), "consent_to_family_centre: only with children living at home");
  r.set_children_count(21);
  EXPECT_EQ(ValidateRecordChildrenAtHome(r).message().rfind("children_count:", 0), 0u);
  r.set_children_count(2);
  ASSERT_TRUE(ValidateRecordChildrenAtHome(r).ok());
  IntakeChange change = DecideRecordChildrenAtHome(Started(), r);
  EXPECT_TRUE(change.intake.children_recorded());
  EXPECT_TRUE(change.events.empty());  // they travel once, in IntakeCompleted
}

v1::Intake ReadyToComplete(year_month_day born) {
  v1::Intake intake = Started(born);
  intake = DecideSubmitScreening(intake, Sex::kFemale, Phq9(intake, 0, 2), Ctx()).intake;
  v1::RecordChildrenAtHomeRequest children;
  children.set_intake_id(intake.intake_id());
  children.set_children_count(1);
  children.set_consent_to_family_centre(true);
  return DecideRecordChildrenAtHome(intake, children).intake;
}

TEST(DecideCompleteIntakeTest, PreconditionsAndTheTherapyGuaranteeClock) {
  const year_month_day young{year(2006), month(1), day(10)};  // 20
  const year_month_day older{year(1980), month(1), day(10)};  // 46
  v1::CompleteIntakeRequest complete;
  complete.set_intake_id(ReadyToComplete(young).intake_id());
  complete.set_chosen_level(v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL);
  ASSERT_TRUE(ValidateCompleteIntake(complete).ok());

  v1::Intake no_children = Started(young);
  EXPECT_EQ(DecideCompleteIntake(no_children, complete, Ctx()).status().code(), absl::StatusCode::kFailedPrecondition);

  v1::Intake urgent = ReadyToComplete(young);
  urgent.set_recommended_level(v1::CARE_LEVEL_URGENT);
  EXPECT_EQ(DecideCompleteIntake(urgent, complete, Ctx()).status().message().rfind("chosen_level:", 0), 0u);

  struct Case {
    const char* name;
    year_month_day born;
    v1::CareLevel level;
    bool clock;
  };
  for (const Case& c : {Case{"under 23 at level 3", young, v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, true},
                        Case{"under 23 at level 4", young, v1::CARE_LEVEL_4_PSYCHOTHERAPY_OR_SPECIALIST, false},
                        Case{"older at level 3", older, v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, false}}) {
    complete.set_chosen_level(c.level);
    auto done = DecideCompleteIntake(ReadyToComplete(c.born), complete, Ctx());
    ASSERT_TRUE(done.ok()) << c.name << ": " << done.status();
    EXPECT_EQ(done->intake.state(), v1::INTAKE_STATE_COMPLETED) << c.name;
    EXPECT_EQ(StatusOf(done->intake), kStatusCompleted);
    EXPECT_EQ(done->intake.completed_on(), "2026-11-26");
    EXPECT_EQ(done->intake.has_therapy_guarantee_deadline(), c.clock) << c.name;
    if (c.clock) {
      EXPECT_EQ(done->intake.therapy_guarantee_deadline().due_date(), "2026-12-24") << c.name;
    }
    const auto* event = redis::EmittedAs<v1::IntakeCompleted>(done->events);
    ASSERT_NE(event, nullptr) << c.name;
    EXPECT_EQ(event->children_at_home(), 1);
    EXPECT_TRUE(event->consent_to_family_centre());
    EXPECT_EQ(event->has_therapy_guarantee_deadline(), c.clock) << c.name;
    // Completion needs a screening and no pending risk assessment, checked at commit.
    ASSERT_EQ(done->checks.size(), 3u);
    EXPECT_EQ(done->checks[1].failure.message(), "intake_id: no screening submitted yet");
    EXPECT_EQ(done->checks[2].allowed, std::vector<std::string>{kStatusOpen});
  }
}

}  // namespace
}  // namespace yhteys::mentalhealth
