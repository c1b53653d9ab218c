#include "feedback_store.hpp"

#include <vector>

#include "aggregate_codec.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"

namespace yhteys::feedback {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Concurrent answers to one unit conflict on its alert version; each retry
// re-reads the window, so a handful is plenty before telling the caller.
constexpr int kMaxAttempts = 8;

// '/' never occurs in a unit id, a date or a service (identifiers), so the
// parts cannot run into each other.
std::string DayKey(const std::string& unit_id, sys_days day, const std::string& service) {
  std::string key = "agg:" + unit_id + "/" + calendar::FormatDate(std::chrono::year_month_day(day));
  if (!service.empty()) key += "/" + service;
  return key;
}
std::string AlertKey(const std::string& unit_id) { return "alert:" + unit_id; }
std::string TokenKey(const std::string& token) { return "token:" + token; }
std::string TextKey(const std::string& feedback_id) { return "text:" + feedback_id; }

// A token or id no one can guess: kTokenChars hex characters from OpenSSL's CSPRNG.
std::string RandomHex() { return ids::RandomHex(kTokenChars / 2); }

// HGETALLs of `period`'s day hashes, in order.
std::vector<std::vector<std::string>> ReadDays(const redis::Keyspace& keyspace, int shard, const std::string& unit_id,
                                               const std::string& service, const Period& period) {
  std::vector<std::vector<std::string>> commands;
  for (sys_days day = period.from; day <= period.to; day += days(1)) {
    commands.push_back({"HGETALL", keyspace.Key(shard, DayKey(unit_id, day, service))});
  }
  return commands;
}

// Sums the day hashes (HGETALL replies) in replies[first..].
absl::StatusOr<Aggregate> SumReplies(const std::vector<redis::Reply>& replies, size_t first) {
  Aggregate sum = NewAggregate(kStatementCount);
  for (size_t i = first; i < replies.size(); ++i) {
    auto flat = redis::DecodeStrings(replies[i].get(), "feedback day counters");
    if (!flat.ok()) return flat.status();
    HashFields fields;
    for (size_t f = 0; f + 1 < flat->size(); f += 2) fields.emplace_back((*flat)[f], (*flat)[f + 1]);
    auto day = AggregateFromFields(fields, kStatementCount);
    if (!day.ok()) return day.status();
    Merge(sum, *day);
  }
  return sum;
}

}  // namespace

FeedbackStore::FeedbackStore(redis::Pool& pool, const redis::Keyspace& keyspace, const UnitCatalog& units,
                             FeedbackSettings settings)
    : pool_(pool), keyspace_(keyspace), units_(units), settings_(std::move(settings)) {}

FeedbackContext FeedbackStore::Context() const {
  FeedbackContext ctx;
  ctx.today = settings_.today();
  ctx.now = ids::NowTimestamp();
  ctx.units = &units_;
  ctx.token_expiry = settings_.token_expiry;
  ctx.free_text_max_chars = settings_.free_text_max_chars;
  ctx.min_group_size = settings_.min_group_size;
  ctx.rolling_window_days = settings_.rolling_window_days;
  ctx.thresholds = settings_.thresholds;
  return ctx;
}

absl::StatusOr<v1::FeedbackToken> FeedbackStore::IssueFeedbackToken(const std::string& idempotency_key,
                                                                    const v1::IssueFeedbackTokenRequest& request) {
  FeedbackContext ctx = Context();
  ctx.new_id = RandomHex();
  auto issue = DecideIssueFeedbackToken(request, ctx);
  if (!issue.ok()) return issue.status();
  const v1::FeedbackToken& token = issue->token;
  const std::string key = TokenKey(token.token());
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(request.unit_id()));
  step.IdempotencyKey("IssueFeedbackToken", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(token.SerializeAsString())
      .RequireAbsent(key, absl::AbortedError("feedback_token: collision; retry"))
      .HSet(key, "unit", token.unit_id())
      .HSet(key, issue->subject_field, issue->subject)
      .Expire(key, settings_.token_expiry);
  return step.ExecuteFor<v1::FeedbackToken>(pool_);
}

absl::StatusOr<v1::SubmitFeedbackResponse> FeedbackStore::SubmitFeedback(const std::string& idempotency_key,
                                                                         const v1::SubmitFeedbackRequest& request) {
  // Today is read once: every attempt counts the answer on the same day.
  FeedbackContext ctx = Context();
  auto submission = ValidateSubmitFeedback(request, ctx);
  if (!submission.ok()) return submission.status();
  for (int attempt = 1;; ++attempt) {
    ctx.new_id = RandomHex();
    auto result = TrySubmit(idempotency_key, request, *submission, ctx);
    if (result.ok() || result.status().code() != absl::StatusCode::kAborted || attempt == kMaxAttempts) return result;
  }
}

