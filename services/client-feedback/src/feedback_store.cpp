#include "feedback_store.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "aggregate_codec.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/feedback/v1/client_feedback_events.pb.h"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::feedback {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Concurrent answers to one unit conflict on its alert version; each retry
// re-reads the window, so a handful is plenty before telling the caller.
constexpr int kMaxAttempts = 8;
constexpr size_t kTokenChars = 32;

std::string Date(sys_days day) { return calendar::FormatDate(std::chrono::year_month_day(day)); }

// '/' never occurs in a unit id, a date or a service (identifiers), so the
// parts cannot run into each other.
std::string DayKey(const std::string& unit_id, sys_days day, const std::string& service) {
  std::string key = "agg:" + unit_id + "/" + Date(day);
  if (!service.empty()) key += "/" + service;
  return key;
}
std::string AlertKey(const std::string& unit_id) { return "alert:" + unit_id; }
std::string TokenKey(const std::string& token) { return "token:" + token; }
std::string TextKey(const std::string& feedback_id) { return "text:" + feedback_id; }

// A token or id no one can guess: kTokenChars hex characters from OpenSSL's CSPRNG.
std::string RandomHex() { return ids::RandomHex(kTokenChars / 2); }

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

// HGETALL's reply as field/value pairs.
absl::StatusOr<HashFields> FieldsOf(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_ERROR) return absl::InternalError("redis: " + redis::ReplyString(reply));
  HashFields fields;
  if (reply->type != REDIS_REPLY_ARRAY) return fields;
  for (size_t i = 0; i + 1 < reply->elements; i += 2) {
    fields.emplace_back(redis::ReplyString(reply->element[i]), redis::ReplyString(reply->element[i + 1]));
  }
  return fields;
}

// Sums the day hashes in replies[first..].
absl::StatusOr<Aggregate> SumReplies(const std::vector<redis::Reply>& replies, size_t first) {
  Aggregate sum = NewAggregate(kStatementCount);
  for (size_t i = first; i < replies.size(); ++i) {
    auto fields = FieldsOf(replies[i].get());
    if (!fields.ok()) return fields.status();
    auto day = AggregateFromFields(*fields, kStatementCount);
    if (!day.ok()) return day.status();
    Merge(sum, *day);
  }
  return sum;
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

redis::OutboxEvent UnitEvent(const FeedbackSettings& settings, const std::string& unit_id,
                             const google::protobuf::Message& event) {
  // Feedback has no client: the unit keys the partition and is the subject.
  return redis::EventFor(event, settings.source, kTopic, unit_id);
}

absl::Status InRange(const char* key, int64_t value, int64_t min, int64_t max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(std::string("config key ") + key + ": must be between " + std::to_string(min) +
                                    " and " + std::to_string(max));
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

FeedbackStore::FeedbackStore(redis::Pool& pool, const redis::Keyspace& keyspace, const UnitCatalog& units,
                             FeedbackSettings settings)
    : pool_(pool), keyspace_(keyspace), units_(units), settings_(std::move(settings)) {}

absl::StatusOr<const Unit*> FeedbackStore::FindUnit(const std::string& unit_id) const {
  if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  const Unit* unit = units_.Find(unit_id);
  if (unit == nullptr) return absl::InvalidArgumentError("unit_id: unknown unit");
  return unit;
}

absl::StatusOr<v1::FeedbackToken> FeedbackStore::IssueFeedbackToken(const std::string& idempotency_key,
                                                                    const v1::IssueFeedbackTokenRequest& request) {
  auto unit = FindUnit(request.unit_id());
  if (!unit.ok()) return unit.status();
  std::string subject_field;
  std::string subject;
  switch (request.subject_case()) {
    case v1::IssueFeedbackTokenRequest::kReferralId:
      subject_field = "referral_id";
      subject = request.referral_id();
      break;
    case v1::IssueFeedbackTokenRequest::kVisitId:
      subject_field = "visit_id";
      subject = request.visit_id();
      break;
    default: return absl::InvalidArgumentError("referral_id: required (or visit_id)");
  }
  if (auto st = validate::Identifier(subject_field, subject); !st.ok()) return st;

  v1::FeedbackToken token;
  token.set_token(RandomHex());
  token.set_unit_id(request.unit_id());
  google::protobuf::Timestamp expires_at = ids::NowTimestamp();
  expires_at.set_seconds(expires_at.seconds() + std::chrono::seconds(settings_.token_expiry).count());
  *token.mutable_expires_at() = expires_at;
  if (subject_field == "referral_id") {
    token.set_referral_id(subject);
  } else {
    token.set_visit_id(subject);
  }

  const std::string key = TokenKey(token.token());
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(request.unit_id()));
  step.IdempotencyKey("IssueFeedbackToken", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(token.SerializeAsString())
      .RequireAbsent(key, absl::AbortedError("feedback_token: collision; retry"))
      .HSet(key, "unit", request.unit_id())
      .HSet(key, subject_field, subject)
      .Expire(key, settings_.token_expiry);
  return step.ExecuteFor<v1::FeedbackToken>(pool_);
}

absl::StatusOr<v1::SubmitFeedbackResponse> FeedbackStore::SubmitFeedback(const std::string& idempotency_key,
                                                                         const v1::SubmitFeedbackRequest& request) {
  auto unit = FindUnit(request.unit_id());
  if (!unit.ok()) return unit.status();
  if (auto st = ValidateService(**unit, request.service()); !st.ok()) return st;
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::FeedbackChannel_IsValid); !st.ok()) return st;
  auto answer = AnswerOf(request);
  if (!answer.ok()) return answer.status();
  if (auto st = ValidateFreeText(request.free_text(), settings_.free_text_max_chars); !st.ok()) return st;
  const std::string& token = request.feedback_token();
  if (!token.empty() && (token.size() != kTokenChars || !ids::IsLowerHex(token))) {
    return absl::InvalidArgumentError("feedback_token: not a feedback token");
  }

  Aggregate one = NewAggregate(kStatementCount);
  if (auto error = AddAnswer(one, *answer)) return absl::InvalidArgumentError(*error);
  const sys_days today(settings_.today());
  for (int attempt = 1;; ++attempt) {
    auto result = TrySubmit(idempotency_key, request, **unit, one, today);
    if (result.ok() || result.status().code() != absl::StatusCode::kAborted || attempt == kMaxAttempts) return result;
  }
}

