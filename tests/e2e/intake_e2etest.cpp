// The mental-health intake over real processes: screenings scored by the
// service, the same-day risk step, completion rules, bad input, idempotent
// retries, and the cross-sector rule "children at home and severity >=
// moderate or risky use, with consent -> family centre" ending as a referral
// accepted by the family centre, read back through gRPC and the topics.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_events.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using mentalhealth::v1::Intake;
using testing::WaitFor;

constexpr char kTopic[] = "yhteys.mentalhealth.events.v1";
constexpr char kReferralsTopic[] = "yhteys.referrals.events.v1";

const std::vector<int> kPhq9Moderate = {2, 2, 2, 1, 1, 1, 1, 0, 0};  // 10, item 9 = 0
const std::vector<int> kPhq9Minimal = {1, 1, 0, 0, 0, 0, 1, 0, 0};   // 3
const std::vector<int> kPhq9SelfHarm = {1, 1, 0, 0, 0, 0, 0, 0, 1};  // 3, item 9 = 1
const std::vector<int> kGad7Severe = {3, 3, 3, 3, 3, 1, 0};          // 16
const std::vector<int> kAuditCRisky = {3, 2, 1};                     // 6

class IntakeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  static mentalhealth::v1::MentalHealthIntake::Stub& Api() {
    static auto stub = mentalhealth::v1::MentalHealthIntake::NewStub(system_->Channel("mental-health-intake"));
    return *stub;
  }

  static mentalhealth::v1::StartIntakeRequest StartRequest(const std::string& code, const std::string& key) {
    mentalhealth::v1::StartIntakeRequest req;
    req.set_idempotency_key(key);
    req.set_identity_code(code);
    req.set_channel(mentalhealth::v1::INTAKE_CHANNEL_DIGITAL);
    req.set_municipality_code("398");
    req.set_language(common::v1::LANGUAGE_FI);
    req.set_unit_id("mhi-lahti-1");
    return req;
  }

  static Intake Start(const std::string& code, const std::string& key) {
    Intake intake;
    grpc::Status st = Api().StartIntake(Ctx().get(), StartRequest(code, key), &intake);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return intake;
  }

  static grpc::Status Screen(const std::string& intake_id, mentalhealth::v1::Instrument instrument,
                             const std::vector<int>& answers, const std::string& key, Intake* out) {
    mentalhealth::v1::SubmitScreeningRequest req;
    req.set_idempotency_key(key);
    req.set_intake_id(intake_id);
    req.set_instrument(instrument);
    for (int a : answers) req.add_answers(a);
    return Api().SubmitScreening(Ctx().get(), req, out);
  }

  static grpc::Status Children(const std::string& intake_id, int count, bool consent, const std::string& key) {
    mentalhealth::v1::RecordChildrenAtHomeRequest req;
    req.set_idempotency_key(key);
    req.set_intake_id(intake_id);
    req.set_children_count(count);
    req.set_consent_to_family_centre(consent);
    Intake out;
    return Api().RecordChildrenAtHome(Ctx().get(), req, &out);
  }

  static grpc::Status Complete(const std::string& intake_id, mentalhealth::v1::CareLevel level, const std::string& key,
                               Intake* out) {
    mentalhealth::v1::CompleteIntakeRequest req;
    req.set_idempotency_key(key);
    req.set_intake_id(intake_id);
    req.set_chosen_level(level);
    return Api().CompleteIntake(Ctx().get(), req, out);
  }

  static Intake Get(const std::string& intake_id) {
    mentalhealth::v1::GetIntakeRequest req;
    req.set_intake_id(intake_id);
    Intake out;
    grpc::Status st = Api().GetIntake(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // Events of `type` on the intake topic for `client`, decoded.
  template <typename Event>
  static std::vector<Event> EventsOf(const std::string& client, const std::string& type) {
    std::vector<Event> out;
    for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s)) {
      if (r.key != client || r.headers.count("ce_type") == 0 || r.headers.at("ce_type") != type) continue;
      Event e;
      EXPECT_TRUE(e.ParseFromString(r.value));
      out.push_back(e);
    }
    return out;
  }

  static testing::YhteysSystem* system_;
};

