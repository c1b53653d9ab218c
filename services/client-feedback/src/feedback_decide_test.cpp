// Table tests of the client-feedback decisions: no Redis, no gRPC, no clock.
#include "feedback_decide.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "aggregate_codec.hpp"
#include "alert_thresholds.hpp"
#include "test_units.hpp"

namespace yhteys::feedback {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year(2026), month(11), day(26)};
const std::string kUnit = "fc-lahti-1";
const std::string kService = "family-work";
const std::string kNewId(32, 'a');

const UnitCatalog& Units() {
  static const auto* units = new UnitCatalog(*ParseUnits(kTestUnitsYaml));
  return *units;
}

FeedbackContext Ctx() {
  FeedbackContext ctx;
  ctx.today = kToday;
  ctx.now.set_seconds(1'795'000'000);
  ctx.now.set_nanos(123);
  ctx.new_id = kNewId;
  ctx.units = &Units();
  ctx.free_text_max_chars = 10;
  // The shipped defaults: NPS below 0, a statement mean below 3.0.
  ctx.thresholds = *ParseAlertThresholds("0", "3.0", kStatementCount);
  return ctx;
}

// Expects `status` to have `code` and a message starting with `prefix`
// (equal to it when `exact`).
void ExpectError(const absl::Status& status, absl::StatusCode code, const std::string& prefix, const std::string& name,
                 bool exact = false) {
  EXPECT_EQ(status.code(), code) << name << ": " << status;
  if (exact) {
    EXPECT_EQ(status.message(), prefix) << name;
  } else {
    EXPECT_EQ(status.message().rfind(prefix, 0), 0u) << name << ": " << status;
  }
}

// --- IssueFeedbackToken ---------------------------------------------------

v1::IssueFeedbackTokenRequest ValidIssue() {
  v1::IssueFeedbackTokenRequest r;
  r.set_unit_id(kUnit);
  r.set_referral_id("ref-0001");
  return r;
}

TEST(DecideIssueFeedbackTokenTest, RefusesEachBadFieldByName) {
  struct Case {
    const char* name;
    std::function<void(v1::IssueFeedbackTokenRequest&)> spoil;
    const char* message;
    bool exact;
  };
  const std::vector<Case> cases = {
      {"no unit", [](auto& r) { r.clear_unit_id(); }, "unit_id: required", true},
      {"bad unit id", [](auto& r) { r.set_unit_id("fc lahti"); }, "unit_id: ", false},
      {"unknown unit", [](auto& r) { r.set_unit_id("fc-nowhere-1"); }, "unit_id: unknown unit", true},
      {"no subject", [](auto& r) { r.clear_subject(); }, "referral_id: required (or visit_id)", true},
      {"empty referral", [](auto& r) { r.set_referral_id(""); }, "referral_id: required", true},
      {"bad referral", [](auto& r) { r.set_referral_id("ref 1"); }, "referral_id: ", false},
      {"long visit", [](auto& r) { r.set_visit_id(std::string(65, 'v')); }, "visit_id: longer than 64", false},
  };
  for (const auto& c : cases) {
    v1::IssueFeedbackTokenRequest request = ValidIssue();
    c.spoil(request);
    ExpectError(DecideIssueFeedbackToken(request, Ctx()).status(), absl::StatusCode::kInvalidArgument, c.message,
                c.name, c.exact);
  }
}

TEST(DecideIssueFeedbackTokenTest, IssuesTheNewIdForTheSubjectUntilExpiry) {
  struct Case {
    const char* name;
    std::function<void(v1::IssueFeedbackTokenRequest&)> subject;
    const char* field;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"referral", [](auto& r) { r.set_referral_id("ref-0001"); }, "referral_id", "ref-0001"},
      {"visit", [](auto& r) { r.set_visit_id("visit-42"); }, "visit_id", "visit-42"},
  };
  for (const auto& c : cases) {
    v1::IssueFeedbackTokenRequest request = ValidIssue();
    c.subject(request);
    FeedbackContext ctx = Ctx();
    ctx.token_expiry = std::chrono::hours(2);
    auto issue = DecideIssueFeedbackToken(request, ctx);
    ASSERT_TRUE(issue.ok()) << c.name << ": " << issue.status();
    EXPECT_EQ(issue->token.token(), kNewId) << c.name;
    EXPECT_EQ(issue->token.unit_id(), kUnit) << c.name;
    EXPECT_EQ(issue->token.expires_at().seconds(), ctx.now.seconds() + 2 * 3600) << c.name;
    EXPECT_EQ(issue->token.expires_at().nanos(), ctx.now.nanos()) << c.name;
    EXPECT_EQ(issue->subject_field, c.field) << c.name;
    EXPECT_EQ(issue->subject, c.value) << c.name;
    EXPECT_EQ(issue->token.referral_id(), request.referral_id()) << c.name;
    EXPECT_EQ(issue->token.visit_id(), request.visit_id()) << c.name;
  }
}

