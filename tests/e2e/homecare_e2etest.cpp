// Home care over real processes beyond the one-contact path: every RAI
// scale computed from the items, the assessment history with changes, the
// care plan, missed visits raising one alert per run, and the rules that
// send CHESS >= 3 and MAPLe >= 4 to units outside Yhteys, which answer
// through the router's RespondToExternalReferral (read back through gRPC,
// the referrals topic and home care's closed loop).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/calendar/deadline.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using testing::WaitFor;

namespace hc = homecare::v1;

constexpr char kTopic[] = "yhteys.homecare.events.v1";
const std::vector<int> kCalmMood = {0, 0, 0, 0, 0, 0, 0};

class HomeCareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  static hc::HomeCare::Stub& Api() {
    static auto stub = hc::HomeCare::NewStub(system_->Channel("home-care"));
    return *stub;
  }
  static router::v1::ReferralRouter::Stub& Router() {
    static auto stub = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
    return *stub;
  }

  static std::string Register(int index, const std::string& key) {
    hc::RegisterClientResponse resp;
    grpc::Status st =
        Api().RegisterClient(Ctx().get(), e2e::RegisterRequest(hetu::SyntheticIdentityCode(index), key), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.client_id();
  }

  static grpc::Status Visit(const std::string& client, hc::VisitOutcome outcome, const std::string& key,
                            hc::RecordVisitResponse* out) {
    hc::RecordVisitRequest req;
    req.set_idempotency_key(key);
    req.set_client_id(client);
    req.set_visit_date(e2e::Today());
    req.set_outcome(outcome);
    if (outcome == hc::VISIT_OUTCOME_MISSED) req.set_missed_reason(hc::MISSED_REASON_CLIENT_NOT_AT_HOME);
    return Api().RecordVisit(Ctx().get(), req, out);
  }

  // The client's referrals once there are `count` of them (empty if they do
  // not appear within 30 s).
  static std::vector<router::v1::Referral> ReferralsOnceThereAre(const std::string& client, size_t count) {
    std::vector<router::v1::Referral> refs;
    if (!WaitFor(
            [&] {
              refs = e2e::ClientReferrals(Router(), client);
              return refs.size() >= count;
            },
            30s)) {
      return {};
    }
    return refs;
  }

  // RecordAssessment refused with INVALID_ARGUMENT whose message starts with
  // `prefix`, and the client still has no assessment.
  static void ExpectAssessmentRefused(const hc::RecordAssessmentRequest& req, const std::string& prefix) {
    hc::RecordAssessmentResponse recorded;
    grpc::Status st = Api().RecordAssessment(Ctx().get(), req, &recorded);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(st.error_message().rfind(prefix, 0), 0u) << st.error_message();
    hc::ListAssessmentsRequest list;
    list.set_client_id(req.client_id());
    hc::ListAssessmentsResponse history;
    ASSERT_TRUE(Api().ListAssessments(Ctx().get(), list, &history).ok());
    EXPECT_EQ(history.assessments_size(), 0);
  }

  template <typename Event>
  static std::vector<Event> EventsOf(const std::string& client, const std::string& type) {
    std::vector<Event> out;
    for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s)) {
      if (r.key != client || r.headers.at("ce_type") != type) continue;
      EXPECT_TRUE(out.emplace_back().ParseFromString(r.value));
    }
    return out;
  }

  static testing::YhteysSystem* system_;
};

testing::YhteysSystem* HomeCareTest::system_ = nullptr;