testing::YhteysSystem* IntakeTest::system_ = nullptr;

TEST_F(IntakeTest, ScreeningsAreScoredAndTheLevelFollowsTheWorstBand) {
  Intake intake = Start(hetu::SyntheticIdentityCode(7001), "sc-start");
  ASSERT_EQ(intake.intake_id().size(), 37u);
  EXPECT_EQ(intake.client_id().size(), 64u);
  EXPECT_EQ(intake.state(), mentalhealth::v1::INTAKE_STATE_OPEN);
  EXPECT_EQ(intake.recommended_level(), mentalhealth::v1::CARE_LEVEL_UNSPECIFIED);  // nothing scored yet
  EXPECT_GT(intake.age_years(), 0);

  Intake after;
  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Moderate, "sc-phq9", &after).ok());
  ASSERT_EQ(after.screenings_size(), 1);
  EXPECT_EQ(after.screenings(0).total(), 10);
  EXPECT_EQ(after.screenings(0).severity(), mentalhealth::v1::SEVERITY_MODERATE);
  EXPECT_EQ(after.recommended_level(), mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL);

  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_GAD7, kGad7Severe, "sc-gad7", &after).ok());
  EXPECT_EQ(after.recommended_level(), mentalhealth::v1::CARE_LEVEL_4_PSYCHOTHERAPY_OR_SPECIALIST);
  std::set<std::string> reasons(after.recommendation().reasons().begin(), after.recommendation().reasons().end());
  EXPECT_TRUE(reasons.count("gad7_severe")) << after.recommendation().DebugString();

  // A new PHQ-9 replaces the earlier one (the latest of each instrument).
  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Minimal, "sc-phq9-b", &after).ok());
  EXPECT_EQ(after.screenings_size(), 2);
  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_AUDIT_C, kAuditCRisky, "sc-audit", &after).ok());
  const mentalhealth::v1::ScreeningResult* audit = nullptr;
  for (const auto& s : after.screenings()) {
    if (s.instrument() == mentalhealth::v1::INSTRUMENT_AUDIT_C) audit = &s;
  }
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ(audit->total(), 6);
  EXPECT_TRUE(audit->risky_use());

  // A retry with the same key answers the first time's intake, not today's.
  Intake replay;
  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Moderate, "sc-phq9", &replay).ok());
  EXPECT_EQ(replay.screenings_size(), 1);
  EXPECT_EQ(Get(intake.intake_id()).screenings_size(), 3);
  // The same key with another body is refused.
  grpc::Status conflict =
      Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Minimal, "sc-phq9", &replay);
  EXPECT_EQ(conflict.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << conflict.error_message();

  Intake again;
  ASSERT_TRUE(Api().StartIntake(Ctx().get(), StartRequest(hetu::SyntheticIdentityCode(7001), "sc-start"), &again).ok());
  EXPECT_EQ(again.intake_id(), intake.intake_id());

  // Four screenings were scored, each published once; no item answers travel.
  ASSERT_TRUE(WaitFor(
      [&] {
        return EventsOf<mentalhealth::v1::ScreeningScored>(intake.client_id(), "yhteys.mentalhealth.v1.ScreeningScored")
                   .size() >= 4;
      },
      20s));
  EXPECT_EQ(
      EventsOf<mentalhealth::v1::ScreeningScored>(intake.client_id(), "yhteys.mentalhealth.v1.ScreeningScored").size(),
      4u);
  EXPECT_EQ(
      EventsOf<mentalhealth::v1::IntakeStarted>(intake.client_id(), "yhteys.mentalhealth.v1.IntakeStarted").size(), 1u);
}

