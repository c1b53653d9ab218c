// Table tests of home care's decisions: no Redis, no gRPC, no clock.
#include "home_care_client.hpp"

#include <gtest/gtest.h>

#include "fill_unset.hpp"
#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"

namespace yhteys::homecare {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year(2026), month(11), day(26)};
constexpr year_month_day kOldBorn{year(1940), month(5), day(5)};  // 86 on kToday
const std::string kUnit = "hc-lahti-1";
const std::string kNewId = "00000000-0000-4000-8000-000000000001";
const std::string kAllowanceUnder16 =
    "care_allowance: the care allowance for pensioners is paid from age 16; leave it unspecified for a client under "
    "16";

const hetu::Pseudonymizer& TestPseudonymizer() {
  static const auto* p = new hetu::Pseudonymizer(*hetu::Pseudonymizer::FromKey(std::string(32, 'k')));
  return *p;
}

HomeCareContext Ctx() {
  static const auto* units = new std::set<std::string, std::less<>>{kUnit};
  HomeCareContext ctx;
  ctx.today = kToday;
  ctx.new_id = kNewId;
  ctx.units = units;
  ctx.accept_temporary_codes = true;
  ctx.pseudonymizer = &TestPseudonymizer();
  ctx.missed_visits_alert_after = 2;
  return ctx;
}

// A table row: how to spoil a valid request, and the error message it must
// get (whole, or its beginning when `prefix_only`).
template <typename Request>
struct Bad {
  const char* name;
  std::function<void(Request&)> spoil;
  std::string message;
  bool prefix_only = false;
};

template <typename Request>
void ExpectEachRefused(const std::vector<Bad<Request>>& table, const Request& valid,
                       const std::function<absl::Status(const Request&)>& check) {
  ASSERT_TRUE(check(valid).ok()) << check(valid);
  for (const auto& row : table) {
    Request request = valid;
    row.spoil(request);
    absl::Status st = check(request);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << row.name << ": " << st;
    if (row.prefix_only) {
      EXPECT_EQ(st.message().rfind(row.message, 0), 0u) << row.name << ": " << st;
    } else {
      EXPECT_EQ(st.message(), row.message) << row.name;
    }
  }
}

v1::RegisterClientRequest ValidRegister(year_month_day born = kOldBorn) {
  v1::RegisterClientRequest r;
  r.set_identity_code(hetu::SyntheticIdentityCodeBornOn(born));
  r.set_municipality_code("398");
  r.set_language(common::v1::LANGUAGE_FI);
  r.set_unit_id(kUnit);
  r.set_care_allowance(v1::CARE_ALLOWANCE_BASIC);
  return r;
}

ClientState Registered(year_month_day born = kOldBorn) {
  v1::RegisterClientRequest r = ValidRegister(born);
  r.set_care_allowance(v1::CARE_ALLOWANCE_UNSPECIFIED);
  auto change = DecideRegisterClient(r, Ctx());
  EXPECT_TRUE(change.ok()) << change.status();
  return {change->profile, born};
}

TEST(ValidateCareAllowanceTest, ByAge) {
  struct Row {
    int allowance;
    int age;
    std::string message;  // "" when accepted
  };
  const std::vector<Row> table = {
      {v1::CARE_ALLOWANCE_UNSPECIFIED, 0, ""},
      {v1::CARE_ALLOWANCE_UNSPECIFIED, 15, ""},
      {v1::CARE_ALLOWANCE_NONE, 15, kAllowanceUnder16},
      {v1::CARE_ALLOWANCE_BASIC, 15, kAllowanceUnder16},
      {v1::CARE_ALLOWANCE_HIGHEST, 0, kAllowanceUnder16},
      {v1::CARE_ALLOWANCE_NONE, 16, ""},
      {v1::CARE_ALLOWANCE_BASIC, 16, ""},
      {v1::CARE_ALLOWANCE_RAISED, 40, ""},
      {v1::CARE_ALLOWANCE_HIGHEST, 95, ""},
      {7, 80, "care_allowance: unknown value"},
      {-1, 15, "care_allowance: unknown value"},
  };
  for (const auto& row : table) {
    absl::Status st = ValidateCareAllowance(static_cast<v1::CareAllowance>(row.allowance), row.age);
    if (row.message.empty()) {
      EXPECT_TRUE(st.ok()) << row.allowance << " at " << row.age << ": " << st;
    } else {
      EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << row.allowance << " at " << row.age;
      EXPECT_EQ(st.message(), row.message) << row.allowance << " at " << row.age;
    }
  }
}