TEST_F(HomeCareTest, HistoryShowsEachScaleAndItsChangeSinceTheLastAssessment) {
  std::string client = Register(9001, "hist-register");
  auto first = e2e::AssessmentRequest(client, "hist-1", kCalmMood);
  hc::RecordAssessmentResponse r1, r2;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), first, &r1).ok());
  EXPECT_EQ(r1.scales().cps(), 0);
  EXPECT_EQ(r1.scales().maple(), 1);

  auto second = e2e::AssessmentRequest(client, "hist-2", {3, 1, 2, 0, 1, 0, 0});
  auto* items = second.mutable_items();
  items->mutable_cognition()->set_decision_making(3);
  items->mutable_cognition()->set_short_term_memory(1);
  items->mutable_communication()->set_making_self_understood(3);
  for (auto set : {&hc::AdlItems::set_personal_hygiene, &hc::AdlItems::set_locomotion, &hc::AdlItems::set_toilet_use,
                   &hc::AdlItems::set_eating}) {
    (items->mutable_adl()->*set)(4);
  }
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), second, &r2).ok());
  EXPECT_EQ(r2.scales().drs(), 5);
  EXPECT_EQ(r2.scales().cps(), 4);
  EXPECT_EQ(r2.scales().adl_hierarchy(), 4);
  EXPECT_EQ(r2.scales().maple(), 5);

  hc::ListAssessmentsRequest list;
  list.set_client_id(client);
  hc::ListAssessmentsResponse history;
  ASSERT_TRUE(Api().ListAssessments(Ctx().get(), list, &history).ok());
  ASSERT_EQ(history.assessments_size(), 2);
  EXPECT_EQ(history.assessments(0).assessment().assessment_id(), r2.assessment_id());
  EXPECT_TRUE(history.assessments(0).has_previous());
  EXPECT_EQ(history.assessments(0).change().drs(), 5);
  EXPECT_EQ(history.assessments(0).change().cps(), 4);
  EXPECT_EQ(history.assessments(0).change().adl_hierarchy(), 4);
  EXPECT_EQ(history.assessments(0).change().maple(), 4);
  EXPECT_FALSE(history.assessments(1).has_previous());

  // A retried assessment is not a third entry.
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), second, &r2).ok());
  ASSERT_TRUE(Api().ListAssessments(Ctx().get(), list, &history).ok());
  EXPECT_EQ(history.assessments_size(), 2);

  // A missing item is refused naming the proto field; nothing is recorded.
  auto partial = e2e::AssessmentRequest(client, "hist-3", kCalmMood);
  partial.mutable_items()->mutable_health()->clear_dyspnea();
  hc::RecordAssessmentResponse refused;
  grpc::Status st = Api().RecordAssessment(Ctx().get(), partial, &refused);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("items.health.dyspnea", 0), 0u) << st.error_message();
  ASSERT_TRUE(Api().ListAssessments(Ctx().get(), list, &history).ok());
  EXPECT_EQ(history.assessments_size(), 2);
}