TEST_F(IntakeTest, SelfHarmItemRequiresASameDayRiskAssessmentBeforeCompletion) {
  Intake intake = Start(hetu::SyntheticIdentityCode(7002), "risk-start");
  ASSERT_TRUE(Children(intake.intake_id(), 0, false, "risk-children").ok());
  Intake after;
  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9SelfHarm, "risk-phq9", &after).ok());
  EXPECT_EQ(after.state(), mentalhealth::v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED);
  EXPECT_TRUE(after.recommendation().risk_assessment_required());
  EXPECT_EQ(after.recommended_level(), mentalhealth::v1::CARE_LEVEL_UNSPECIFIED);
  EXPECT_EQ(after.risk_assessment_due_date().size(), 10u);

  grpc::Status blocked =
      Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "risk-complete-0", &after);
  EXPECT_EQ(blocked.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(blocked.error_message().find("risk_level"), std::string::npos) << blocked.error_message();

  mentalhealth::v1::RecordRiskAssessmentRequest risk;
  risk.set_idempotency_key("risk-assess");
  risk.set_intake_id(intake.intake_id());
  risk.set_level(mentalhealth::v1::RISK_LEVEL_HIGH);
  risk.set_assessed_by("nurse-0042");
  ASSERT_TRUE(Api().RecordRiskAssessment(Ctx().get(), risk, &after).ok());
  EXPECT_EQ(after.state(), mentalhealth::v1::INTAKE_STATE_OPEN);
  EXPECT_EQ(after.recommended_level(), mentalhealth::v1::CARE_LEVEL_URGENT);

  grpc::Status not_urgent =
      Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, "risk-complete-1", &after);
  EXPECT_EQ(not_urgent.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(not_urgent.error_message().find("chosen_level"), std::string::npos);
  ASSERT_TRUE(Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_URGENT, "risk-complete-2", &after).ok());
  EXPECT_EQ(after.state(), mentalhealth::v1::INTAKE_STATE_COMPLETED);

  ASSERT_TRUE(WaitFor(
      [&] {
        return !EventsOf<mentalhealth::v1::IntakeCompleted>(intake.client_id(),
                                                            "yhteys.mentalhealth.v1.IntakeCompleted")
                    .empty();
      },
      20s));
  auto required = EventsOf<mentalhealth::v1::RiskAssessmentRequired>(intake.client_id(),
                                                                     "yhteys.mentalhealth.v1.RiskAssessmentRequired");
  ASSERT_EQ(required.size(), 1u);
  EXPECT_EQ(required[0].due_date(), after.risk_assessment_due_date());
  auto assessed = EventsOf<mentalhealth::v1::RiskAssessed>(intake.client_id(), "yhteys.mentalhealth.v1.RiskAssessed");
  ASSERT_EQ(assessed.size(), 1u);
  EXPECT_EQ(assessed[0].level(), mentalhealth::v1::RISK_LEVEL_HIGH);
}

