#include "feedback_decide.hpp"

#include <optional>
#include <string_view>

#include "absl/strings/numbers.h"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::feedback {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// The default period of a summary: the 30 days ending on to_date.
constexpr int kDefaultSummaryDays = 30;

std::string Date(sys_days day) { return calendar::FormatDate(std::chrono::year_month_day(day)); }

// UTF-8 code points (protobuf has checked that the string is valid UTF-8).
size_t CharacterCount(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status ValidateFreeText(std::string_view text, int max_chars) {
  if (text.empty()) return absl::OkStatus();
  if (CharacterCount(text) > static_cast<size_t>(max_chars)) {
    return absl::InvalidArgumentError("free_text: longer than " + std::to_string(max_chars) + " characters");
  }
  // Control characters; the byte bound cannot bite after the count above.
  return validate::Text("free_text", text, 4 * static_cast<size_t>(max_chars), false);
}

absl::Status ValidateService(const Unit& unit, std::string_view service) {
  if (auto st = validate::Identifier("service", service); !st.ok()) return st;
  if (!unit.Offers(service)) return absl::InvalidArgumentError("service: not offered by this unit");
  return absl::OkStatus();
}

absl::StatusOr<Answer> AnswerOf(const v1::SubmitFeedbackRequest& request) {
  if (request.statements_size() > kStatementCount) {
    return absl::InvalidArgumentError("statements: at most " + std::to_string(kStatementCount) + " statements");
  }
  Answer answer;
  for (int i = 0; i < request.statements_size(); ++i) {
    const v1::StatementAnswer& s = request.statements(i);
    const std::string field = "statements[" + std::to_string(i) + "].statement";
    if (auto st = validate::EnumSet(field, s.statement(), &v1::Statement_IsValid); !st.ok()) return st;
    answer.statements.push_back({s.statement() - 1, s.value()});
  }
  if (request.has_nps()) answer.nps = request.nps();
  if (auto error = ValidateAnswer(answer, kStatementCount)) return absl::InvalidArgumentError(*error);
  return answer;
}

// "statement_means[3]" (EvaluateAlert's name of a crossed metric) -> 3.
std::optional<int> CrossedStatementIndex(std::string_view metric) {
  constexpr std::string_view kPrefix = "statement_means[";
  if (!metric.starts_with(kPrefix) || !metric.ends_with("]")) return std::nullopt;
  int index = 0;
  const std::string_view digits = metric.substr(kPrefix.size(), metric.size() - kPrefix.size() - 1);
  if (!absl::SimpleAtoi(std::string(digits), &index)) return std::nullopt;
  return index;
}

absl::Status InRange(const char* key, int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string("config key ") + key + ": must be between " + std::to_string(min) +
                                    " and " + std::to_string(max));
}

absl::StatusOr<sys_days> DateField(const std::string& text, const char* field) {
  auto parsed = calendar::ParseDate(text);
  if (!parsed.ok()) return absl::InvalidArgumentError(std::string(field) + ": must be a date YYYY-MM-DD");
  return sys_days(*parsed);
}

}  // namespace