TEST_F(HomeCareTest, CarePlanAndMissedVisitsRaiseOneAlertPerRun) {
  std::string client = Register(9002, "visit-register");
  hc::SetCarePlanRequest plan;
  plan.set_idempotency_key("visit-plan");
  plan.set_client_id(client);
  plan.mutable_plan()->set_visits_per_week(14);
  plan.mutable_plan()->add_tasks(hc::CARE_TASK_MEDICATION);
  plan.mutable_plan()->add_tasks(hc::CARE_TASK_MEALS);
  plan.mutable_plan()->set_valid_from(e2e::Today());
  hc::Client with_plan;
  ASSERT_TRUE(Api().SetCarePlan(Ctx().get(), plan, &with_plan).ok());
  EXPECT_EQ(with_plan.care_plan().visits_per_week(), 14);

  // Bad plans: each refused naming its field.
  struct Case {
    std::string field;
    std::function<void(hc::SetCarePlanRequest&)> mutate;
  } cases[] = {
      {"plan.visits_per_week", [](auto& r) { r.mutable_plan()->set_visits_per_week(43); }},
      {"plan.tasks", [](auto& r) { r.mutable_plan()->clear_tasks(); }},
      {"plan.tasks[2]", [](auto& r) { r.mutable_plan()->add_tasks(hc::CARE_TASK_MEALS); }},
      {"plan.tasks[2]", [](auto& r) { r.mutable_plan()->add_tasks(static_cast<hc::CareTask>(99)); }},
      {"plan.valid_from", [](auto& r) { r.mutable_plan()->set_valid_from("2999-01-01"); }},
      {"plan", [](auto& r) { r.clear_plan(); }},
  };
  int n = 0;
  for (auto& c : cases) {
    auto req = plan;
    req.set_idempotency_key("visit-plan-bad-" + std::to_string(n++));
    c.mutate(req);
    hc::Client out;
    grpc::Status st = Api().SetCarePlan(Ctx().get(), req, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
  }

  hc::RecordVisitResponse v;
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-1", &v).ok());
  EXPECT_EQ(v.consecutive_missed(), 1);
  EXPECT_FALSE(v.alert_raised());
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-2", &v).ok());
  EXPECT_EQ(v.consecutive_missed(), 2);
  EXPECT_TRUE(v.alert_raised());
  hc::RecordVisitResponse again;
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-2", &again).ok());  // a retry
  EXPECT_EQ(again.visit_id(), v.visit_id());
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-3", &v).ok());
  EXPECT_EQ(v.consecutive_missed(), 3);
  EXPECT_FALSE(v.alert_raised());  // still the same run
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_DONE, "visit-4", &v).ok());
  EXPECT_EQ(v.consecutive_missed(), 0);
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-5", &v).ok());
  ASSERT_TRUE(Visit(client, hc::VISIT_OUTCOME_MISSED, "visit-6", &v).ok());
  EXPECT_TRUE(v.alert_raised());  // a new run

  hc::RecordVisitResponse bad;
  hc::RecordVisitRequest no_reason;
  no_reason.set_idempotency_key("visit-bad");
  no_reason.set_client_id(client);
  no_reason.set_visit_date(e2e::Today());
  no_reason.set_outcome(hc::VISIT_OUTCOME_MISSED);
  grpc::Status st = Api().RecordVisit(Ctx().get(), no_reason, &bad);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("missed_reason", 0), 0u);

  ASSERT_TRUE(WaitFor(
      [&] { return EventsOf<hc::VisitRecorded>(client, "yhteys.homecare.v1.VisitRecorded").size() >= 6; }, 20s));
  auto alerts = EventsOf<hc::VisitsMissedAlert>(client, "yhteys.homecare.v1.VisitsMissedAlert");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].consecutive_missed(), 2);
  EXPECT_EQ(alerts[0].threshold(), 2);
  EXPECT_EQ(EventsOf<hc::VisitRecorded>(client, "yhteys.homecare.v1.VisitRecorded").size(), 6u);
}