// --- SubmitFeedback: validation -----------------------------------------

v1::SubmitFeedbackRequest ValidSubmit() {
  v1::SubmitFeedbackRequest r;
  r.set_unit_id(kUnit);
  r.set_service(kService);
  r.set_channel(v1::FEEDBACK_CHANNEL_WEB);
  r.set_nps(9);
  auto* s = r.add_statements();
  s->set_statement(v1::STATEMENT_LISTENED_TO);
  s->set_value(4);
  return r;
}

void AddStatement(v1::SubmitFeedbackRequest& r, v1::Statement statement, int value) {
  auto* s = r.add_statements();
  s->set_statement(statement);
  s->set_value(value);
}

TEST(ValidateSubmitFeedbackTest, RefusesEachBadFieldByName) {
  struct Case {
    const char* name;
    std::function<void(v1::SubmitFeedbackRequest&)> spoil;
    const char* message;
    bool exact;
  };
  const std::vector<Case> cases = {
      {"no unit", [](auto& r) { r.clear_unit_id(); }, "unit_id: required", true},
      {"unknown unit", [](auto& r) { r.set_unit_id("fc-nowhere-1"); }, "unit_id: unknown unit", true},
      {"no service", [](auto& r) { r.clear_service(); }, "service: required", true},
      {"bad service", [](auto& r) { r.set_service("family work"); }, "service: ", false},
      {"service elsewhere", [](auto& r) { r.set_service("home-care-visits"); }, "service: not offered by this unit",
       true},
      {"no channel", [](auto& r) { r.set_channel(v1::FEEDBACK_CHANNEL_UNSPECIFIED); }, "channel: required", true},
      {"unknown channel", [](auto& r) { r.set_channel(static_cast<v1::FeedbackChannel>(99)); },
       "channel: unknown value", true},
      {"nine statements",
       [](auto& r) {
         r.clear_statements();
         for (int i = 0; i < 9; ++i) AddStatement(r, v1::STATEMENT_FELT_SAFE, 3);
       },
       "statements: at most 8 statements", true},
      {"no statement", [](auto& r) { r.mutable_statements(0)->set_statement(v1::STATEMENT_UNSPECIFIED); },
       "statements[0].statement: required", true},
      {"unknown statement", [](auto& r) { AddStatement(r, static_cast<v1::Statement>(9), 3); },
       "statements[1].statement: unknown value", true},
      {"statement twice", [](auto& r) { AddStatement(r, v1::STATEMENT_LISTENED_TO, 3); },
       "statements[1].statement: answered more than once", true},
      {"value 0", [](auto& r) { r.mutable_statements(0)->set_value(0); }, "statements[0].value: must be 1-5", true},
      {"value 6", [](auto& r) { r.mutable_statements(0)->set_value(6); }, "statements[0].value: must be 1-5", true},
      {"nps 11", [](auto& r) { r.set_nps(11); }, "nps: must be 0-10", true},
      {"nps -1", [](auto& r) { r.set_nps(-1); }, "nps: must be 0-10", true},
      {"nothing answered",
       [](auto& r) {
         r.clear_statements();
         r.clear_nps();
       },
       "statements: at least one statement or nps is required", true},
      {"long free text", [](auto& r) { r.set_free_text(std::string(11, 'x')); }, "free_text: longer than 10 characters",
       true},
      {"control character", [](auto& r) { r.set_free_text("a\x01"); }, "free_text: contains control characters", true},
      {"short token", [](auto& r) { r.set_feedback_token("abc"); }, "feedback_token: not a feedback token", true},
      {"upper-case token", [](auto& r) { r.set_feedback_token(std::string(32, 'A')); },
       "feedback_token: not a feedback token", true},
      {"token not hex", [](auto& r) { r.set_feedback_token(std::string(32, 'g')); },
       "feedback_token: not a feedback token", true},
  };
  for (const auto& c : cases) {
    v1::SubmitFeedbackRequest request = ValidSubmit();
    c.spoil(request);
    ExpectError(ValidateSubmitFeedback(request, Ctx()).status(), absl::StatusCode::kInvalidArgument, c.message, c.name,
                c.exact);
  }
}