TEST(DecideRegisterClientTest, RefusesEachBadFieldByName) {
  const std::vector<Bad<v1::RegisterClientRequest>> table = {
      {"no identity code", [](auto& r) { r.clear_identity_code(); }, "identity_code: required"},
      {"blank identity code", [](auto& r) { r.set_identity_code("  "); }, "identity_code: required"},
      {"short identity code", [](auto& r) { r.set_identity_code("010101-123"); },
       "identity_code: must be exactly eleven characters"},
      {"no municipality", [](auto& r) { r.clear_municipality_code(); }, "municipality_code: required"},
      {"bad municipality", [](auto& r) { r.set_municipality_code("39"); },
       "municipality_code: must be a 3-digit Statistics Finland code"},
      {"no language", [](auto& r) { r.set_language(common::v1::LANGUAGE_UNSPECIFIED); }, "language: required"},
      {"unknown language", [](auto& r) { r.set_language(static_cast<common::v1::Language>(99)); },
       "language: unknown value"},
      {"no unit", [](auto& r) { r.clear_unit_id(); }, "unit_id: required"},
      {"another unit", [](auto& r) { r.set_unit_id("hc-elsewhere"); }, "unit_id: not a unit of this service"},
      {"unknown allowance", [](auto& r) { r.set_care_allowance(static_cast<v1::CareAllowance>(9)); },
       "care_allowance: unknown value"},
      {"allowance for a 15-year-old",
       [](auto& r) {
         r.set_identity_code(hetu::SyntheticIdentityCodeBornOn(year_month_day{year(2011), month(1), day(1)}));
       },
       kAllowanceUnder16},
  };
  ExpectEachRefused<v1::RegisterClientRequest>(table, ValidRegister(),
                                               [](const auto& r) { return DecideRegisterClient(r, Ctx()).status(); });
  // Temporary (900-series) codes only where accepted.
  HomeCareContext production = Ctx();
  production.accept_temporary_codes = false;
  auto refused = DecideRegisterClient(ValidRegister(), production);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().rfind("identity_code: ", 0), 0u) << refused.status();
}

TEST(DecideRegisterClientTest, KeepsThePseudonymTheBirthDateAndOneEventWithoutTheCode) {
  const v1::RegisterClientRequest request = ValidRegister();
  auto change = DecideRegisterClient(request, Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  const std::string pseudonym = TestPseudonymizer().Pseudonym(request.identity_code());
  EXPECT_EQ(change->profile.client_id(), pseudonym);
  EXPECT_EQ(change->profile.age_years(), 86);
  EXPECT_EQ(change->profile.municipality_code(), "398");
  EXPECT_EQ(change->profile.unit_id(), kUnit);
  EXPECT_EQ(change->profile.care_allowance(), v1::CARE_ALLOWANCE_BASIC);
  EXPECT_EQ(change->born, "1940-05-05");
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(change->events[0].key, pseudonym);
  const auto* event = redis::EmittedAs<v1::ClientRegistered>(change->events);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->client_pseudonym(), pseudonym);
  EXPECT_EQ(event->age_years(), 86);
  EXPECT_EQ(event->care_allowance(), v1::CARE_ALLOWANCE_BASIC);
  // The identity code goes nowhere: not in the profile, not in the event.
  EXPECT_EQ(change->profile.SerializeAsString().find(request.identity_code()), std::string::npos);
  EXPECT_EQ(event->SerializeAsString().find(request.identity_code()), std::string::npos);
  // Surrounding whitespace is not part of the code.
  v1::RegisterClientRequest padded = request;
  padded.set_identity_code(" " + request.identity_code() + "\t");
  EXPECT_EQ(DecideRegisterClient(padded, Ctx())->profile.client_id(), pseudonym);
}

v1::RecordAssessmentRequest ValidAssessment(const std::string& client_id) {
  v1::RecordAssessmentRequest r;
  r.set_client_id(client_id);
  r.set_assessed_on("2026-11-20");
  proto::FillUnset(*r.mutable_items());  // every item answered, code 0
  return r;
}