TEST_F(HomeCareTest, ChessAndMapleGoToExternalUnitsThatAnswerThroughTheRouter) {
  std::string client = Register(9003, "ext-register");  // born 1930-1949: 75 or over
  auto req = e2e::AssessmentRequest(client, "ext-assess", kCalmMood);
  auto* items = req.mutable_items();
  // CHESS: ADL decline, cognitive decline, two symptoms -> 4.
  items->mutable_adl()->set_adl_status_change(2);
  items->mutable_cognition()->set_decision_making_change(2);
  items->mutable_health()->set_dyspnea(3);
  items->mutable_health()->set_vomiting(4);
  // MAPLe 5: wandering.
  items->mutable_behaviour()->set_wandering(2);
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());
  EXPECT_GE(recorded.scales().chess(), 3);
  EXPECT_GE(recorded.scales().maple(), 4);

  std::map<std::string, router::v1::Referral> by_rule;
  ASSERT_TRUE(WaitFor(
      [&] {
        by_rule.clear();
        for (const auto& r : e2e::ClientReferrals(Router(), client)) {
          if (r.state() == referral::v1::REFERRAL_STATE_OFFERED) by_rule[r.offer().rule_id()] = r;
        }
        return by_rule.size() == 2;
      },
      30s));
  ASSERT_TRUE(by_rule.count("homecare-chess-nurse-review"));
  ASSERT_TRUE(by_rule.count("homecare-maple-social-care-priority"));
  EXPECT_EQ(e2e::ClientReferrals(Router(), client).size(), 2u);  // not the under-75 rule, not DRS
  const auto& chess = by_rule["homecare-chess-nurse-review"];
  const auto& maple = by_rule["homecare-maple-social-care-priority"];
  EXPECT_EQ(chess.target_service(), common::v1::SERVICE_NAME_EXTERNAL);
  EXPECT_EQ(maple.offer().statutory_deadline().rule(), "working_days:7");

  // The primary-care system accepts, then completes; a retry changes nothing.
  router::v1::RespondToExternalReferralRequest respond;
  respond.set_idempotency_key("ext-accept");
  respond.set_referral_id(chess.offer().referral_id());
  respond.set_response(referral::v1::INBOX_STATE_ACCEPTED);
  EXPECT_EQ(chess.offer().unit_id(), "ph-pcn-lahti");  // Lahti's primary-care nurses, available
  respond.set_unit_id(chess.offer().unit_id());
  router::v1::Referral answered;
  ASSERT_TRUE(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  ASSERT_TRUE(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  respond.set_response(referral::v1::INBOX_STATE_COMPLETED);  // the accept's key with another answer
  respond.mutable_outcome()->set_result(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN);
  grpc::Status reused = Router().RespondToExternalReferral(Ctx().get(), respond, &answered);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(reused.error_message().rfind("idempotency_key", 0), 0u) << reused.error_message();
  respond.set_idempotency_key("ext-complete");
  respond.clear_outcome();
  grpc::Status incomplete = Router().RespondToExternalReferral(Ctx().get(), respond, &answered);
  EXPECT_EQ(incomplete.error_code(), grpc::StatusCode::INVALID_ARGUMENT);  // COMPLETED says how it ended
  EXPECT_EQ(incomplete.error_message().rfind("outcome.result", 0), 0u) << incomplete.error_message();
  respond.mutable_outcome()->set_result(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN);
  respond.set_idempotency_key("ext-complete-2");
  ASSERT_TRUE(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  EXPECT_EQ(answered.outcome().result(), referral::v1::OUTCOME_RESULT_SERVICE_GIVEN);
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_COMPLETED);
  respond.set_idempotency_key("ext-accept-late");
  respond.set_response(referral::v1::INBOX_STATE_ACCEPTED);
  respond.clear_outcome();
  EXPECT_EQ(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Social care declines with a reason; a decline without one is refused.
  respond.set_idempotency_key("ext-decline-bad");
  respond.set_referral_id(maple.offer().referral_id());
  respond.set_unit_id(maple.offer().unit_id());
  ASSERT_GE(maple.candidates_size(), 2);  // the older people's social work, then adults' social work
  respond.set_response(referral::v1::INBOX_STATE_DECLINED);
  grpc::Status st = Router().RespondToExternalReferral(Ctx().get(), respond, &answered);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("decline_reason", 0), 0u);
  respond.set_idempotency_key("ext-decline");
  respond.set_decline_reason(referral::v1::DECLINE_REASON_ALREADY_IN_CARE);
  ASSERT_TRUE(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  // The request stays open: the next candidate is offered it.
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_DECLINED);
  EXPECT_EQ(answered.offer().unit_id(), maple.candidates(1).unit_id());
  ASSERT_EQ(answered.offers_size(), 1);
  EXPECT_EQ(answered.offers(0).unit_id(), maple.candidates(0).unit_id());
  EXPECT_EQ(answered.offers(0).decline_reason(), referral::v1::DECLINE_REASON_ALREADY_IN_CARE);

  // Home care sees both outcomes (closed loop): one completed, one offered again.
  ASSERT_TRUE(WaitFor(
      [&] {
        hc::GetClientRequest get;
        get.set_client_id(client);
        hc::Client c;
        if (!Api().GetClient(Ctx().get(), get, &c).ok()) return false;
        std::set<referral::v1::ReferralState> states;
        for (const auto& r : c.referrals()) states.insert(r.state());
        return states == std::set<referral::v1::ReferralState>{referral::v1::REFERRAL_STATE_COMPLETED,
                                                               referral::v1::REFERRAL_STATE_OFFERED};
      },
      30s));
}

TEST_F(HomeCareTest, AnUnknownUnitIsRefusedNamingTheField) {
  auto req = e2e::RegisterRequest(hetu::SyntheticIdentityCode(9005), "unit-register");
  req.set_unit_id("hc-nowhere-9");
  hc::RegisterClientResponse resp;
  grpc::Status st = Api().RegisterClient(Ctx().get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "unit_id: not a unit of this service");
  req.set_unit_id("hc-lahti-1");
  ASSERT_TRUE(Api().RegisterClient(Ctx().get(), req, &resp).ok());  // same key, now valid: nothing was recorded
  EXPECT_FALSE(resp.already_registered());
}

// Under 75 and not on the highest care allowance, SHL § 36 sets no day
// count: the referral carries the region's 3 months as a target clock only.
TEST_F(HomeCareTest, MapleUnder75GoesToSocialCareOnTheRegionsTargetClock) {
  // Born 1960 (synthetic, 900 series): under 75.
  hc::RegisterClientResponse resp;
  ASSERT_TRUE(Api().RegisterClient(Ctx().get(), e2e::RegisterRequest("150760-951F", "young-register"), &resp).ok());
  const std::string client = resp.client_id();
  auto req = e2e::AssessmentRequest(client, "young-assess", kCalmMood);
  req.mutable_items()->mutable_health()->set_falls(2);  // MAPLe 4: a fall in the last 30 days
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());
  ASSERT_EQ(recorded.scales().maple(), 4);
  router::v1::Referral referral;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = e2e::ClientReferrals(Router(), client);
        if (refs.size() != 1 || refs[0].state() != referral::v1::REFERRAL_STATE_OFFERED) return false;
        referral = refs[0];
        return true;
      },
      30s));
  EXPECT_EQ(referral.offer().rule_id(), "homecare-maple-social-care");
  EXPECT_FALSE(referral.offer().has_statutory_deadline());
  EXPECT_EQ(referral.offer().target_deadline().rule(), "months:3");
  EXPECT_NE(referral.offer().target_deadline().legal_basis().find("a target, not a statute"), std::string::npos);
  router::v1::RespondToExternalReferralRequest respond;
  respond.set_idempotency_key("young-accept");
  respond.set_referral_id(referral.offer().referral_id());
  respond.set_response(referral::v1::INBOX_STATE_ACCEPTED);
  respond.set_unit_id(referral.offer().unit_id());
  router::v1::Referral answered;
  ASSERT_TRUE(Router().RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  // Only external referrals are answered here.
  std::string other = Register(9004, "young-other");
  auto drs = e2e::AssessmentRequest(other, "young-other-assess", {3, 1, 2, 0, 1, 0, 0});
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), drs, &recorded).ok());
  std::string intake_ref;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = e2e::ClientReferrals(Router(), other);
        if (refs.size() == 1) intake_ref = refs[0].offer().referral_id();
        return !intake_ref.empty();
      },
      30s));
  respond.set_idempotency_key("young-wrong");
  respond.set_referral_id(intake_ref);
  grpc::Status st = Router().RespondToExternalReferral(Ctx().get(), respond, &answered);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(st.error_message().rfind("referral_id", 0), 0u);
}

