// Client feedback over the real process, Redis and the dev broker: unit
// summaries hidden under five answers, one-time tokens, free text kept apart
// and never published or logged, alerts once per crossing, idempotent
// retries, and bad input refused with the field named and nothing written.
// Each test uses its own units (services/client-feedback/config/units.yaml),
// so the tests share one system without seeing each other's answers.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "clients.hpp"
#include "yhteys/feedback/v1/client_feedback_events.pb.h"
#include "yhteys/feedback/v1/client_feedback_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using testing::WaitFor;
namespace fb = feedback::v1;

constexpr char kTopic[] = "yhteys.feedback.events.v1";
constexpr char kReceived[] = "yhteys.feedback.v1.FeedbackReceived";
constexpr char kAlert[] = "yhteys.feedback.v1.UnitFeedbackAlert";

struct RedisDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

class FeedbackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem({"client-feedback"}); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  static fb::ClientFeedback::Stub& Api() {
    static auto stub = fb::ClientFeedback::NewStub(system_->Channel("client-feedback"));
    return *stub;
  }

  static fb::SubmitFeedbackRequest Answer(const std::string& unit, const std::string& service, const std::string& key,
                                          std::optional<int> nps,
                                          const std::vector<std::pair<fb::Statement, int>>& statements = {}) {
    fb::SubmitFeedbackRequest req;
    req.set_idempotency_key(key);
    req.set_unit_id(unit);
    req.set_service(service);
    req.set_channel(fb::FEEDBACK_CHANNEL_WEB);
    if (nps) req.set_nps(*nps);
    for (const auto& [statement, value] : statements) {
      auto* s = req.add_statements();
      s->set_statement(statement);
      s->set_value(value);
    }
    return req;
  }

  static grpc::Status Submit(const fb::SubmitFeedbackRequest& req, fb::SubmitFeedbackResponse* out) {
    return Api().SubmitFeedback(Ctx().get(), req, out);
  }

  static fb::SubmitFeedbackResponse SubmitOk(const fb::SubmitFeedbackRequest& req) {
    fb::SubmitFeedbackResponse out;
    grpc::Status st = Submit(req, &out);
    EXPECT_TRUE(st.ok()) << req.idempotency_key() << ": " << st.error_message();
    return out;
  }

  static fb::UnitSummary Summary(const std::string& unit, const std::string& service = "") {
    fb::GetUnitSummaryRequest req;
    req.set_unit_id(unit);
    req.set_service(service);
    fb::UnitSummary out;
    grpc::Status st = Api().GetUnitSummary(Ctx().get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static grpc::Status IssueToken(const fb::IssueFeedbackTokenRequest& req, fb::FeedbackToken* out) {
    return Api().IssueFeedbackToken(Ctx().get(), req, out);
  }

  // Every record on the feedback topic, in partition and offset order.
  static std::vector<testing::ReadRecord> Records() {
    auto records = testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s);
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return std::tie(a.partition, a.offset) < std::tie(b.partition, b.offset);
    });
    return records;
  }

  // Events of `type` for `unit`, decoded; every one must parse with no
  // field this contract does not name.
  template <typename Event>
  static std::vector<Event> EventsOf(const std::vector<testing::ReadRecord>& records, const std::string& unit,
                                     const std::string& type) {
    std::vector<Event> out;
    for (const auto& r : records) {
      if (r.key != unit || r.headers.count("ce_type") == 0 || r.headers.at("ce_type") != type) continue;
      EXPECT_EQ(r.headers.at("ce_subject"), unit);
      Event e;
      EXPECT_TRUE(e.ParseFromString(r.value));
      EXPECT_TRUE(e.GetReflection()->GetUnknownFields(e).empty());
      out.push_back(e);
    }
    return out;
  }

  // Waits until `unit` has at least `count` events of `type`; then returns
  // all of them (a later read would show any extra).
  template <typename Event>
  static std::vector<Event> AwaitEvents(const std::string& unit, const std::string& type, size_t count) {
    std::vector<Event> events;
    WaitFor(
        [&] {
          events = EventsOf<Event>(Records(), unit, type);
          return events.size() >= count;
        },
        30s);
    return events;
  }

  static std::unique_ptr<redisContext, RedisDeleter> Redis() {
    return std::unique_ptr<redisContext, RedisDeleter>(redisConnect("127.0.0.1", system_->redis().port()));
  }

  static RedisReply Command(redisContext* c, const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    return RedisReply(
        static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data())));
  }

  static std::vector<std::string> Keys(const std::string& pattern) {
    auto redis = Redis();
    auto reply = Command(redis.get(), {"KEYS", pattern});
    std::vector<std::string> keys;
    for (size_t i = 0; reply && i < reply->elements; ++i) {
      keys.emplace_back(reply->element[i]->str, reply->element[i]->len);
    }
    return keys;
  }

  // Every key in Redis whose value (string, hash, set, sorted set or
  // stream) contains `needle`.
  static std::vector<std::string> KeysHolding(const std::string& needle) {
    auto redis = Redis();
    std::vector<std::string> holding;
    std::function<bool(const redisReply*)> contains = [&](const redisReply* r) {
      if (r == nullptr) return false;
      if (r->type == REDIS_REPLY_STRING && std::string(r->str, r->len).find(needle) != std::string::npos) return true;
      for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; ++i) {
        if (contains(r->element[i])) return true;
      }
      return false;
    };
    for (const std::string& key : Keys("*")) {
      auto type = Command(redis.get(), {"TYPE", key});
      const std::string t(type->str, type->len);
      RedisReply value;
      if (t == "string") value = Command(redis.get(), {"GET", key});
      if (t == "hash") value = Command(redis.get(), {"HGETALL", key});
      if (t == "set") value = Command(redis.get(), {"SMEMBERS", key});
      if (t == "zset") value = Command(redis.get(), {"ZRANGE", key, "0", "-1"});
      if (t == "stream") value = Command(redis.get(), {"XRANGE", key, "-", "+"});
      if (key.find(needle) != std::string::npos || contains(value.get())) holding.push_back(key);
    }
    return holding;
  }

  static void ExpectNowhereOutsideRedis(const std::string& canary) {
    for (const auto& r : Records()) {
      EXPECT_EQ(r.key.find(canary), std::string::npos);
      EXPECT_EQ(r.value.find(canary), std::string::npos) << r.headers.at("ce_type");
      for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(canary), std::string::npos) << name;
    }
    EXPECT_EQ(system_->ReadLog("client-feedback").find(canary), std::string::npos);
    EXPECT_EQ(testing::ScrapeMetrics(system_->MetricsPort("client-feedback")).find(canary), std::string::npos);
  }

  static testing::YhteysSystem* system_;
};