v1::RaiScales Certified(int drs, int cps, int adl, int chess, int maple) {
  v1::RaiScales s;
  s.set_drs(drs);
  s.set_cps(cps);
  s.set_adl_hierarchy(adl);
  s.set_chess(chess);
  s.set_maple(maple);
  return s;
}

TEST(ScoreRecordAssessmentTest, RefusesEachBadFieldByName) {
  const std::vector<Bad<v1::RecordAssessmentRequest>> table = {
      {"no client", [](auto& r) { r.clear_client_id(); }, "client_id: required"},
      {"not a pseudonym", [](auto& r) { r.set_client_id("abc"); }, "client_id: must be 64 hex characters"},
      {"no date", [](auto& r) { r.clear_assessed_on(); }, "assessed_on: required"},
      {"not a date", [](auto& r) { r.set_assessed_on("26.11.2026"); }, "assessed_on: must be a date YYYY-MM-DD"},
      {"tomorrow", [](auto& r) { r.set_assessed_on("2026-11-27"); }, "assessed_on: is in the future"},
      {"over a year ago", [](auto& r) { r.set_assessed_on("2025-11-25"); }, "assessed_on: more than 365 days ago"},
      {"item out of range", [](auto& r) { r.mutable_items()->mutable_health()->set_dyspnea(9); },
       "items.health.dyspnea", true},
      {"certified scale out of range", [](auto& r) { *r.mutable_certified_scales() = Certified(0, 0, 0, 0, 9); },
       "certified_scales.maple: must be between 1 and 5"},
  };
  ExpectEachRefused<v1::RecordAssessmentRequest>(table, ValidAssessment(std::string(64, 'a')), [](const auto& r) {
    return ScoreRecordAssessment(r, kToday).status();
  });
  auto oldest = ValidAssessment(std::string(64, 'a'));
  oldest.set_assessed_on("2025-11-26");  // exactly 365 days ago
  EXPECT_TRUE(ScoreRecordAssessment(oldest, kToday).ok());
}

TEST(DecideRecordAssessmentTest, BuildsTheAssessmentItsAnswerAndOneEvent) {
  const ClientState client = Registered();
  v1::RecordAssessmentRequest request = ValidAssessment(client.client.client_id());
  *request.mutable_certified_scales() = Certified(3, 0, 0, 0, 2);
  auto scored = ScoreRecordAssessment(request, kToday);
  ASSERT_TRUE(scored.ok()) << scored.status();
  auto change = DecideRecordAssessment(client, request, *scored, Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_FALSE(change->profile.has_value());  // the allowance is unchanged
  const v1::Assessment& a = change->assessment;
  EXPECT_EQ(a.assessment_id(), kNewId);
  EXPECT_EQ(a.assessed_on(), "2026-11-20");
  EXPECT_EQ(a.scales_source(), v1::SCALES_SOURCE_CERTIFIED_RAI_SOFTWARE);
  EXPECT_EQ(a.scales().drs(), 3);
  EXPECT_EQ(a.computed_scales().drs(), 0);
  ASSERT_EQ(a.disagreements_size(), scored->disagreements.size());
  EXPECT_GT(a.disagreements_size(), 0);
  // The answer mirrors the assessment.
  EXPECT_EQ(change->response.assessment_id(), kNewId);
  EXPECT_EQ(change->response.scales().SerializeAsString(), a.scales().SerializeAsString());
  EXPECT_EQ(change->response.disagreements_size(), a.disagreements_size());
  EXPECT_EQ(change->response.maple_provenance(), a.maple_provenance());

  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(change->events[0].key, client.client.client_id());
  const auto* event = redis::EmittedAs<v1::AssessmentRecorded>(change->events);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->assessment_id(), kNewId);
  EXPECT_EQ(event->client_pseudonym(), client.client.client_id());
  EXPECT_EQ(event->age_years(), 86);
  EXPECT_EQ(event->unit_id(), kUnit);
  EXPECT_EQ(event->municipality_code(), "398");
  EXPECT_EQ(event->scales().drs(), 3);
  EXPECT_EQ(event->disagreements_size(), a.disagreements_size());
  EXPECT_FALSE(event->highest_care_allowance());
}