// SHL § 36: the highest care allowance gives the 7-working-day start at any
// age, like 75 or over.
TEST_F(HomeCareTest, HighestCareAllowanceGetsTheSevenWorkingDayClockUnder75) {
  auto reg = e2e::RegisterRequest("150760-952H", "allowance-register");  // born 1960: 66
  reg.set_care_allowance(hc::CARE_ALLOWANCE_HIGHEST);
  hc::RegisterClientResponse resp;
  grpc::Status registered = Api().RegisterClient(Ctx().get(), reg, &resp);
  ASSERT_TRUE(registered.ok()) << registered.error_message();
  const std::string client = resp.client_id();
  auto req = e2e::AssessmentRequest(client, "allowance-assess", kCalmMood);
  req.mutable_items()->mutable_health()->set_falls(2);  // MAPLe 4
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());
  auto refs = ReferralsOnceThereAre(client, 1);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "homecare-maple-social-care-priority");
  EXPECT_EQ(refs[0].offer().statutory_deadline().rule(), "working_days:7");
  auto events = EventsOf<hc::AssessmentRecorded>(client, "yhteys.homecare.v1.AssessmentRecorded");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].highest_care_allowance());
  EXPECT_EQ(events[0].care_allowance(), hc::CARE_ALLOWANCE_HIGHEST);
}