testing::YhteysSystem* FeedbackTest::system_ = nullptr;

TEST_F(FeedbackTest, SummaryIsSuppressedUnderFiveAnswersAndShownFromFive) {
  const std::string unit = "fc-rovaniemi-1";
  const std::string service = "child-health-clinic";
  constexpr auto kAccess = fb::STATEMENT_TIMELY_ACCESS;
  constexpr auto kRespect = fb::STATEMENT_TREATED_WITH_RESPECT;
  SubmitOk(Answer(unit, service, "sum-1", 10, {{kAccess, 4}, {kRespect, 5}}));
  SubmitOk(Answer(unit, service, "sum-2", 9, {{kAccess, 2}, {kRespect, 5}}));
  SubmitOk(Answer(unit, service, "sum-3", 7, {{kAccess, 3}}));
  const auto fourth = SubmitOk(Answer(unit, service, "sum-4", 8, {{kAccess, 5}, {kRespect, 4}}));
  EXPECT_EQ(fourth.feedback_id().size(), 35u);
  EXPECT_EQ(fourth.received_on().size(), 10u);
  EXPECT_FALSE(fourth.free_text_stored());

  fb::UnitSummary hidden = Summary(unit);
  EXPECT_EQ(hidden.n(), 4);
  EXPECT_TRUE(hidden.suppressed());
  EXPECT_EQ(hidden.min_group_size(), 5);
  EXPECT_EQ(hidden.statement_means_size(), 0);
  EXPECT_FALSE(hidden.has_nps());
  EXPECT_EQ(hidden.nps_answers(), 0);
  EXPECT_EQ(hidden.to_date(), fourth.received_on());

  SubmitOk(Answer(unit, service, "sum-5", 0, {{kAccess, 1}, {kRespect, 3}, {fb::STATEMENT_LISTENED_TO, 5}}));
  for (const fb::UnitSummary& shown : {Summary(unit), Summary(unit, service)}) {
    EXPECT_EQ(shown.n(), 5);
    EXPECT_FALSE(shown.suppressed());
    // Timely access: (4 + 2 + 3 + 5 + 1) / 5. Respect has 4 answers and
    // "listened to" 1: too few to show a mean.
    ASSERT_EQ(shown.statement_means_size(), 1) << shown.DebugString();
    EXPECT_EQ(shown.statement_means(0).statement(), fb::STATEMENT_TIMELY_ACCESS);
    EXPECT_DOUBLE_EQ(shown.statement_means(0).mean(), 3.0);
    EXPECT_EQ(shown.statement_means(0).answers(), 5);
    // Promoters 10 and 9, detractor 0, passives 7 and 8: 40% - 20%.
    ASSERT_TRUE(shown.has_nps());
    EXPECT_DOUBLE_EQ(shown.nps(), 20.0);
    EXPECT_EQ(shown.nps_answers(), 5);
  }
  // The unit's other service has no answers.
  fb::UnitSummary other = Summary(unit, "family-work");
  EXPECT_EQ(other.n(), 0);
  EXPECT_TRUE(other.suppressed());

  // One FeedbackReceived per answer, keyed by the unit, with no values; a
  // mean exactly at the threshold (3.0) and a positive NPS raise nothing.
  auto received = AwaitEvents<fb::FeedbackReceived>(unit, kReceived, 5);
  EXPECT_EQ(received.size(), 5u);
  for (const auto& e : received) {
    EXPECT_EQ(e.unit_id(), unit);
    EXPECT_EQ(e.service(), service);
    EXPECT_EQ(e.channel(), fb::FEEDBACK_CHANNEL_WEB);
    EXPECT_FALSE(e.has_free_text());
  }
  EXPECT_TRUE(EventsOf<fb::UnitFeedbackAlert>(Records(), unit, kAlert).empty());
}