absl::StatusOr<FeedbackStore::Window> FeedbackStore::LoadWindow(int shard, const std::string& unit_id, sys_days today) {
  // The version first: an answer applied after it was read bumps it, and
  // then this step is refused and re-read, so the days read never miss an
  // answer the alert state already counted.
  std::vector<std::vector<std::string>> commands = {
      {"HMGET", keyspace_.Key(shard, AlertKey(unit_id)), "state", "version"}};
  for (sys_days day = today - days(settings_.rolling_window_days - 1); day <= today; day += days(1)) {
    commands.push_back({"HGETALL", keyspace_.Key(shard, DayKey(unit_id, day, ""))});
  }
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  const redisReply* alert = (*replies)[0].get();
  if (alert->type != REDIS_REPLY_ARRAY || alert->elements != 2) {
    return absl::InternalError("redis: unexpected reply reading the alert state");
  }
  Window window;
  auto state = DecodeCrossingState(redis::ReplyString(alert->element[0]));
  if (!state.ok()) return state.status();
  window.state = std::move(*state);
  window.version = redis::ReplyString(alert->element[1]);
  auto aggregate = SumReplies(*replies, 1);
  if (!aggregate.ok()) return aggregate.status();
  window.aggregate = std::move(*aggregate);
  return window;
}