TEST(DecideRecordAssessmentTest, CareAllowanceByAgeOnTheAssessmentDay) {
  // 16 since 2026-11-20: 15 on the 10th, 16 on the 21st and today.
  const year_month_day born{year(2010), month(11), day(20)};
  const ClientState client = Registered(born);
  struct Row {
    const char* assessed_on;
    int allowance;
    std::string message;     // "" when accepted
    bool profile_rewritten;  // the allowance changed
    int age;
  };
  const std::vector<Row> table = {
      {"2026-11-10", v1::CARE_ALLOWANCE_UNSPECIFIED, "", false, 15},
      {"2026-11-10", v1::CARE_ALLOWANCE_BASIC, kAllowanceUnder16, false, 15},
      {"2026-11-21", v1::CARE_ALLOWANCE_BASIC, "", true, 16},
      {"2026-11-21", v1::CARE_ALLOWANCE_HIGHEST, "", true, 16},
      {"2026-11-21", 8, "care_allowance: unknown value", false, 16},
  };
  for (const auto& row : table) {
    v1::RecordAssessmentRequest request = ValidAssessment(client.client.client_id());
    request.set_assessed_on(row.assessed_on);
    request.set_care_allowance(static_cast<v1::CareAllowance>(row.allowance));
    auto scored = ScoreRecordAssessment(request, kToday);
    ASSERT_TRUE(scored.ok()) << scored.status();
    auto change = DecideRecordAssessment(client, request, *scored, Ctx());
    const std::string name = std::string(row.assessed_on) + " allowance " + std::to_string(row.allowance);
    if (!row.message.empty()) {
      EXPECT_EQ(change.status().code(), absl::StatusCode::kInvalidArgument) << name;
      EXPECT_EQ(change.status().message(), row.message) << name;
      continue;
    }
    ASSERT_TRUE(change.ok()) << name << ": " << change.status();
    EXPECT_EQ(change->profile.has_value(), row.profile_rewritten) << name;
    const auto* event = redis::EmittedAs<v1::AssessmentRecorded>(change->events);
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->age_years(), row.age) << name;
    if (row.profile_rewritten) {
      EXPECT_EQ(change->profile->care_allowance(), row.allowance) << name;
      EXPECT_EQ(event->care_allowance(), row.allowance) << name;
      EXPECT_EQ(event->highest_care_allowance(), row.allowance == v1::CARE_ALLOWANCE_HIGHEST) << name;
    }
  }
  // The same allowance again is no change; without a birth date (a client
  // registered before it was kept) the age recorded at registration stands.
  ClientState old = client;
  old.born.reset();
  old.client.set_care_allowance(v1::CARE_ALLOWANCE_BASIC);
  old.client.set_age_years(40);
  v1::RecordAssessmentRequest request = ValidAssessment(old.client.client_id());
  request.set_assessed_on("2026-11-10");
  request.set_care_allowance(v1::CARE_ALLOWANCE_BASIC);
  auto change = DecideRecordAssessment(old, request, *ScoreRecordAssessment(request, kToday), Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_FALSE(change->profile.has_value());
  EXPECT_EQ(redis::EmittedAs<v1::AssessmentRecorded>(change->events)->age_years(), 40);
}

v1::SetCarePlanRequest ValidPlan() {
  v1::SetCarePlanRequest r;
  r.set_client_id(std::string(64, 'b'));
  auto* plan = r.mutable_plan();
  plan->set_visits_per_week(14);
  plan->add_tasks(v1::CARE_TASK_MEDICATION);
  plan->add_tasks(v1::CARE_TASK_MEALS);
  plan->set_valid_from("2026-11-01");
  return r;
}