TEST_F(IntakeTest, CompletionNeedsAScreeningAndTheChildrenAndClosesTheIntake) {
  Intake intake = Start(hetu::SyntheticIdentityCode(7003), "close-start");
  Intake after;
  grpc::Status no_children = Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "close-0", &after);
  EXPECT_EQ(no_children.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(no_children.error_message().find("children_count"), std::string::npos);
  ASSERT_TRUE(Children(intake.intake_id(), 1, false, "close-children").ok());
  grpc::Status no_screening = Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "close-1", &after);
  EXPECT_EQ(no_screening.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(no_screening.error_message().find("screening"), std::string::npos);

  ASSERT_TRUE(Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Minimal, "close-phq9", &after).ok());
  Intake completed;
  ASSERT_TRUE(Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "close-2", &completed).ok());
  EXPECT_EQ(completed.chosen_level(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE);
  EXPECT_TRUE(completed.has_completed_at());

  // Closed: no further change; a retry of the completion replays it.
  grpc::Status closed =
      Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_GAD7, kGad7Severe, "close-gad7", &after);
  EXPECT_EQ(closed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(closed.error_message().find("completed"), std::string::npos);
  Intake replay;
  ASSERT_TRUE(Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "close-2", &replay).ok());
  EXPECT_EQ(replay.SerializeAsString(), completed.SerializeAsString());
  grpc::Status twice = Complete(intake.intake_id(), mentalhealth::v1::CARE_LEVEL_1_SELF_CARE, "close-3", &after);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(IntakeTest, BadInputIsInvalidArgumentNamingTheFieldAndChangesNothing) {
  const std::string code = hetu::SyntheticIdentityCode(7004);
  struct StartCase {
    std::string field;
    std::function<void(mentalhealth::v1::StartIntakeRequest&)> mutate;
  } start_cases[] = {
      {"identity_code", [](auto& r) { r.clear_person(); }},
      {"identity_code", [&](auto& r) { r.set_identity_code(code.substr(0, 10) + (code.back() == 'A' ? "B" : "A")); }},
      {"client_id", [](auto& r) { r.set_client_id("not-a-pseudonym"); }},
      {"channel", [](auto& r) { r.set_channel(mentalhealth::v1::INTAKE_CHANNEL_UNSPECIFIED); }},
      {"channel", [](auto& r) { r.set_channel(static_cast<mentalhealth::v1::IntakeChannel>(42)); }},
      {"municipality_code", [](auto& r) { r.set_municipality_code("39"); }},
      {"language", [](auto& r) { r.set_language(static_cast<common::v1::Language>(99)); }},
      {"unit_id", [](auto& r) { r.set_unit_id(std::string(200, 'u')); }},
      {"unit_id", [](auto& r) { r.set_unit_id("mhi-nowhere-9"); }},
      {"referral_id", [](auto& r) { r.set_channel(mentalhealth::v1::INTAKE_CHANNEL_REFERRAL); }},
  };
  for (auto& c : start_cases) {
    auto req = StartRequest(code, "bad-start-" + c.field);
    c.mutate(req);
    Intake out;
    grpc::Status st = Api().StartIntake(Ctx().get(), req, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
    EXPECT_EQ(st.error_message().find(code), std::string::npos);
  }

  Intake intake = Start(code, "bad-start-ok");
  struct ScreenCase {
    mentalhealth::v1::Instrument instrument;
    std::vector<int> answers;
    std::string field;
  } screen_cases[] = {
      {mentalhealth::v1::INSTRUMENT_PHQ9, {1, 1, 1, 1, 1, 1, 1, 1}, "answers"},     // 8 items
      {mentalhealth::v1::INSTRUMENT_PHQ9, {1, 1, 1, 1, 4, 1, 1, 1, 1}, "answers"},  // 4 > 3
      {mentalhealth::v1::INSTRUMENT_GAD7, {0, 0, 0, -1, 0, 0, 0}, "answers"},       // negative
      {mentalhealth::v1::INSTRUMENT_AUDIT_C, {5, 0, 0}, "answers"},                 // 5 > 4
      {mentalhealth::v1::INSTRUMENT_AUDIT_C, std::vector<int>(500, 0), "answers"},  // huge list
      {mentalhealth::v1::INSTRUMENT_UNSPECIFIED, {0, 0, 0}, "instrument"},
      {static_cast<mentalhealth::v1::Instrument>(9), {0, 0, 0}, "instrument"},
  };
  int i = 0;
  for (const auto& c : screen_cases) {
    Intake out;
    grpc::Status st = Screen(intake.intake_id(), c.instrument, c.answers, "bad-screen-" + std::to_string(i++), &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << i << ": " << st.error_message();
  }
  Intake out;
  grpc::Status bad_id = Screen("int-nope", mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Minimal, "bad-id", &out);
  EXPECT_EQ(bad_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status unknown = Screen("int-0123456789abcdef-0123456789abcdef", mentalhealth::v1::INSTRUMENT_PHQ9,
                                kPhq9Minimal, "unknown-id", &out);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Children(intake.intake_id(), 21, false, "bad-children-1").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Children(intake.intake_id(), 0, true, "bad-children-2").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  mentalhealth::v1::RecordRiskAssessmentRequest risk;
  risk.set_intake_id(intake.intake_id());
  risk.set_idempotency_key("bad-risk");
  risk.set_level(mentalhealth::v1::RISK_LEVEL_LOW);
  grpc::Status no_assessor = Api().RecordRiskAssessment(Ctx().get(), risk, &out);
  EXPECT_EQ(no_assessor.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(no_assessor.error_message().rfind("assessed_by", 0), 0u) << no_assessor.error_message();

  // Nothing of it was written: one intake for this person, unchanged.
  Intake now = Get(intake.intake_id());
  EXPECT_EQ(now.SerializeAsString(), intake.SerializeAsString());
  ASSERT_TRUE(WaitFor(
      [&] {
        return !EventsOf<mentalhealth::v1::IntakeStarted>(intake.client_id(), "yhteys.mentalhealth.v1.IntakeStarted")
                    .empty();
      },
      20s));
  EXPECT_EQ(
      EventsOf<mentalhealth::v1::IntakeStarted>(intake.client_id(), "yhteys.mentalhealth.v1.IntakeStarted").size(), 1u);
  EXPECT_TRUE(EventsOf<mentalhealth::v1::ScreeningScored>(intake.client_id(), "yhteys.mentalhealth.v1.ScreeningScored")
                  .empty());
}

// The rule intake-children-at-home-family-centre, end to end. The same
// parent first completes an intake without consent (no referral), then one
// with consent (a referral the family centre accepts). One client's events
// share a partition, so once the second referral exists the first intake
// has been seen too.
TEST_F(IntakeTest, ChildrenAtHomeWithConsentEndsAcceptedAtTheFamilyCentre) {
  const std::string code = hetu::SyntheticIdentityCode(7005);
  Intake first = Start(code, "fc-start-1");
  Intake after;
  ASSERT_TRUE(Screen(first.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Moderate, "fc-phq9-1", &after).ok());
  ASSERT_TRUE(Children(first.intake_id(), 2, false, "fc-children-1").ok());
  ASSERT_TRUE(
      Complete(first.intake_id(), mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, "fc-complete-1", &after).ok());

  Intake second = Start(code, "fc-start-2");
  ASSERT_EQ(second.client_id(), first.client_id());
  ASSERT_TRUE(
      Screen(second.intake_id(), mentalhealth::v1::INSTRUMENT_AUDIT_C, kAuditCRisky, "fc-audit-2", &after).ok());
  ASSERT_TRUE(Children(second.intake_id(), 1, true, "fc-children-2").ok());
  ASSERT_TRUE(
      Complete(second.intake_id(), mentalhealth::v1::CARE_LEVEL_2_GUIDED_SELF_HELP, "fc-complete-2", &after).ok());
  const std::string client = second.client_id();

  auto router = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
  auto family = referral::v1::ReferralInbox::NewStub(system_->Channel("family-centre"));
  std::string referral_id;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = e2e::ClientReferrals(*router, client);
        if (refs.size() == 1 && refs[0].state() == referral::v1::REFERRAL_STATE_OFFERED) {
          referral_id = refs[0].offer().referral_id();
        }
        return !referral_id.empty();
      },
      30s));
  auto refs = e2e::ClientReferrals(*router, client);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].target_service(), common::v1::SERVICE_NAME_FAMILY_CENTRE);
  EXPECT_EQ(refs[0].offer().rule_id(), "intake-children-at-home-family-centre");
  EXPECT_EQ(refs[0].offer().source_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(refs[0].offer().statutory_deadline().rule(), "working_days:7");
  EXPECT_EQ(refs[0].offer().need_code(), "family-support-parent-mental-health");

  referral::v1::GetInboxEntryRequest get;
  get.set_referral_id(referral_id);
  referral::v1::InboxEntry offered;
  ASSERT_TRUE(family->GetInboxEntry(Ctx().get(), get, &offered).ok());
  EXPECT_EQ(offered.state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(offered.offer().client_pseudonym(), client);

  referral::v1::AcceptReferralRequest accept;
  accept.set_idempotency_key("fc-accept");
  accept.set_referral_id(referral_id);
  accept.set_unit_id(offered.offer().unit_id());
  referral::v1::InboxEntry accepted;
  ASSERT_TRUE(family->AcceptReferral(Ctx().get(), accept, &accepted).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        auto now = e2e::ClientReferrals(*router, client);
        return now.size() == 1 && now[0].state() == referral::v1::REFERRAL_STATE_ACCEPTED;
      },
      30s));

  // The referrals topic: CREATED, OFFERED, ACCEPTED for this client, and no
  // record on any topic carries the identity code.
  auto records = testing::ReadAll(system_->Bootstrap(), {kTopic, kReferralsTopic, "yhteys.familycentre.events.v1"},
                                  static_cast<size_t>(-1), 5s);
  std::vector<referral::v1::ReferralState> states;
  std::string digits = code.substr(0, 6) + code.substr(7, 3);
  for (const auto& r : records) {
    for (const std::string& needle : {code, digits}) {
      EXPECT_EQ(r.value.find(needle), std::string::npos) << r.topic;
      for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(needle), std::string::npos) << name;
    }
    if (r.topic != kReferralsTopic || r.key != client) continue;
    referral::v1::ReferralStateChanged change;
    ASSERT_TRUE(change.ParseFromString(r.value));
    EXPECT_EQ(change.referral_id(), referral_id);
    states.push_back(change.state());
  }
  EXPECT_EQ(states, (std::vector<referral::v1::ReferralState>{referral::v1::REFERRAL_STATE_CREATED,
                                                              referral::v1::REFERRAL_STATE_OFFERED,
                                                              referral::v1::REFERRAL_STATE_ACCEPTED}));
  auto completed = EventsOf<mentalhealth::v1::IntakeCompleted>(client, "yhteys.mentalhealth.v1.IntakeCompleted");
  ASSERT_EQ(completed.size(), 2u);
  EXPECT_FALSE(completed[0].consent_to_family_centre());
  EXPECT_TRUE(completed[1].risky_substance_use());
  EXPECT_EQ(completed[1].children_at_home(), 1);
}