absl::Status CheckSettings(const FeedbackSettings& s) {
  for (const absl::Status& st : {
           InRange("feedback.token_expiry_hours", s.token_expiry.count(), 1, 24 * 366),
           InRange("feedback.free_text_retention_days", s.free_text_retention.count(), 1, 3660),
           InRange("feedback.free_text_max_chars", s.free_text_max_chars, 1, 10000),
           // Below 5 a single answer could be recognised (domain: no single answer identifiable).
           InRange("feedback.min_group_size", s.min_group_size, 5, 1000),
           InRange("feedback.rolling_window_days", s.rolling_window_days, 1, kMaxPeriodDays),
           // A summary may cover 366 days; shorter retention would make it silently partial.
           InRange("feedback.aggregate_retention_days", s.aggregate_retention.count(), kMaxPeriodDays, 3660),
       }) {
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<const Unit*> FindUnit(const UnitCatalog& units, const std::string& unit_id) {
  if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  const Unit* unit = units.Find(unit_id);
  if (unit == nullptr) return absl::InvalidArgumentError("unit_id: unknown unit");
  return unit;
}

absl::StatusOr<TokenIssue> DecideIssueFeedbackToken(const v1::IssueFeedbackTokenRequest& request,
                                                    const FeedbackContext& ctx) {
  auto unit = FindUnit(*ctx.units, request.unit_id());
  if (!unit.ok()) return unit.status();
  TokenIssue issue;
  switch (request.subject_case()) {
    case v1::IssueFeedbackTokenRequest::kReferralId:
      issue.subject_field = "referral_id";
      issue.subject = request.referral_id();
      break;
    case v1::IssueFeedbackTokenRequest::kVisitId:
      issue.subject_field = "visit_id";
      issue.subject = request.visit_id();
      break;
    default: return absl::InvalidArgumentError("referral_id: required (or visit_id)");
  }
  if (auto st = validate::Identifier(issue.subject_field, issue.subject); !st.ok()) return st;

  v1::FeedbackToken& token = issue.token;
  token.set_token(ctx.new_id);
  token.set_unit_id(request.unit_id());
  *token.mutable_expires_at() = ctx.now;
  token.mutable_expires_at()->set_seconds(ctx.now.seconds() + std::chrono::seconds(ctx.token_expiry).count());
  if (request.subject_case() == v1::IssueFeedbackTokenRequest::kReferralId) {
    token.set_referral_id(issue.subject);
  } else {
    token.set_visit_id(issue.subject);
  }
  return issue;
}

absl::StatusOr<Submission> ValidateSubmitFeedback(const v1::SubmitFeedbackRequest& request,
                                                  const FeedbackContext& ctx) {
  auto unit = FindUnit(*ctx.units, request.unit_id());
  if (!unit.ok()) return unit.status();
  if (auto st = ValidateService(**unit, request.service()); !st.ok()) return st;
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::FeedbackChannel_IsValid); !st.ok()) return st;
  auto answer = AnswerOf(request);
  if (!answer.ok()) return answer.status();
  if (auto st = ValidateFreeText(request.free_text(), ctx.free_text_max_chars); !st.ok()) return st;
  const std::string& token = request.feedback_token();
  if (!token.empty() && (token.size() != kTokenChars || !ids::IsLowerHex(token))) {
    return absl::InvalidArgumentError("feedback_token: not a feedback token");
  }
  Submission submission{*unit, NewAggregate(kStatementCount)};
  if (auto error = AddAnswer(submission.added, *answer)) return absl::InvalidArgumentError(*error);
  return submission;
}

Period RollingWindow(const FeedbackContext& ctx) {
  const sys_days today(ctx.today);
  return {today - days(ctx.rolling_window_days - 1), today};
}