// The clocks start from the assessment's own date. An assessment recorded
// ten days after it was made gets due dates from that day; a copy of its
// event consumed a day late, after midnight, gets the very same due dates.
TEST_F(HomeCareTest, ClocksRunFromTheAssessmentsDateNotTheDayTheRouterConsumesIt) {
  std::string client = Register(9010, "late-register");
  const auto today = *calendar::ParseDate(e2e::Today());
  const auto assessed = std::chrono::year_month_day{std::chrono::sys_days{today} - std::chrono::days{10}};
  auto req = e2e::AssessmentRequest(client, "late-assess", {3, 1, 2, 0, 1, 0, 0});  // DRS 5
  req.set_assessed_on(calendar::FormatDate(assessed));
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());
  const std::string expected_statutory =
      calendar::FormatDate(calendar::DeadlineFor(*calendar::ParseDeadlineRule("months:3"), assessed));
  const std::string expected_target =
      calendar::FormatDate(calendar::DeadlineFor(*calendar::ParseDeadlineRule("days:7"), assessed));

  auto refs = ReferralsOnceThereAre(client, 1);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "homecare-drs-depression");
  EXPECT_EQ(refs[0].offer().clock_started_on(), calendar::FormatDate(assessed));
  EXPECT_EQ(refs[0].offer().statutory_deadline().due_date(), expected_statutory);
  EXPECT_EQ(refs[0].offer().target_deadline().due_date(), expected_target);

  // The same event again under a new id, stamped 00:30 tomorrow in Helsinki
  // (21:30 UTC today in winter, 22:30 in summer: 21:30 UTC is after midnight
  // either way).
  testing::ReadRecord original;
  for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s)) {
    if (r.key == client && r.headers.at("ce_type") == "yhteys.homecare.v1.AssessmentRecorded") original = r;
  }
  ASSERT_FALSE(original.value.empty());
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : original.headers) {
    if (name == "ce_id")
      headers.emplace_back(name, value + "-replayed-late");
    else if (name == "ce_time")
      headers.emplace_back(name, e2e::Today() + "T21:30:00Z");
    else
      headers.emplace_back(name, value);
  }
  ASSERT_TRUE(testing::ProduceRecord(system_->Bootstrap(), kTopic, client, original.value, headers));
  refs = ReferralsOnceThereAre(client, 2);
  ASSERT_EQ(refs.size(), 2u);
  for (const auto& r : refs) {
    EXPECT_EQ(r.offer().clock_started_on(), calendar::FormatDate(assessed)) << r.offer().source_event_id();
    EXPECT_EQ(r.offer().statutory_deadline().due_date(), expected_statutory) << r.offer().source_event_id();
    EXPECT_EQ(r.offer().target_deadline().due_date(), expected_target) << r.offer().source_event_id();
  }
}

// C1 = 5: no mood items, no DRS (unset, not 0), no depression rule; mood
// items sent anyway are refused and nothing is written.
TEST_F(HomeCareTest, AComatoseClientHasNoDrsAndNoDepressionReferral) {
  std::string client = Register(9011, "coma-register");  // 75 or over
  auto req = e2e::AssessmentRequest(client, "coma-assess-bad", kCalmMood);
  req.mutable_items()->mutable_cognition()->set_decision_making(5);
  ExpectAssessmentRefused(req, "items.mood: must be left out");

  req.set_idempotency_key("coma-assess");
  req.mutable_items()->clear_mood();
  hc::RecordAssessmentResponse recorded;
  grpc::Status st = Api().RecordAssessment(Ctx().get(), req, &recorded);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(recorded.scales().has_drs());
  EXPECT_EQ(recorded.scales().cps(), 6);
  EXPECT_GE(recorded.scales().maple(), 4);  // CPS >= 3
  // The MAPLe referral is the barrier: it comes from the same event as any DRS rule would.
  auto refs = ReferralsOnceThereAre(client, 1);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "homecare-maple-social-care-priority");
  auto events = EventsOf<hc::AssessmentRecorded>(client, "yhteys.homecare.v1.AssessmentRecorded");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].comatose());
  EXPECT_FALSE(events[0].scales().has_drs());
}