TEST(ValidateSetCarePlanTest, RefusesEachBadFieldByName) {
  const std::vector<Bad<v1::SetCarePlanRequest>> table = {
      {"no client", [](auto& r) { r.clear_client_id(); }, "client_id: required"},
      {"no plan", [](auto& r) { r.clear_plan(); }, "plan: required"},
      {"43 visits", [](auto& r) { r.mutable_plan()->set_visits_per_week(43); },
       "plan.visits_per_week: must be between 0 and 42"},
      {"negative visits", [](auto& r) { r.mutable_plan()->set_visits_per_week(-1); },
       "plan.visits_per_week: must be between 0 and 42"},
      {"no tasks", [](auto& r) { r.mutable_plan()->clear_tasks(); }, "plan.tasks: at least one required"},
      {"9 tasks",
       [](auto& r) {
         for (int t = 1; t <= 7; ++t) r.mutable_plan()->add_tasks(static_cast<v1::CareTask>(t));
       },
       "plan.tasks: at most 8"},
      {"unspecified task", [](auto& r) { r.mutable_plan()->add_tasks(v1::CARE_TASK_UNSPECIFIED); },
       "plan.tasks[2]: required"},
      {"unknown task", [](auto& r) { r.mutable_plan()->set_tasks(0, static_cast<v1::CareTask>(42)); },
       "plan.tasks[0]: unknown value"},
      {"duplicate task", [](auto& r) { r.mutable_plan()->add_tasks(v1::CARE_TASK_MEDICATION); },
       "plan.tasks[2]: duplicate"},
      {"no start", [](auto& r) { r.mutable_plan()->clear_valid_from(); }, "plan.valid_from: required"},
      {"future start", [](auto& r) { r.mutable_plan()->set_valid_from("2026-12-01"); },
       "plan.valid_from: is in the future"},
      {"old start", [](auto& r) { r.mutable_plan()->set_valid_from("2026-10-26"); },
       "plan.valid_from: more than 30 days ago"},
  };
  ExpectEachRefused<v1::SetCarePlanRequest>(table, ValidPlan(),
                                            [](const auto& r) { return ValidateSetCarePlan(r, kToday); });
  v1::SetCarePlanRequest none = ValidPlan();
  none.mutable_plan()->set_visits_per_week(0);
  EXPECT_TRUE(ValidateSetCarePlan(none, kToday).ok());
}

TEST(DecideSetCarePlanTest, AnswersTheWholeClientWithItsPlan) {
  ClientState client = Registered();
  client.client.set_consecutive_missed_visits(1);
  v1::SetCarePlanRequest request = ValidPlan();
  request.set_client_id(client.client.client_id());
  CarePlanChange change = DecideSetCarePlan(client.client, request);
  EXPECT_EQ(change.client.care_plan().SerializeAsString(), request.plan().SerializeAsString());
  EXPECT_EQ(change.client.consecutive_missed_visits(), 1);
  EXPECT_EQ(change.client.client_id(), client.client.client_id());
  ASSERT_EQ(change.events.size(), 1u);
  EXPECT_EQ(change.events[0].key, client.client.client_id());
  const auto* event = redis::EmittedAs<v1::CarePlanSet>(change.events);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->unit_id(), kUnit);
  EXPECT_EQ(event->plan().visits_per_week(), 14);
}

v1::RecordVisitRequest Visit(const std::string& client_id, v1::VisitOutcome outcome) {
  v1::RecordVisitRequest r;
  r.set_client_id(client_id);
  r.set_visit_date("2026-11-25");
  r.set_outcome(outcome);
  if (outcome == v1::VISIT_OUTCOME_MISSED) r.set_missed_reason(v1::MISSED_REASON_CLIENT_NOT_AT_HOME);
  return r;
}

TEST(ValidateRecordVisitTest, RefusesEachBadFieldByName) {
  const std::vector<Bad<v1::RecordVisitRequest>> table = {
      {"no client", [](auto& r) { r.clear_client_id(); }, "client_id: required"},
      {"no date", [](auto& r) { r.clear_visit_date(); }, "visit_date: required"},
      {"tomorrow", [](auto& r) { r.set_visit_date("2026-11-27"); }, "visit_date: is in the future"},
      {"31 days ago", [](auto& r) { r.set_visit_date("2026-10-26"); }, "visit_date: more than 30 days ago"},
      {"no outcome", [](auto& r) { r.set_outcome(v1::VISIT_OUTCOME_UNSPECIFIED); }, "outcome: required"},
      {"unknown outcome", [](auto& r) { r.set_outcome(static_cast<v1::VisitOutcome>(5)); }, "outcome: unknown value"},
      {"missed without a reason", [](auto& r) { r.set_missed_reason(v1::MISSED_REASON_UNSPECIFIED); },
       "missed_reason: required"},
      {"unknown reason", [](auto& r) { r.set_missed_reason(static_cast<v1::MissedReason>(77)); },
       "missed_reason: unknown value"},
  };
  const v1::RecordVisitRequest missed = Visit(std::string(64, 'c'), v1::VISIT_OUTCOME_MISSED);
  ExpectEachRefused<v1::RecordVisitRequest>(table, missed,
                                            [](const auto& r) { return ValidateRecordVisit(r, kToday); });
  v1::RecordVisitRequest done_with_reason = Visit(std::string(64, 'c'), v1::VISIT_OUTCOME_DONE);
  EXPECT_TRUE(ValidateRecordVisit(done_with_reason, kToday).ok());
  done_with_reason.set_missed_reason(v1::MISSED_REASON_OTHER);
  EXPECT_EQ(ValidateRecordVisit(done_with_reason, kToday).message(), "missed_reason: only with a missed visit");
}