TEST(ValidateSubmitFeedbackTest, FoldsTheAnswerIntoCounters) {
  v1::SubmitFeedbackRequest request = ValidSubmit();
  AddStatement(request, v1::STATEMENT_TIMELY_ACCESS, 2);
  request.set_feedback_token(std::string(32, 'f'));
  // Characters, not bytes, are limited: ten two-byte letters are fine, eleven characters are not.
  std::string text;
  for (int i = 0; i < 10; ++i) text += "ä";
  request.set_free_text(text + "\n");
  EXPECT_EQ(ValidateSubmitFeedback(request, Ctx()).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_free_text(text);
  auto submission = ValidateSubmitFeedback(request, Ctx());
  ASSERT_TRUE(submission.ok()) << submission.status();
  EXPECT_EQ(submission->unit, Units().Find(kUnit));
  const Aggregate& added = submission->added;
  EXPECT_EQ(added.n, 1);
  ASSERT_EQ(added.statements.size(), static_cast<size_t>(kStatementCount));
  EXPECT_EQ(added.statements[v1::STATEMENT_LISTENED_TO - 1].sum, 4);
  EXPECT_EQ(added.statements[v1::STATEMENT_TIMELY_ACCESS - 1].sum, 2);
  EXPECT_EQ(added.statements[v1::STATEMENT_FELT_SAFE - 1].count, 0);
  EXPECT_EQ(added.nps_count, 1);
  EXPECT_EQ(added.promoters, 1);
  EXPECT_EQ(added.detractors, 0);
}

// --- SubmitFeedback: the decision ---------------------------------------

// An aggregate of `count` answers of NPS `nps` (if >= 0) and "help for my
// need" `value` (if > 0).
Aggregate Answers(int count, int nps, int value) {
  Aggregate aggregate = NewAggregate(kStatementCount);
  for (int i = 0; i < count; ++i) {
    Answer answer;
    if (nps >= 0) answer.nps = nps;
    if (value > 0) answer.statements.push_back({v1::STATEMENT_HELP_FOR_MY_NEED - 1, value});
    EXPECT_FALSE(AddAnswer(aggregate, answer).has_value());
  }
  return aggregate;
}

Aggregate Merged(Aggregate a, const Aggregate& b) {
  Merge(a, b);
  return a;
}

Submission SubmissionOf(int nps, int value) { return {Units().Find(kUnit), Answers(1, nps, value)}; }

TEST(DecideSubmitFeedbackTest, AnswersAndReportsTheAnswerWithoutItsValues) {
  v1::SubmitFeedbackRequest request = ValidSubmit();
  request.set_free_text("kiitos");
  auto change = DecideSubmitFeedback(request, SubmissionOf(9, 4), AlertWindow{}, Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(change->response.feedback_id(), "fb-" + kNewId);
  EXPECT_EQ(change->response.received_on(), "2026-11-26");
  EXPECT_TRUE(change->response.free_text_stored());
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(change->events[0].key, kUnit);
  const auto* received = redis::EmittedAs<v1::FeedbackReceived>(change->events);
  ASSERT_NE(received, nullptr);
  EXPECT_EQ(received->feedback_id(), change->response.feedback_id());
  EXPECT_EQ(received->unit_id(), kUnit);
  EXPECT_EQ(received->service(), kService);
  EXPECT_EQ(received->channel(), v1::FEEDBACK_CHANNEL_WEB);
  EXPECT_TRUE(received->has_free_text());
  // Nothing of the answer travels: no free text, no values.
  EXPECT_EQ(received->SerializeAsString().find("kiitos"), std::string::npos);

  request.clear_free_text();
  auto without_text = DecideSubmitFeedback(request, SubmissionOf(9, 4), AlertWindow{}, Ctx());
  ASSERT_TRUE(without_text.ok());
  EXPECT_FALSE(without_text->response.free_text_stored());
  EXPECT_FALSE(redis::EmittedAs<v1::FeedbackReceived>(without_text->events)->has_free_text());
}

TEST(DecideSubmitFeedbackTest, AlertsOncePerCrossingOfTheRollingWindow) {
  using M = MetricState;
  struct Case {
    const char* name;
    Aggregate window;  // the rolling window before this answer
    CrossingState state;
    Submission answer;
    std::vector<v1::AlertMetric> alerts;  // in order
    std::string next;                     // EncodeCrossingState: NPS, then the 8 statements
  };
  const std::vector<Case> cases = {
      // Under min_group_size nothing is evaluated: the state stays as it was.
      {"suppressed", Answers(3, 0, 1), {M::kUnknown, {}}, SubmissionOf(0, 1), {}, "U"},
      {"suppressed keeps below", Answers(3, 0, 1), {M::kBelow, {}}, SubmissionOf(10, 5), {}, "B"},
      // The fifth answer shows the window and carries both alerts.
      {"fifth answer crosses",
       Answers(4, 0, 1),
       {},
       SubmissionOf(0, 1),
       {v1::ALERT_METRIC_NPS, v1::ALERT_METRIC_STATEMENT_MEAN},
       "BUUUUUUBU"},
      {"nps only", Answers(4, 0, 5), {}, SubmissionOf(0, 5), {v1::ALERT_METRIC_NPS}, "BUUUUUUAU"},
      {"statement only", Answers(4, 10, 2), {}, SubmissionOf(10, 2), {v1::ALERT_METRIC_STATEMENT_MEAN}, "AUUUUUUBU"},
      // At the threshold is not below.
      {"at the thresholds", Merged(Answers(3, 10, 3), Answers(2, 0, 3)), {}, SubmissionOf(0, 3), {}, "AUUUUUUAU"},
      // Once below, no second alert until recovered.
      {"still below",
       Answers(5, 0, 1),
       {M::kBelow, {M::kUnknown, M::kUnknown, M::kUnknown, M::kUnknown, M::kUnknown, M::kUnknown, M::kBelow}},
       SubmissionOf(0, 1),
       {},
       "BUUUUUUBU"},
      {"recovered", Answers(5, 10, 5), {M::kBelow, {}}, SubmissionOf(10, 5), {}, "AUUUUUUAU"},
      {"crosses again after re-arming",
       Answers(5, 0, 5),
       {M::kAtOrAbove, {}},
       SubmissionOf(0, 5),
       {v1::ALERT_METRIC_NPS},
       "BUUUUUUAU"},
  };
  for (const auto& c : cases) {
    auto change = DecideSubmitFeedback(ValidSubmit(), c.answer, AlertWindow{c.state, c.window}, Ctx());
    ASSERT_TRUE(change.ok()) << c.name << ": " << change.status();
    ASSERT_EQ(change->events.size(), 1 + c.alerts.size()) << c.name;
    ASSERT_NE(redis::EmittedAs<v1::FeedbackReceived>(change->events, 0), nullptr) << c.name;
    for (size_t i = 0; i < c.alerts.size(); ++i) {
      const auto* alert = redis::EmittedAs<v1::UnitFeedbackAlert>(change->events, i + 1);
      ASSERT_NE(alert, nullptr) << c.name;
      EXPECT_EQ(alert->metric(), c.alerts[i]) << c.name;
      EXPECT_EQ(change->events[i + 1].key, kUnit) << c.name;
    }
    EXPECT_EQ(EncodeCrossingState(change->next), c.next) << c.name;
  }
}

TEST(DecideSubmitFeedbackTest, AnAlertCarriesTheWindowAndTheUnitsRegion) {
  FeedbackContext ctx = Ctx();
  ctx.rolling_window_days = 7;
  auto change = DecideSubmitFeedback(ValidSubmit(), SubmissionOf(0, 1), AlertWindow{{}, Answers(4, 0, 1)}, ctx);
  ASSERT_TRUE(change.ok()) << change.status();
  ASSERT_EQ(change->events.size(), 3u);
  const auto* nps = redis::EmittedAs<v1::UnitFeedbackAlert>(change->events, 1);
  const auto* mean = redis::EmittedAs<v1::UnitFeedbackAlert>(change->events, 2);
  ASSERT_NE(nps, nullptr);
  ASSERT_NE(mean, nullptr);
  EXPECT_DOUBLE_EQ(nps->value(), -100.0);
  EXPECT_DOUBLE_EQ(nps->threshold(), 0.0);
  EXPECT_EQ(mean->statement(), v1::STATEMENT_HELP_FOR_MY_NEED);
  EXPECT_DOUBLE_EQ(mean->value(), 1.0);
  EXPECT_DOUBLE_EQ(mean->threshold(), 3.0);
  for (const auto* alert : {nps, mean}) {
    EXPECT_EQ(alert->unit_id(), kUnit);
    EXPECT_EQ(alert->period_from(), "2026-11-20");
    EXPECT_EQ(alert->period_to(), "2026-11-26");
    EXPECT_EQ(alert->period_days(), 7);
    EXPECT_EQ(alert->n(), 5);
    EXPECT_EQ(alert->county(), "paijat-hame");
    EXPECT_EQ(alert->municipality_code(), "398");
  }
}

TEST(DecideSubmitFeedbackTest, RollingWindowEndsToday) {
  FeedbackContext ctx = Ctx();
  for (int window_days : {1, 30, 366}) {
    ctx.rolling_window_days = window_days;
    const Period period = RollingWindow(ctx);
    EXPECT_EQ(period.to, sys_days(kToday));
    EXPECT_EQ((period.to - period.from).count() + 1, window_days);
  }
}

// --- GetUnitSummary -------------------------------------------------------

TEST(ValidateGetUnitSummaryTest, PeriodsAndRefusals) {
  struct Case {
    const char* name;
    std::string from_date;
    std::string to_date;
    std::string service;
    std::string error;  // "" for a valid request
    std::string from;   // the period when valid
    std::string to;
  };
  const std::vector<Case> cases = {
      {"default: 30 days to today", "", "", "", "", "2026-10-28", "2026-11-26"},
      {"30 days to to_date", "", "2026-02-10", "", "", "2026-01-12", "2026-02-10"},
      {"from_date to today", "2026-11-01", "", kService, "", "2026-11-01", "2026-11-26"},
      {"one day", "2026-05-05", "2026-05-05", "", "", "2026-05-05", "2026-05-05"},
      {"366 days", "2025-01-01", "2026-01-01", "", "", "2025-01-01", "2026-01-01"},
      {"367 days", "2024-12-31", "2026-01-01", "", "from_date: the period is longer than 366 days", "", ""},
      {"from after to", "2026-05-06", "2026-05-05", "", "from_date: after to_date", "", ""},
      {"bad to_date", "", "2026-13-01", "", "to_date: must be a date YYYY-MM-DD", "", ""},
      {"bad from_date", "26.11.2026", "", "", "from_date: must be a date YYYY-MM-DD", "", ""},
      {"service elsewhere", "", "", "home-care-visits", "service: not offered by this unit", "", ""},
      {"bad service", "", "", "a b", "service: only letters, digits and . _ : - are allowed", "", ""},
  };
  for (const auto& c : cases) {
    v1::GetUnitSummaryRequest request;
    request.set_unit_id(kUnit);
    request.set_from_date(c.from_date);
    request.set_to_date(c.to_date);
    request.set_service(c.service);
    auto query = ValidateGetUnitSummary(request, Ctx());
    if (!c.error.empty()) {
      ExpectError(query.status(), absl::StatusCode::kInvalidArgument, c.error, c.name, true);
      continue;
    }
    ASSERT_TRUE(query.ok()) << c.name << ": " << query.status();
    EXPECT_EQ(query->unit, Units().Find(kUnit)) << c.name;
    v1::UnitSummary summary = SummaryOf(request, *query, NewAggregate(kStatementCount), Ctx());
    EXPECT_EQ(summary.from_date(), c.from) << c.name;
    EXPECT_EQ(summary.to_date(), c.to) << c.name;
  }
  v1::GetUnitSummaryRequest unknown;
  unknown.set_unit_id("fc-nowhere-1");
  ExpectError(ValidateGetUnitSummary(unknown, Ctx()).status(), absl::StatusCode::kInvalidArgument,
              "unit_id: unknown unit", "unknown unit", true);
}

TEST(SummaryOfTest, ShowsOnlyNUnderTheGroupSizeAndEachMetricFromItsOwnCount) {
  v1::GetUnitSummaryRequest request;
  request.set_unit_id(kUnit);
  request.set_service(kService);
  const FeedbackContext ctx = Ctx();
  auto query = ValidateGetUnitSummary(request, ctx);
  ASSERT_TRUE(query.ok()) << query.status();

  v1::UnitSummary hidden = SummaryOf(request, *query, Answers(4, 10, 5), ctx);
  EXPECT_EQ(hidden.unit_id(), kUnit);
  EXPECT_EQ(hidden.service(), kService);
  EXPECT_EQ(hidden.n(), 4);
  EXPECT_TRUE(hidden.suppressed());
  EXPECT_EQ(hidden.min_group_size(), 5);
  EXPECT_EQ(hidden.statement_means_size(), 0);
  EXPECT_FALSE(hidden.has_nps());
  EXPECT_EQ(hidden.nps_answers(), 0);

  // Five NPS answers, only four of them with a statement; a statement
  // beyond the enum (stored by a newer writer) is left out.
  Aggregate aggregate = Answers(4, 10, 2);
  Merge(aggregate, Answers(1, 0, 0));
  aggregate.statements.resize(kStatementCount + 1);
  aggregate.statements[kStatementCount] = {5, 25};
  v1::UnitSummary shown = SummaryOf(request, *query, aggregate, ctx);
  EXPECT_EQ(shown.n(), 5);
  EXPECT_FALSE(shown.suppressed());
  EXPECT_EQ(shown.statement_means_size(), 0);
  ASSERT_TRUE(shown.has_nps());
  EXPECT_DOUBLE_EQ(shown.nps(), 60.0);
  EXPECT_EQ(shown.nps_answers(), 5);

  Merge(aggregate, Answers(1, -1, 4));
  shown = SummaryOf(request, *query, aggregate, ctx);
  ASSERT_EQ(shown.statement_means_size(), 1);
  EXPECT_EQ(shown.statement_means(0).statement(), v1::STATEMENT_HELP_FOR_MY_NEED);
  EXPECT_DOUBLE_EQ(shown.statement_means(0).mean(), 12.0 / 5);
  EXPECT_EQ(shown.statement_means(0).answers(), 5);
}

// --- Settings -------------------------------------------------------------

TEST(CheckSettingsTest, NamesTheKeyOutOfRange) {
  struct Case {
    std::function<void(FeedbackSettings&)> spoil;
    const char* message;
  };
  const std::vector<Case> cases = {
      {[](auto& s) { s.token_expiry = std::chrono::hours(0); },
       "config key feedback.token_expiry_hours: must be between 1 and 8784"},
      {[](auto& s) { s.free_text_retention = days(3661); },
       "config key feedback.free_text_retention_days: must be between 1 and 3660"},
      {[](auto& s) { s.free_text_max_chars = 10001; },
       "config key feedback.free_text_max_chars: must be between 1 and 10000"},
      {[](auto& s) { s.min_group_size = 4; }, "config key feedback.min_group_size: must be between 5 and 1000"},
      {[](auto& s) { s.rolling_window_days = 367; },
       "config key feedback.rolling_window_days: must be between 1 and 366"},
      {[](auto& s) { s.aggregate_retention = days(365); },
       "config key feedback.aggregate_retention_days: must be between 366 and 3660"},
  };
  EXPECT_TRUE(CheckSettings(FeedbackSettings()).ok());
  for (const auto& c : cases) {
    FeedbackSettings settings;
    c.spoil(settings);
    ExpectError(CheckSettings(settings), absl::StatusCode::kInvalidArgument, c.message, c.message, true);
  }
}

}  // namespace
}  // namespace yhteys::feedback