// Scales from the certified RAI software stand: stored, published and used
// by the rules. The service's own computation is the cross-check; a
// disagreement is on the assessment, in the event and in a metric.
TEST_F(HomeCareTest, CertifiedScalesStandAndADisagreementIsRecordedCountedAndPublished) {
  std::string client = Register(9012, "cert-register");
  const std::string metrics_before = testing::ScrapeMetrics(system_->MetricsPort("home-care"));
  auto req = e2e::AssessmentRequest(client, "cert-assess", kCalmMood);  // computes DRS 0, MAPLe 1
  auto* certified = req.mutable_certified_scales();
  certified->set_drs(4);  // the certified software saw possible depression
  certified->set_cps(0);
  certified->set_adl_hierarchy(0);
  certified->set_chess(0);
  certified->set_maple(1);
  hc::RecordAssessmentResponse recorded;
  grpc::Status st = Api().RecordAssessment(Ctx().get(), req, &recorded);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(recorded.scales().drs(), 4);
  EXPECT_EQ(recorded.computed_scales().drs(), 0);
  EXPECT_EQ(recorded.scales_source(), hc::SCALES_SOURCE_CERTIFIED_RAI_SOFTWARE);
  EXPECT_EQ(recorded.maple_provenance(), hc::MAPLE_PROVENANCE_CERTIFIED_RAI_SOFTWARE);
  ASSERT_EQ(recorded.disagreements_size(), 1);
  EXPECT_EQ(recorded.disagreements(0).scale(), "drs");
  EXPECT_EQ(recorded.disagreements(0).certified(), 4);
  EXPECT_EQ(recorded.disagreements(0).computed(), 0);
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());  // a retry: counted once

  // The router acted on the certified DRS.
  auto refs = ReferralsOnceThereAre(client, 1);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "homecare-drs-depression");
  auto events = EventsOf<hc::AssessmentRecorded>(client, "yhteys.homecare.v1.AssessmentRecorded");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].scales_source(), hc::SCALES_SOURCE_CERTIFIED_RAI_SOFTWARE);
  EXPECT_EQ(events[0].scales().drs(), 4);
  EXPECT_EQ(events[0].computed_scales().drs(), 0);
  ASSERT_EQ(events[0].disagreements_size(), 1);
  hc::GetClientRequest get;
  get.set_client_id(client);
  hc::Client stored;
  ASSERT_TRUE(Api().GetClient(Ctx().get(), get, &stored).ok());
  EXPECT_EQ(stored.latest_assessment().disagreements_size(), 1);
  const std::string metrics_after = testing::ScrapeMetrics(system_->MetricsPort("home-care"));
  EXPECT_EQ(testing::MetricSum(metrics_after, "yhteys_rai_scale_disagreements_total", {"scale=\"drs\""}) -
                testing::MetricSum(metrics_before, "yhteys_rai_scale_disagreements_total", {"scale=\"drs\""}),
            1.0);

  // Without certified scales: Yhteys' computation, marked as such and as a MAPLe reconstruction.
  auto own = e2e::AssessmentRequest(client, "cert-own", kCalmMood);
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), own, &recorded).ok());
  EXPECT_EQ(recorded.scales_source(), hc::SCALES_SOURCE_COMPUTED_BY_YHTEYS);
  EXPECT_EQ(recorded.maple_provenance(), hc::MAPLE_PROVENANCE_YHTEYS_RECONSTRUCTION);
  EXPECT_EQ(recorded.disagreements_size(), 0);
}