TEST(DecideRecordVisitTest, TheAlertFiresOncePerRunAtTheThresholdAndReArmsAfterADoneVisit) {
  constexpr auto M = v1::VISIT_OUTCOME_MISSED;
  constexpr auto D = v1::VISIT_OUTCOME_DONE;
  struct Run {
    int threshold;
    std::vector<v1::VisitOutcome> visits;
    std::vector<int> streaks;
    std::vector<bool> alerts;
  };
  const std::vector<Run> runs = {
      {2, {M, M, M, M, D, M, M, D, D, M}, {1, 2, 3, 4, 0, 1, 2, 0, 0, 1}, {0, 1, 0, 0, 0, 0, 1, 0, 0, 0}},
      {1, {M, M, D, M, D, D}, {1, 2, 0, 1, 0, 0}, {1, 0, 0, 1, 0, 0}},
      {3, {M, M, D, M, M, M, M}, {1, 2, 0, 1, 2, 3, 4}, {0, 0, 0, 0, 0, 1, 0}},
  };
  for (const auto& run : runs) {
    HomeCareContext ctx = Ctx();
    ctx.missed_visits_alert_after = run.threshold;
    v1::Client client = Registered().client;
    for (size_t i = 0; i < run.visits.size(); ++i) {
      const std::string name = "threshold " + std::to_string(run.threshold) + ", visit " + std::to_string(i);
      EXPECT_EQ(MissedStreakAfter(client.consecutive_missed_visits(), run.visits[i]), run.streaks[i]) << name;
      EXPECT_EQ(RaisesMissedVisitsAlert(run.visits[i], run.streaks[i], run.threshold), run.alerts[i]) << name;
      VisitChange change = DecideRecordVisit(client, Visit(client.client_id(), run.visits[i]), ctx);
      EXPECT_EQ(change.streak, run.streaks[i]) << name;
      EXPECT_EQ(change.response.consecutive_missed(), run.streaks[i]) << name;
      EXPECT_EQ(change.response.alert_raised(), run.alerts[i]) << name;
      EXPECT_EQ(change.response.visit_id(), kNewId) << name;
      ASSERT_EQ(change.events.size(), run.alerts[i] ? 2u : 1u) << name;
      const auto* recorded = redis::EmittedAs<v1::VisitRecorded>(change.events, 0);
      ASSERT_NE(recorded, nullptr) << name;
      EXPECT_EQ(recorded->outcome(), run.visits[i]) << name;
      EXPECT_EQ(recorded->visit_id(), kNewId) << name;
      EXPECT_EQ(recorded->unit_id(), kUnit) << name;
      if (run.alerts[i]) {
        const auto* alert = redis::EmittedAs<v1::VisitsMissedAlert>(change.events, 1);
        ASSERT_NE(alert, nullptr) << name;
        EXPECT_EQ(alert->consecutive_missed(), run.streaks[i]) << name;
        EXPECT_EQ(alert->threshold(), run.threshold) << name;
        EXPECT_EQ(alert->unit_id(), kUnit) << name;
        EXPECT_EQ(alert->municipality_code(), "398") << name;
        EXPECT_EQ(alert->language(), common::v1::LANGUAGE_FI) << name;
        EXPECT_EQ(change.events[1].key, client.client_id()) << name;
      }
      client.set_consecutive_missed_visits(change.streak);
    }
  }
}