absl::StatusOr<AlertWindow> FeedbackStore::LoadWindow(int shard, const std::string& unit_id, const Period& period,
                                                      std::string* version) {
  // The version first: an answer applied after it was read bumps it, and
  // then this step is refused and re-read, so the days read never miss an
  // answer the alert state already counted.
  std::vector<std::vector<std::string>> commands = {
      {"HMGET", keyspace_.Key(shard, AlertKey(unit_id)), "state", "version"}};
  for (auto& day : ReadDays(keyspace_, shard, unit_id, "", period)) commands.push_back(std::move(day));
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  auto alert = redis::DecodeOptionalStrings((*replies)[0].get(), 2, "feedback alert state");
  if (!alert.ok()) return alert.status();
  AlertWindow window;
  auto state = DecodeCrossingState((*alert)[0].value_or(""));
  if (!state.ok()) return state.status();
  window.state = std::move(*state);
  *version = (*alert)[1].value_or("");
  auto aggregate = SumReplies(*replies, 1);
  if (!aggregate.ok()) return aggregate.status();
  window.aggregate = std::move(*aggregate);
  return window;
}

absl::StatusOr<v1::SubmitFeedbackResponse> FeedbackStore::TrySubmit(const std::string& idempotency_key,
                                                                    const v1::SubmitFeedbackRequest& request,
                                                                    const Submission& submission,
                                                                    const FeedbackContext& ctx) {
  const std::string& unit_id = submission.unit->id;
  const int shard = keyspace_.ShardFor(unit_id);
  std::string version;
  auto window = LoadWindow(shard, unit_id, RollingWindow(ctx), &version);
  if (!window.ok()) return window.status();
  auto change = DecideSubmitFeedback(request, submission, *window, ctx);
  if (!change.ok()) return change.status();
  const std::string& feedback_id = change->response.feedback_id();

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("SubmitFeedback", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(change->response.SerializeAsString());
  // Checked in Redis after the idempotency record, so that a retry of an
  // answer that spent its token replays instead of failing.
  if (const std::string& token = request.feedback_token(); !token.empty()) {
    step.RequireFieldIn(TokenKey(token), "unit", {unit_id},
                        absl::FailedPreconditionError("feedback_token: unknown, expired or issued for another unit"))
        .RequireFieldIn(TokenKey(token), "used", {""}, absl::FailedPreconditionError("feedback_token: already used"))
        .HSet(TokenKey(token), "used", feedback_id);
  }
  step.CompareAndBumpVersion(AlertKey(unit_id), version, "unit_id")
      .HSet(AlertKey(unit_id), "state", EncodeCrossingState(change->next));
  for (const std::string& service : {std::string(), request.service()}) {
    const std::string key = DayKey(unit_id, sys_days(ctx.today), service);
    for (const auto& [field, delta] : CounterFields(submission.added)) step.HIncrBy(key, field, delta);
    step.Expire(key, settings_.aggregate_retention);
  }
  if (!request.free_text().empty()) {
    step.Set(TextKey(feedback_id), request.free_text()).Expire(TextKey(feedback_id), settings_.free_text_retention);
  }
  step.Publish(change->events, settings_.source, kTopic);
  return step.ExecuteFor<v1::SubmitFeedbackResponse>(pool_);
}

absl::StatusOr<Aggregate> FeedbackStore::SumDays(int shard, const std::string& unit_id, const std::string& service,
                                                 const Period& period) {
  auto replies = pool_.Pipeline(ReadDays(keyspace_, shard, unit_id, service, period));
  if (!replies.ok()) return replies.status();
  return SumReplies(*replies, 0);
}

absl::StatusOr<v1::UnitSummary> FeedbackStore::GetUnitSummary(const v1::GetUnitSummaryRequest& request) {
  const FeedbackContext ctx = Context();
  auto query = ValidateGetUnitSummary(request, ctx);
  if (!query.ok()) return query.status();
  auto aggregate = SumDays(keyspace_.ShardFor(request.unit_id()), request.unit_id(), request.service(), query->period);
  if (!aggregate.ok()) return aggregate.status();
  return SummaryOf(request, *query, *aggregate, ctx);
}

}  // namespace yhteys::feedback