TEST_F(FeedbackTest, TokenIsAcceptedOnce) {
  const std::string unit = "hc-inari-1";
  const std::string service = "home-care-visits";
  fb::IssueFeedbackTokenRequest issue;
  issue.set_idempotency_key("tok-issue-1");
  issue.set_unit_id(unit);
  issue.set_referral_id("ref-0001");
  fb::FeedbackToken token;
  ASSERT_TRUE(IssueToken(issue, &token).ok());
  EXPECT_EQ(token.token().size(), 32u);
  EXPECT_EQ(token.unit_id(), unit);
  EXPECT_EQ(token.referral_id(), "ref-0001");
  const auto expires_in =
      token.expires_at().seconds() -
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(expires_in, 335 * 3600);
  EXPECT_LE(expires_in, 336 * 3600);
  fb::FeedbackToken again;
  ASSERT_TRUE(IssueToken(issue, &again).ok());
  EXPECT_EQ(again.token(), token.token()) << "a retried issue answers the first token";

  auto with_token = Answer(unit, service, "tok-use-1", 9);
  with_token.set_feedback_token(token.token());
  const auto first = SubmitOk(with_token);
  // The retry of the same answer replays it; the token is not "used twice".
  EXPECT_EQ(SubmitOk(with_token).feedback_id(), first.feedback_id());

  fb::SubmitFeedbackResponse out;
  auto second_use = Answer(unit, service, "tok-use-2", 3);
  second_use.set_feedback_token(token.token());
  grpc::Status twice = Submit(second_use, &out);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << twice.error_message();
  EXPECT_EQ(twice.error_message(), "feedback_token: already used");

  // A token is good only at the unit it was issued for.
  fb::IssueFeedbackTokenRequest visit;
  visit.set_idempotency_key("tok-issue-2");
  visit.set_unit_id(unit);
  visit.set_visit_id("visit-42");
  fb::FeedbackToken visit_token;
  ASSERT_TRUE(IssueToken(visit, &visit_token).ok());
  EXPECT_EQ(visit_token.visit_id(), "visit-42");
  auto elsewhere = Answer("hc-kokkola-1", service, "tok-use-3", 10);
  elsewhere.set_feedback_token(visit_token.token());
  grpc::Status wrong_unit = Submit(elsewhere, &out);
  EXPECT_EQ(wrong_unit.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(wrong_unit.error_message().rfind("feedback_token", 0), 0u) << wrong_unit.error_message();
  auto at_home_unit = Answer(unit, service, "tok-use-4", 10);
  at_home_unit.set_feedback_token(visit_token.token());
  SubmitOk(at_home_unit);

  EXPECT_EQ(Summary(unit).n(), 2);
  EXPECT_EQ(Summary("hc-kokkola-1").n(), 0);

  struct Case {
    std::string field;
    std::function<void(fb::IssueFeedbackTokenRequest&)> mutate;
  } cases[] = {
      {"unit_id", [](auto& r) { r.set_unit_id("hc-nowhere-1"); }},
      {"unit_id", [](auto& r) { r.clear_unit_id(); }},
      {"referral_id", [](auto& r) { r.clear_subject(); }},
      {"referral_id", [](auto& r) { r.set_referral_id("ref 1"); }},
      {"visit_id", [](auto& r) { r.set_visit_id(std::string(65, 'v')); }},
      {"idempotency_key", [](auto& r) { r.clear_idempotency_key(); }},
  };
  int i = 0;
  for (auto& c : cases) {
    fb::IssueFeedbackTokenRequest req = issue;
    req.set_idempotency_key("tok-bad-" + std::to_string(i++));
    c.mutate(req);
    fb::FeedbackToken ignored;
    grpc::Status st = IssueToken(req, &ignored);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
  }
}

TEST_F(FeedbackTest, FreeTextIsStoredApartAndNeverPublishedOrLogged) {
  const std::string unit = "mhi-seinajoki-1";
  const std::string canary = "KANARIA-7f3a palaute: hoitaja oli ystävällinen";
  auto req = Answer(unit, "mental-health-intake", "text-1", 10, {{fb::STATEMENT_LISTENED_TO, 5}});
  req.set_free_text(canary);
  const auto response = SubmitOk(req);
  EXPECT_TRUE(response.free_text_stored());

  // Exactly one key holds it: its own, expiring after the retention (30 days).
  const auto holding = KeysHolding("KANARIA-7f3a");
  ASSERT_EQ(holding.size(), 1u);
  EXPECT_NE(holding[0].find(":text:" + response.feedback_id()), std::string::npos) << holding[0];
  auto redis = Redis();
  auto stored = Command(redis.get(), {"GET", holding[0]});
  ASSERT_EQ(stored->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(stored->str, stored->len), canary);
  auto ttl = Command(redis.get(), {"TTL", holding[0]});
  EXPECT_GT(ttl->integer, 29 * 86400);
  EXPECT_LE(ttl->integer, 30 * 86400);

  // Characters, not bytes, are limited: 2000 two-byte letters are fine.
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "ä";
  auto long_req = Answer(unit, "mental-health-intake", "text-2", 9);
  long_req.set_free_text(long_text);
  SubmitOk(long_req);

  auto received = AwaitEvents<fb::FeedbackReceived>(unit, kReceived, 2);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_TRUE(received[0].has_free_text());
  ExpectNowhereOutsideRedis("KANARIA-7f3a");
  ExpectNowhereOutsideRedis("ystävällinen");
}

TEST_F(FeedbackTest, AlertIsRaisedOncePerCrossingAndAgainOnlyAfterReArming) {
  // Default thresholds: rolling (30-day) NPS below 0, a statement mean below 3.0.
  const std::string unit = "mhi-kokkola-1";
  const std::string service = "substance-use-services";
  int key = 0;
  auto answer = [&](int nps) { SubmitOk(Answer(unit, service, "alert-" + std::to_string(key++), nps)); };
  for (int i = 0; i < 5; ++i) answer(10);  // n 5, NPS 100
  for (int i = 0; i < 5; ++i) answer(0);   // n 10, NPS 0: at the threshold is not below
  answer(0);                               // n 11, 5 - 6: crosses below -> alert 1
  answer(0);                               // still below: nothing
  answer(0);
  for (int i = 0; i < 3; ++i) answer(10);  // n 16, 8 - 8 = 0: recovered, re-armed
  answer(0);                               // n 17, 8 - 9: crosses again -> alert 2

  auto alerts = AwaitEvents<fb::UnitFeedbackAlert>(unit, kAlert, 2);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].metric(), fb::ALERT_METRIC_NPS);
  EXPECT_EQ(alerts[0].n(), 11);
  EXPECT_DOUBLE_EQ(alerts[0].value(), 100.0 * (5 - 6) / 11);
  EXPECT_DOUBLE_EQ(alerts[0].threshold(), 0.0);
  EXPECT_EQ(alerts[1].n(), 17);
  EXPECT_DOUBLE_EQ(alerts[1].value(), 100.0 * (8 - 9) / 17);
  for (const auto& a : alerts) {
    EXPECT_EQ(a.unit_id(), unit);
    EXPECT_EQ(a.period_days(), 30);
    EXPECT_EQ(a.county(), "keski-pohjanmaa");
    EXPECT_EQ(a.municipality_code(), "272");
  }
}