v1::Assessment WithScales(const std::string& id, std::optional<int> drs, int cps, int adl, int chess, int maple) {
  v1::Assessment a;
  a.set_assessment_id(id);
  if (drs) a.mutable_scales()->set_drs(*drs);
  a.mutable_scales()->set_cps(cps);
  a.mutable_scales()->set_adl_hierarchy(adl);
  a.mutable_scales()->set_chess(chess);
  a.mutable_scales()->set_maple(maple);
  return a;
}

TEST(AssessmentsNewestFirstTest, EachWithItsChangeSinceTheOneBefore) {
  EXPECT_EQ(AssessmentsNewestFirst({}).assessments_size(), 0);
  const std::vector<v1::Assessment> oldest_first = {
      WithScales("a1", 2, 1, 1, 0, 2), WithScales("a2", 5, 3, 2, 1, 4),
      WithScales("a3", std::nullopt, 6, 6, 2, 5),  // comatose: no DRS
  };
  v1::ListAssessmentsResponse list = AssessmentsNewestFirst(oldest_first);
  ASSERT_EQ(list.assessments_size(), 3);
  EXPECT_EQ(list.assessments(0).assessment().assessment_id(), "a3");
  EXPECT_EQ(list.assessments(2).assessment().assessment_id(), "a1");
  EXPECT_FALSE(list.assessments(2).has_previous());
  EXPECT_FALSE(list.assessments(2).has_change());

  const v1::RaiScales& to_a2 = list.assessments(1).change();
  EXPECT_TRUE(list.assessments(1).has_previous());
  EXPECT_EQ(to_a2.drs(), 3);
  EXPECT_EQ(to_a2.cps(), 2);
  EXPECT_EQ(to_a2.adl_hierarchy(), 1);
  EXPECT_EQ(to_a2.chess(), 1);
  EXPECT_EQ(to_a2.maple(), 2);
  // No DRS change where either assessment has none.
  const v1::RaiScales& to_a3 = list.assessments(0).change();
  EXPECT_FALSE(to_a3.has_drs());
  EXPECT_EQ(to_a3.cps(), 3);
  EXPECT_FALSE(Difference(oldest_first[0].scales(), oldest_first[2].scales()).has_drs());
  EXPECT_EQ(Difference(oldest_first[0].scales(), oldest_first[1].scales()).maple(), -2);
}

TEST(OutcomeOfTest, KeepsTheReferralsState) {
  referral::v1::ReferralStateChanged change;
  change.set_referral_id("ref-1");
  change.set_rule_id("homecare-drs-depression");
  change.set_need_code("mental-health");
  change.set_target_service(common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  change.set_state(referral::v1::REFERRAL_STATE_ACCEPTED);
  change.mutable_changed_at()->set_seconds(1'795'000'000);
  change.set_client_pseudonym(std::string(64, 'd'));
  v1::ReferralOutcome outcome = OutcomeOf(change);
  EXPECT_EQ(outcome.referral_id(), "ref-1");
  EXPECT_EQ(outcome.rule_id(), "homecare-drs-depression");
  EXPECT_EQ(outcome.need_code(), "mental-health");
  EXPECT_EQ(outcome.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(outcome.state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(outcome.updated_at().seconds(), 1'795'000'000);
}

TEST(OutcomeOfTest, CarriesTheUnitAndHowItEnded) {
  referral::v1::ReferralStateChanged change;
  change.set_referral_id("ref-2");
  change.set_state(referral::v1::REFERRAL_STATE_COMPLETED);
  change.set_unit_id("ph-mh-lahti-matala");
  change.set_language_unmet(true);
  change.mutable_outcome()->set_result(referral::v1::OUTCOME_RESULT_COULD_NOT_HELP);
  change.mutable_outcome()->set_reason(referral::v1::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);
  v1::ReferralOutcome outcome = OutcomeOf(change);
  EXPECT_EQ(outcome.unit_id(), "ph-mh-lahti-matala");
  EXPECT_TRUE(outcome.language_unmet());
  EXPECT_EQ(outcome.outcome().result(), referral::v1::OUTCOME_RESULT_COULD_NOT_HELP);
  EXPECT_EQ(outcome.outcome().reason(), referral::v1::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);
}

}  // namespace
}  // namespace yhteys::homecare