// The terapiatakuu: a client under 23 whose chosen level is brief
// psychotherapy or a structured psychosocial treatment (level 3) starts it
// within 28 days of the intake; the record and the event carry the clock. A
// client of 23 or over, or another level, has none.
TEST_F(IntakeTest, UnderTwentyThreeAtLevelThreeCarriesTheTwentyEightDayTherapyGuarantee) {
  const auto today = *calendar::ParseDate(e2e::Today());
  // 20 years old today.
  const std::string young_code = hetu::SyntheticIdentityCodeBornOn(
      std::chrono::year_month_day{today.year() - std::chrono::years{20}, std::chrono::January, std::chrono::day{1}},
      970);
  struct Case {
    std::string code;
    mentalhealth::v1::CareLevel level;
    bool guaranteed;
  } cases[] = {
      {young_code, mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, true},
      {young_code, mentalhealth::v1::CARE_LEVEL_4_PSYCHOTHERAPY_OR_SPECIALIST, false},
      {hetu::SyntheticIdentityCode(7020), mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL, false},  // born 1930-49
  };
  int n = 0;
  for (const auto& c : cases) {
    const std::string key = "tg-" + std::to_string(n++);
    Intake intake = Start(c.code, key + "-start");
    Intake after;
    ASSERT_TRUE(
        Screen(intake.intake_id(), mentalhealth::v1::INSTRUMENT_PHQ9, kPhq9Moderate, key + "-phq9", &after).ok());
    ASSERT_TRUE(Children(intake.intake_id(), 0, false, key + "-children").ok());
    Intake completed;
    grpc::Status st = Complete(intake.intake_id(), c.level, key + "-complete", &completed);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(completed.completed_on(), e2e::Today());
    EXPECT_EQ(completed.has_therapy_guarantee_deadline(), c.guaranteed) << key;
    if (c.guaranteed) {
      EXPECT_EQ(completed.therapy_guarantee_deadline().rule(), "days:28");
      EXPECT_EQ(
          completed.therapy_guarantee_deadline().due_date(),
          calendar::FormatDate(std::chrono::year_month_day{std::chrono::sys_days{today} + std::chrono::days{28}}));
      EXPECT_NE(completed.therapy_guarantee_deadline().legal_basis().find("Terapiatakuu"), std::string::npos);
    }
    std::vector<mentalhealth::v1::IntakeCompleted> events;
    ASSERT_TRUE(WaitFor(
        [&] {
          events.clear();
          for (auto& e : EventsOf<mentalhealth::v1::IntakeCompleted>(completed.client_id(),
                                                                     "yhteys.mentalhealth.v1.IntakeCompleted")) {
            if (e.intake_id() == completed.intake_id()) events.push_back(e);
          }
          return events.size() == 1;
        },
        20s));
    EXPECT_EQ(events[0].completed_on(), completed.completed_on());
    EXPECT_EQ(events[0].therapy_guarantee_deadline().SerializeAsString(),
              completed.therapy_guarantee_deadline().SerializeAsString());
  }
}

}  // namespace
}  // namespace yhteys