// Refused, the field named, nothing written: scales out of range, a care
// allowance for a client under 16.
TEST_F(HomeCareTest, BadScalesAndAllowancesAreRefusedNamingTheField) {
  std::string client = Register(9013, "badscale-register");
  auto req = e2e::AssessmentRequest(client, "badscale-assess", kCalmMood);
  auto* certified = req.mutable_certified_scales();
  certified->set_drs(0);
  certified->set_maple(9);
  ExpectAssessmentRefused(req, "certified_scales.maple");

  const std::string child_code = hetu::SyntheticIdentityCodeBornOn(std::chrono::year(2015) / 3 / 3, 960);
  auto child = e2e::RegisterRequest(child_code, "badallowance-register");
  child.set_care_allowance(hc::CARE_ALLOWANCE_BASIC);
  hc::RegisterClientResponse resp;
  grpc::Status st = Api().RegisterClient(Ctx().get(), child, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("care_allowance", 0), 0u) << st.error_message();
  EXPECT_EQ(st.error_message().find(child_code), std::string::npos);
  child.set_care_allowance(hc::CARE_ALLOWANCE_UNSPECIFIED);
  ASSERT_TRUE(Api().RegisterClient(Ctx().get(), child, &resp).ok());
  EXPECT_FALSE(resp.already_registered());  // the refused call wrote nothing
  auto child_assessment = e2e::AssessmentRequest(resp.client_id(), "badallowance-assess", kCalmMood);
  child_assessment.set_care_allowance(hc::CARE_ALLOWANCE_HIGHEST);
  ExpectAssessmentRefused(child_assessment, "care_allowance");

  // No event from any refused call: once a valid assessment of each client
  // is on the topic, it is their only one.
  req.clear_certified_scales();
  child_assessment.set_care_allowance(hc::CARE_ALLOWANCE_UNSPECIFIED);
  for (const auto* ok : {&req, &child_assessment}) {
    hc::RecordAssessmentResponse recorded;
    ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), *ok, &recorded).ok());
  }
  for (const std::string& id : {client, resp.client_id()}) {
    std::vector<hc::AssessmentRecorded> events;
    ASSERT_TRUE(WaitFor(
        [&] {
          events = EventsOf<hc::AssessmentRecorded>(id, "yhteys.homecare.v1.AssessmentRecorded");
          return !events.empty();
        },
        20s));
    EXPECT_EQ(events.size(), 1u) << id;
  }
  EXPECT_EQ(EventsOf<hc::ClientRegistered>(resp.client_id(), "yhteys.homecare.v1.ClientRegistered").size(), 1u);
}

// The rules by age read the age on the assessment's own date: a client who
// is 75 today but was 74 on the day of the assessment gets the under-75
// rule (the region's target clock), not the 7-working-day one.
TEST_F(HomeCareTest, TheAgeIsTheAgeOnTheAssessmentsDate) {
  const auto today = *calendar::ParseDate(e2e::Today());
  const std::chrono::year_month_day five_days_ago{std::chrono::sys_days{today} - std::chrono::days{5}};
  std::chrono::year_month_day birth{five_days_ago.year() - std::chrono::years{75}, five_days_ago.month(),
                                    five_days_ago.day()};
  if (!birth.ok()) birth = std::chrono::year_month_day{birth.year(), birth.month(), std::chrono::day{28}};
  hc::RegisterClientResponse resp;
  ASSERT_TRUE(Api()
                  .RegisterClient(Ctx().get(),
                                  e2e::RegisterRequest(hetu::SyntheticIdentityCodeBornOn(birth, 975), "age-register"),
                                  &resp)
                  .ok());
  auto req = e2e::AssessmentRequest(resp.client_id(), "age-assess", kCalmMood);
  req.set_assessed_on(calendar::FormatDate(std::chrono::sys_days{today} - std::chrono::days{10}));
  req.mutable_items()->mutable_health()->set_falls(2);  // MAPLe 4
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(Api().RecordAssessment(Ctx().get(), req, &recorded).ok());
  auto refs = ReferralsOnceThereAre(resp.client_id(), 1);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "homecare-maple-social-care");
  auto events = EventsOf<hc::AssessmentRecorded>(resp.client_id(), "yhteys.homecare.v1.AssessmentRecorded");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].age_years(), 74);
  hc::GetClientRequest get;
  get.set_client_id(resp.client_id());
  hc::Client client;
  ASSERT_TRUE(Api().GetClient(Ctx().get(), get, &client).ok());
  EXPECT_EQ(client.age_years(), 75);
}

}  // namespace
}  // namespace yhteys