absl::StatusOr<v1::SubmitFeedbackResponse> FeedbackStore::TrySubmit(const std::string& idempotency_key,
                                                                    const v1::SubmitFeedbackRequest& request,
                                                                    const Unit& unit, const Aggregate& added,
                                                                    sys_days today) {
  const int shard = keyspace_.ShardFor(unit.id);
  auto window = LoadWindow(shard, unit.id, today);
  if (!window.ok()) return window.status();
  Aggregate rolling = window->aggregate;
  Merge(rolling, added);
  const Summary summary = Summarise(rolling, settings_.min_group_size);
  const AlertDecision decision = EvaluateAlert(window->state, summary, settings_.thresholds);

  v1::SubmitFeedbackResponse response;
  response.set_feedback_id("fb-" + RandomHex());
  response.set_received_on(Date(today));
  response.set_free_text_stored(!request.free_text().empty());

  v1::FeedbackReceived received;
  received.set_feedback_id(response.feedback_id());
  received.set_unit_id(unit.id);
  received.set_service(request.service());
  received.set_channel(request.channel());
  received.set_has_free_text(!request.free_text().empty());

  const sys_days window_from = today - days(settings_.rolling_window_days - 1);
  std::vector<v1::UnitFeedbackAlert> alerts;
  for (const std::string& metric : decision.crossed) {
    v1::UnitFeedbackAlert alert;
    alert.set_unit_id(unit.id);
    if (metric == "nps") {
      alert.set_metric(v1::ALERT_METRIC_NPS);
      alert.set_value(summary.nps.value_or(0));
      alert.set_threshold(settings_.thresholds.nps.value_or(0));
    } else if (auto index = CrossedStatementIndex(metric)) {
      alert.set_metric(v1::ALERT_METRIC_STATEMENT_MEAN);
      alert.set_statement(static_cast<v1::Statement>(*index + 1));
      alert.set_value(summary.statement_means.at(*index).value_or(0));
      alert.set_threshold(settings_.thresholds.statement_means.at(*index).value_or(0));
    } else {
      return absl::InternalError("unknown alert metric");
    }
    alert.set_period_from(Date(window_from));
    alert.set_period_to(Date(today));
    alert.set_period_days(settings_.rolling_window_days);
    alert.set_n(summary.n);
    alert.set_county(unit.county);
    alert.set_municipality_code(unit.municipality_code);
    alerts.push_back(std::move(alert));
  }

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("SubmitFeedback", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(response.SerializeAsString());
  // Checked in Redis after the idempotency record, so that a retry of an
  // answer that spent its token replays instead of failing.
  if (const std::string& token = request.feedback_token(); !token.empty()) {
    step.RequireFieldIn(TokenKey(token), "unit", {unit.id},
                        absl::FailedPreconditionError("feedback_token: unknown, expired or issued for another unit"))
        .RequireFieldIn(TokenKey(token), "used", {""}, absl::FailedPreconditionError("feedback_token: already used"))
        .HSet(TokenKey(token), "used", response.feedback_id());
  }
  step.CompareAndBumpVersion(AlertKey(unit.id), window->version, "unit_id")
      .HSet(AlertKey(unit.id), "state", EncodeCrossingState(decision.next));
  for (const std::string& service : {std::string(), request.service()}) {
    const std::string key = DayKey(unit.id, today, service);
    for (const auto& [field, delta] : CounterFields(added)) step.HIncrBy(key, field, delta);
    step.Expire(key, settings_.aggregate_retention);
  }
  if (!request.free_text().empty()) {
    step.Set(TextKey(response.feedback_id()), request.free_text())
        .Expire(TextKey(response.feedback_id()), settings_.free_text_retention);
  }
  step.Publish(UnitEvent(settings_, unit.id, received));
  for (const auto& alert : alerts) step.Publish(UnitEvent(settings_, unit.id, alert));

  return step.ExecuteFor<v1::SubmitFeedbackResponse>(pool_);
}

absl::StatusOr<Aggregate> FeedbackStore::SumDays(int shard, const std::string& unit_id, const std::string& service,
                                                 sys_days from, sys_days to) {
  std::vector<std::vector<std::string>> commands;
  for (sys_days day = from; day <= to; day += days(1)) {
    commands.push_back({"HGETALL", keyspace_.Key(shard, DayKey(unit_id, day, service))});
  }
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  return SumReplies(*replies, 0);
}

absl::StatusOr<v1::UnitSummary> FeedbackStore::GetUnitSummary(const v1::GetUnitSummaryRequest& request) {
  auto unit = FindUnit(request.unit_id());
  if (!unit.ok()) return unit.status();
  if (!request.service().empty()) {
    if (auto st = ValidateService(**unit, request.service()); !st.ok()) return st;
  }
  sys_days to(settings_.today());
  if (!request.to_date().empty()) {
    auto parsed = calendar::ParseDate(request.to_date());
    if (!parsed.ok()) return absl::InvalidArgumentError("to_date: must be a date YYYY-MM-DD");
    to = sys_days(*parsed);
  }
  sys_days from = to - days(29);
  if (!request.from_date().empty()) {
    auto parsed = calendar::ParseDate(request.from_date());
    if (!parsed.ok()) return absl::InvalidArgumentError("from_date: must be a date YYYY-MM-DD");
    from = sys_days(*parsed);
  }
  if (from > to) return absl::InvalidArgumentError("from_date: after to_date");
  if ((to - from).count() + 1 > kMaxPeriodDays) {
    return absl::InvalidArgumentError("from_date: the period is longer than " + std::to_string(kMaxPeriodDays) +
                                      " days");
  }

  auto aggregate = SumDays(keyspace_.ShardFor(request.unit_id()), request.unit_id(), request.service(), from, to);
  if (!aggregate.ok()) return aggregate.status();
  const Summary summary = Summarise(*aggregate, settings_.min_group_size);

  v1::UnitSummary out;
  out.set_unit_id(request.unit_id());
  out.set_from_date(Date(from));
  out.set_to_date(Date(to));
  out.set_service(request.service());
  out.set_n(summary.n);
  out.set_suppressed(summary.suppressed);
  out.set_min_group_size(settings_.min_group_size);
  if (summary.suppressed) return out;
  for (size_t i = 0; i < summary.statement_means.size(); ++i) {
    const int statement = static_cast<int>(i) + 1;
    if (!summary.statement_means[i] || !v1::Statement_IsValid(statement)) continue;
    auto* mean = out.add_statement_means();
    mean->set_statement(static_cast<v1::Statement>(statement));
    mean->set_mean(*summary.statement_means[i]);
    mean->set_answers(aggregate->statements[i].count);
  }
  if (summary.nps) out.set_nps(*summary.nps);
  out.set_nps_answers(aggregate->nps_count);
  return out;
}

}  // namespace yhteys::feedback