TEST_F(FeedbackTest, SuppressedWindowNeverAlertsAndTheCrossingAnswerCarriesTheAlert) {
  const std::string unit = "mhi-lahti-1";
  const std::string service = "mental-health-intake";
  std::string last_day;
  for (int i = 0; i < 5; ++i) {
    // Four answers stay hidden whatever they say; the fifth shows the
    // window: NPS -100 and a mean of 1.0 for "help for my need".
    last_day = SubmitOk(Answer(unit, service, "sup-" + std::to_string(i), 0, {{fb::STATEMENT_HELP_FOR_MY_NEED, 1}}))
                   .received_on();
  }
  auto alerts = AwaitEvents<fb::UnitFeedbackAlert>(unit, kAlert, 2);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].metric(), fb::ALERT_METRIC_NPS);
  EXPECT_DOUBLE_EQ(alerts[0].value(), -100.0);
  EXPECT_EQ(alerts[1].metric(), fb::ALERT_METRIC_STATEMENT_MEAN);
  EXPECT_EQ(alerts[1].statement(), fb::STATEMENT_HELP_FOR_MY_NEED);
  EXPECT_DOUBLE_EQ(alerts[1].value(), 1.0);
  EXPECT_DOUBLE_EQ(alerts[1].threshold(), 3.0);
  for (const auto& a : alerts) {
    EXPECT_EQ(a.n(), 5);
    EXPECT_EQ(a.period_to(), last_day);
    EXPECT_EQ(a.county(), "paijat-hame");
  }
  // Written in the fifth answer's atomic step: the alerts follow its
  // FeedbackReceived directly in the unit's partition.
  std::vector<std::string> types;
  for (const auto& r : Records()) {
    if (r.key == unit) types.push_back(r.headers.at("ce_type"));
  }
  EXPECT_EQ(types, (std::vector<std::string>{kReceived, kReceived, kReceived, kReceived, kReceived, kAlert, kAlert}));
}