absl::StatusOr<SubmissionChange> DecideSubmitFeedback(const v1::SubmitFeedbackRequest& request,
                                                      const Submission& submission, const AlertWindow& window,
                                                      const FeedbackContext& ctx) {
  const Unit& unit = *submission.unit;
  Aggregate rolling = window.aggregate;
  Merge(rolling, submission.added);
  const Summary summary = Summarise(rolling, ctx.min_group_size);
  AlertDecision decision = EvaluateAlert(window.state, summary, ctx.thresholds);
  const Period period = RollingWindow(ctx);

  SubmissionChange change;
  v1::SubmitFeedbackResponse& response = change.response;
  response.set_feedback_id("fb-" + ctx.new_id);
  response.set_received_on(Date(period.to));
  response.set_free_text_stored(!request.free_text().empty());

  // Feedback has no client: the unit keys the partition and is the subject.
  v1::FeedbackReceived received;
  received.set_feedback_id(response.feedback_id());
  received.set_unit_id(unit.id);
  received.set_service(request.service());
  received.set_channel(request.channel());
  received.set_has_free_text(!request.free_text().empty());
  change.events.push_back(redis::Emit(std::move(received), unit.id));

  for (const std::string& metric : decision.crossed) {
    v1::UnitFeedbackAlert alert;
    alert.set_unit_id(unit.id);
    if (metric == "nps") {
      alert.set_metric(v1::ALERT_METRIC_NPS);
      alert.set_value(summary.nps.value_or(0));
      alert.set_threshold(ctx.thresholds.nps.value_or(0));
    } else if (auto index = CrossedStatementIndex(metric)) {
      alert.set_metric(v1::ALERT_METRIC_STATEMENT_MEAN);
      alert.set_statement(static_cast<v1::Statement>(*index + 1));
      alert.set_value(summary.statement_means.at(*index).value_or(0));
      alert.set_threshold(ctx.thresholds.statement_means.at(*index).value_or(0));
    } else {
      return absl::InternalError("unknown alert metric");
    }
    alert.set_period_from(Date(period.from));
    alert.set_period_to(Date(period.to));
    alert.set_period_days(ctx.rolling_window_days);
    alert.set_n(summary.n);
    alert.set_county(unit.county);
    alert.set_municipality_code(unit.municipality_code);
    change.events.push_back(redis::Emit(std::move(alert), unit.id));
  }
  change.next = std::move(decision.next);
  return change;
}

absl::StatusOr<SummaryQuery> ValidateGetUnitSummary(const v1::GetUnitSummaryRequest& request,
                                                    const FeedbackContext& ctx) {
  auto unit = FindUnit(*ctx.units, request.unit_id());
  if (!unit.ok()) return unit.status();
  if (!request.service().empty()) {
    if (auto st = ValidateService(**unit, request.service()); !st.ok()) return st;
  }
  SummaryQuery query{*unit, {}};
  Period& period = query.period;
  period.to = sys_days(ctx.today);
  if (!request.to_date().empty()) {
    auto to = DateField(request.to_date(), "to_date");
    if (!to.ok()) return to.status();
    period.to = *to;
  }
  period.from = period.to - days(kDefaultSummaryDays - 1);
  if (!request.from_date().empty()) {
    auto from = DateField(request.from_date(), "from_date");
    if (!from.ok()) return from.status();
    period.from = *from;
  }
  if (period.from > period.to) return absl::InvalidArgumentError("from_date: after to_date");
  if ((period.to - period.from).count() + 1 > kMaxPeriodDays) {
    return absl::InvalidArgumentError("from_date: the period is longer than " + std::to_string(kMaxPeriodDays) +
                                      " days");
  }
  return query;
}

v1::UnitSummary SummaryOf(const v1::GetUnitSummaryRequest& request, const SummaryQuery& query,
                          const Aggregate& aggregate, const FeedbackContext& ctx) {
  const Summary summary = Summarise(aggregate, ctx.min_group_size);
  v1::UnitSummary out;
  out.set_unit_id(request.unit_id());
  out.set_from_date(Date(query.period.from));
  out.set_to_date(Date(query.period.to));
  out.set_service(request.service());
  out.set_n(summary.n);
  out.set_suppressed(summary.suppressed);
  out.set_min_group_size(ctx.min_group_size);
  if (summary.suppressed) return out;
  for (size_t i = 0; i < summary.statement_means.size(); ++i) {
    const int statement = static_cast<int>(i) + 1;
    if (!summary.statement_means[i] || !v1::Statement_IsValid(statement)) continue;
    auto* mean = out.add_statement_means();
    mean->set_statement(static_cast<v1::Statement>(statement));
    mean->set_mean(*summary.statement_means[i]);
    mean->set_answers(aggregate.statements[i].count);
  }
  if (summary.nps) out.set_nps(*summary.nps);
  out.set_nps_answers(aggregate.nps_count);
  return out;
}

}  // namespace yhteys::feedback