TEST_F(FeedbackTest, RetryReturnsTheFirstAnswerAndChangesNothing) {
  const std::string unit = "fc-seinajoki-1";
  const std::string service = "nepsy-coaching";
  const auto req = Answer(unit, service, "retry-1", 8, {{fb::STATEMENT_FELT_SAFE, 4}});
  const auto first = SubmitOk(req);
  for (int i = 0; i < 3; ++i) {
    const auto replay = SubmitOk(req);
    EXPECT_EQ(replay.SerializeAsString(), first.SerializeAsString());
  }
  EXPECT_EQ(Summary(unit).n(), 1);

  // The same key with another body is refused.
  fb::SubmitFeedbackResponse out;
  grpc::Status conflict = Submit(Answer(unit, service, "retry-1", 2), &out);
  EXPECT_EQ(conflict.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(conflict.error_message().rfind("idempotency_key", 0), 0u) << conflict.error_message();

  // The key may come as metadata instead.
  auto by_metadata = Answer(unit, service, "", 6);
  std::string metadata_id;
  for (int i = 0; i < 2; ++i) {
    auto ctx = Ctx();
    ctx->AddMetadata("idempotency-key", "retry-metadata-1");
    ASSERT_TRUE(Api().SubmitFeedback(ctx.get(), by_metadata, &out).ok());
    if (i == 0) metadata_id = out.feedback_id();
    EXPECT_EQ(out.feedback_id(), metadata_id);
  }

  // Concurrent copies of one request: one answer, the same reply to all.
  const auto concurrent = Answer(unit, service, "retry-concurrent", 10);
  std::vector<std::string> ids(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] {
      fb::SubmitFeedbackResponse r;
      if (Submit(concurrent, &r).ok()) ids[i] = r.feedback_id();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_FALSE(ids[0].empty());

  EXPECT_EQ(Summary(unit).n(), 3);
  auto received = AwaitEvents<fb::FeedbackReceived>(unit, kReceived, 3);
  EXPECT_EQ(received.size(), 3u);
}

TEST_F(FeedbackTest, ConcurrentAnswersToOneUnitAreAllCounted) {
  // Answers to one unit serialise on its alert state: a step computed from
  // a stale window is refused and recomputed, never lost or counted twice.
  const std::string unit = "hc-lahti-1";
  constexpr int kThreads = 6;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const auto req = Answer(unit, "home-care-visits", "conc-" + std::to_string(t) + "-" + std::to_string(i),
                                t % 2 == 0 ? 10 : 0, {{fb::STATEMENT_SMOOTH_HANDLING, 1 + (t + i) % 5}});
        fb::SubmitFeedbackResponse out;
        grpc::Status st = Submit(req, &out);
        // A client retries ABORTED with the same key.
        for (int retry = 0; st.error_code() == grpc::StatusCode::ABORTED && retry < 5; ++retry) st = Submit(req, &out);
        if (!st.ok()) failed.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  const fb::UnitSummary summary = Summary(unit);
  EXPECT_EQ(summary.n(), kThreads * kEach);
  EXPECT_EQ(summary.nps_answers(), kThreads * kEach);
  EXPECT_DOUBLE_EQ(summary.nps(), 0.0);  // half promoters, half detractors
  ASSERT_EQ(summary.statement_means_size(), 1);
  EXPECT_DOUBLE_EQ(summary.statement_means(0).mean(), 3.0);  // each value 1-5 six times
  EXPECT_EQ(AwaitEvents<fb::FeedbackReceived>(unit, kReceived, kThreads * kEach).size(),
            static_cast<size_t>(kThreads * kEach));
}

TEST_F(FeedbackTest, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  const std::string unit = "fc-lahti-1";
  const std::string canary = "KANARIA-bad-input-91c2";
  struct Case {
    std::string field;
    std::function<void(fb::SubmitFeedbackRequest&)> mutate;
    grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
  } cases[] = {
      {"unit_id", [](auto& r) { r.clear_unit_id(); }},
      {"unit_id", [](auto& r) { r.set_unit_id("fc-nowhere-9"); }},
      {"unit_id", [](auto& r) { r.set_unit_id(std::string(200, 'u')); }},
      {"service", [](auto& r) { r.clear_service(); }},
      {"service", [](auto& r) { r.set_service("home-care-visits"); }},
      {"channel", [](auto& r) { r.set_channel(fb::FEEDBACK_CHANNEL_UNSPECIFIED); }},
      {"channel", [](auto& r) { r.set_channel(static_cast<fb::FeedbackChannel>(42)); }},
      {"statements[0].statement", [](auto& r) { r.mutable_statements(0)->set_statement(fb::STATEMENT_UNSPECIFIED); }},
      {"statements[0].statement",
       [](auto& r) { r.mutable_statements(0)->set_statement(static_cast<fb::Statement>(99)); }},
      {"statements[0].value", [](auto& r) { r.mutable_statements(0)->set_value(0); }},
      {"statements[0].value", [](auto& r) { r.mutable_statements(0)->set_value(6); }},
      {"statements[1].statement", [](auto& r) { r.add_statements()->CopyFrom(fb::StatementAnswer(r.statements(0))); }},
      {"statements",
       [](auto& r) {  // 9 answers: more than there are statements
         const fb::StatementAnswer first = r.statements(0);
         for (int i = 0; i < 8; ++i) *r.add_statements() = first;
       }},
      {"statements",
       [](auto& r) {
         const fb::StatementAnswer first = r.statements(0);
         for (int i = 0; i < 500; ++i) *r.add_statements() = first;
       }},
      {"statements",
       [](auto& r) {
         r.clear_statements();
         r.clear_nps();
       }},
      {"nps", [](auto& r) { r.set_nps(-1); }},
      {"nps", [](auto& r) { r.set_nps(11); }},
      {"free_text", [&](auto& r) { r.set_free_text(canary + std::string(2001, 'x')); }},
      {"free_text", [&](auto& r) { r.set_free_text(canary + "\x01"); }},
      {"feedback_token", [](auto& r) { r.set_feedback_token("not-a-token"); }},
      {"feedback_token", [](auto& r) { r.set_feedback_token(std::string(32, 'a')); },
       grpc::StatusCode::FAILED_PRECONDITION},
      {"idempotency_key", [](auto& r) { r.clear_idempotency_key(); }},
      {"idempotency_key", [](auto& r) { r.set_idempotency_key("has spaces"); }},
  };
  int i = 0;
  for (auto& c : cases) {
    auto req = Answer(unit, "family-work", "bad-" + std::to_string(i++), 7, {{fb::STATEMENT_SMOOTH_HANDLING, 3}});
    c.mutate(req);
    fb::SubmitFeedbackResponse out;
    grpc::Status st = Submit(req, &out);
    EXPECT_EQ(st.error_code(), c.code) << c.field << ": " << st.error_message();
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
    EXPECT_EQ(st.error_message().find(canary), std::string::npos);
  }

  struct SummaryCase {
    std::string field;
    std::function<void(fb::GetUnitSummaryRequest&)> mutate;
  } summary_cases[] = {
      {"unit_id", [](auto& r) { r.set_unit_id("fc-nowhere-9"); }},
      {"service", [](auto& r) { r.set_service("home-care-visits"); }},
      {"from_date", [](auto& r) { r.set_from_date("2025-13-01"); }},
      {"to_date", [](auto& r) { r.set_to_date("yesterday"); }},
      {"from_date",
       [](auto& r) {
         r.set_from_date("2025-03-02");
         r.set_to_date("2025-03-01");
       }},
      {"from_date",
       [](auto& r) {
         r.set_from_date("2024-01-01");
         r.set_to_date("2025-01-01");  // 367 days
       }},
  };
  for (auto& c : summary_cases) {
    fb::GetUnitSummaryRequest req;
    req.set_unit_id(unit);
    c.mutate(req);
    fb::UnitSummary out;
    grpc::Status st = Api().GetUnitSummary(Ctx().get(), req, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
  }
  fb::GetUnitSummaryRequest full_year;
  full_year.set_unit_id(unit);
  full_year.set_from_date("2024-01-01");
  full_year.set_to_date("2024-12-31");  // 366 days
  fb::UnitSummary out;
  EXPECT_TRUE(Api().GetUnitSummary(Ctx().get(), full_year, &out).ok());

  // Nothing of it was written: no counters, alert state or event for the
  // unit, and the canary nowhere.
  EXPECT_EQ(Summary(unit).n(), 0);
  EXPECT_TRUE(Keys("*" + unit + "*").empty());
  EXPECT_TRUE(KeysHolding(canary).empty());
  EXPECT_TRUE(EventsOf<fb::FeedbackReceived>(Records(), unit, kReceived).empty());
  ExpectNowhereOutsideRedis(canary);
}

}  // namespace
}  // namespace yhteys
