// The client-feedback store against a real redis-server, without gRPC or
// Kafka: each command's commit, idempotent replay, the token's rules, error
// paths that write nothing, concurrent answers counted exactly, and Redis
// trouble that is never NOT_FOUND, counted in Redis (keys, counters and
// outbox events).
#include "feedback_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aggregate_codec.hpp"
#include "alert_thresholds.hpp"
#include "test_units.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::feedback {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

const std::string kUnit = "fc-lahti-1";
const std::string kOtherUnit = "hc-inari-1";
const std::string kService = "family-work";
const std::string kToday = "2026-11-26";
constexpr char kReceived[] = "yhteys.feedback.v1.FeedbackReceived";
constexpr char kAlert[] = "yhteys.feedback.v1.UnitFeedbackAlert";

class FeedbackStoreTest : public ::testing::Test {
 protected:
  FeedbackStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("cf", 4),
        units_(*ParseUnits(kTestUnitsYaml)),
        store_(pool_, keyspace_, units_, Settings()) {}

  static FeedbackSettings Settings() {
    FeedbackSettings s;
    s.today = [] { return year_month_day{year(2026), month(11), day(26)}; };
    s.thresholds = *ParseAlertThresholds("0", "3.0", kStatementCount);
    return s;
  }

  static v1::SubmitFeedbackRequest Answer(int nps, const std::string& unit = kUnit,
                                          const std::string& service = kService) {
    v1::SubmitFeedbackRequest r;
    r.set_unit_id(unit);
    r.set_service(service);
    r.set_channel(v1::FEEDBACK_CHANNEL_KIOSK);
    r.set_nps(nps);
    auto* s = r.add_statements();
    s->set_statement(v1::STATEMENT_FELT_SAFE);
    s->set_value(4);
    return r;
  }

  static v1::IssueFeedbackTokenRequest Issue(const std::string& unit = kUnit) {
    v1::IssueFeedbackTokenRequest r;
    r.set_unit_id(unit);
    r.set_referral_id("ref-0001");
    return r;
  }

  // The key of `suffix` in the unit's shard.
  std::string Key(const std::string& suffix, const std::string& unit = kUnit) {
    return keyspace_.Key(keyspace_.ShardFor(unit), suffix);
  }

  std::string HGet(const std::string& key, const std::string& field) {
    auto r = pool_.Command({"HGET", key, field});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? redis::ReplyString(r->get()) : "";
  }

  long long Integer(const std::vector<std::string>& command) {
    auto r = pool_.Command(command);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? (*r)->integer : -1;
  }

  // The ce_type of each event waiting in the unit's outbox, in order.
  std::vector<std::string> OutboxTypes(const std::string& unit = kUnit) {
    std::vector<std::string> types;
    for (auto& entry : testing::OutboxEntries(pool_, keyspace_, keyspace_.ShardFor(unit))) {
      types.push_back(entry["ce_type"]);
    }
    return types;
  }

  // What an answer changes: the unit's day counter, its service's, the alert
  // version, the outbox.
  struct Written {
    std::string n_all, n_service, version;
    size_t events;
    bool operator==(const Written&) const = default;
  };
  Written State() {
    return {HGet(Key("agg:" + kUnit + "/" + kToday), "n"),
            HGet(Key("agg:" + kUnit + "/" + kToday + "/" + kService), "n"), HGet(Key("alert:" + kUnit), "version"),
            OutboxTypes().size()};
  }

  long long Keys() { return Integer({"DBSIZE"}); }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  UnitCatalog units_;
  FeedbackStore store_;
};

TEST_F(FeedbackStoreTest, IssueFeedbackTokenIsStoredOnceAndReplayedOnRetry) {
  auto first = store_.IssueFeedbackToken("issue-1", Issue());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->token().size(), 32u);
  const std::string key = Key("token:" + first->token());
  EXPECT_EQ(HGet(key, "unit"), kUnit);
  EXPECT_EQ(HGet(key, "referral_id"), "ref-0001");
  EXPECT_EQ(HGet(key, "used"), "");
  const long long ttl = Integer({"TTL", key});
  EXPECT_GT(ttl, 335 * 3600);
  EXPECT_LE(ttl, 336 * 3600);

  auto retry = store_.IssueFeedbackToken("issue-1", Issue());
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  const long long keys = Keys();
  // The same key with another body is refused and writes nothing.
  v1::IssueFeedbackTokenRequest other = Issue();
  other.set_visit_id("visit-42");
  EXPECT_EQ(store_.IssueFeedbackToken("issue-1", other).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Keys(), keys);
  // Another key issues another token, for a visit.
  auto visit = store_.IssueFeedbackToken("issue-2", other);
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_NE(visit->token(), first->token());
  EXPECT_EQ(HGet(Key("token:" + visit->token()), "visit_id"), "visit-42");
  EXPECT_TRUE(OutboxTypes().empty()) << "a token is not an event";
}

TEST_F(FeedbackStoreTest, SubmitFeedbackCommitsCountersAlertStateTextAndEventOnce) {
  v1::SubmitFeedbackRequest answer = Answer(9);
  answer.set_free_text("hoitaja oli ystävällinen");
  auto first = store_.SubmitFeedback("answer-1", answer);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->received_on(), kToday);
  EXPECT_TRUE(first->free_text_stored());

  const std::string day_key = Key("agg:" + kUnit + "/" + kToday);
  const std::string service_day = day_key + "/" + kService;
  for (const std::string& key : {day_key, service_day}) {
    EXPECT_EQ(HGet(key, "n"), "1") << key;
    EXPECT_EQ(HGet(key, "s7.count"), "1") << key;
    EXPECT_EQ(HGet(key, "s7.sum"), "4") << key;
    EXPECT_EQ(HGet(key, "nps_count"), "1") << key;
    EXPECT_EQ(HGet(key, "promoters"), "1") << key;
    EXPECT_GT(Integer({"TTL", key}), 1095LL * 86400) << key;
  }
  EXPECT_EQ(HGet(Key("alert:" + kUnit), "version"), "1");
  // Under the group size nothing is evaluated: the state stays unknown.
  EXPECT_EQ(HGet(Key("alert:" + kUnit), "state"), "U");
  const std::string text = Key("text:" + first->feedback_id());
  auto stored = pool_.Command({"GET", text});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(redis::ReplyString(stored->get()), answer.free_text());
  EXPECT_GT(Integer({"TTL", text}), 29 * 86400);
  EXPECT_EQ(OutboxTypes(), std::vector<std::string>{kReceived});

  // A retry answers the first answer and changes nothing.
  const Written written = State();
  auto retry = store_.SubmitFeedback("answer-1", answer);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(State(), written);
  // The same key with another body is refused and writes nothing.
  EXPECT_EQ(store_.SubmitFeedback("answer-1", Answer(3)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(State(), written);

  // A summary reads the counters back.
  v1::GetUnitSummaryRequest summary;
  summary.set_unit_id(kUnit);
  auto read = store_.GetUnitSummary(summary);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->n(), 1);
  EXPECT_TRUE(read->suppressed());
  EXPECT_EQ(read->to_date(), kToday);
}

TEST_F(FeedbackStoreTest, TheFifthAnswerCarriesTheAlertsAndTheSummaryShows) {
  for (int i = 0; i < 5; ++i) {
    v1::SubmitFeedbackRequest answer = Answer(0);
    answer.mutable_statements(0)->set_value(1);
    ASSERT_TRUE(store_.SubmitFeedback("answer-" + std::to_string(i), answer).ok());
  }
  EXPECT_EQ(OutboxTypes(),
            (std::vector<std::string>{kReceived, kReceived, kReceived, kReceived, kReceived, kAlert, kAlert}));
  EXPECT_EQ(HGet(Key("alert:" + kUnit), "state"), "BUUUUUUUB");
  EXPECT_EQ(HGet(Key("alert:" + kUnit), "version"), "5");
  // Still below: no second alert.
  v1::SubmitFeedbackRequest sixth = Answer(0);
  ASSERT_TRUE(store_.SubmitFeedback("answer-5", sixth).ok());
  EXPECT_EQ(OutboxTypes().size(), 8u);

  v1::GetUnitSummaryRequest request;
  request.set_unit_id(kUnit);
  request.set_service(kService);
  auto summary = store_.GetUnitSummary(request);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->n(), 6);
  EXPECT_FALSE(summary->suppressed());
  ASSERT_TRUE(summary->has_nps());
  EXPECT_DOUBLE_EQ(summary->nps(), -100.0);
  ASSERT_EQ(summary->statement_means_size(), 1);
  EXPECT_EQ(summary->statement_means(0).statement(), v1::STATEMENT_FELT_SAFE);
  EXPECT_DOUBLE_EQ(summary->statement_means(0).mean(), 9.0 / 6);
}

TEST_F(FeedbackStoreTest, ASummarySumsTheDaysOfItsPeriodOnly) {
  // Days written as an answer writes them: the period's first and last day
  // count, the days either side do not.
  for (const char* date : {"2026-10-27", "2026-10-28", "2026-11-26", "2026-11-27"}) {
    ASSERT_TRUE(
        pool_.Command({"HSET", Key("agg:" + kUnit + "/" + date), "n", "3", "nps_count", "3", "promoters", "3"}).ok());
  }
  ASSERT_TRUE(pool_.Command({"HSET", Key("agg:" + kUnit + "/2026-11-01/" + kService), "n", "2"}).ok());
  v1::GetUnitSummaryRequest request;
  request.set_unit_id(kUnit);
  auto all = store_.GetUnitSummary(request);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->from_date(), "2026-10-28");
  EXPECT_EQ(all->n(), 6);
  EXPECT_DOUBLE_EQ(all->nps(), 100.0);
  request.set_service(kService);
  auto one_service = store_.GetUnitSummary(request);
  ASSERT_TRUE(one_service.ok()) << one_service.status();
  EXPECT_EQ(one_service->n(), 2);
}

TEST_F(FeedbackStoreTest, ATokenIsSpentOnceAtItsOwnUnit) {
  auto token = store_.IssueFeedbackToken("issue-1", Issue());
  ASSERT_TRUE(token.ok()) << token.status();
  v1::SubmitFeedbackRequest with_token = Answer(10);
  with_token.set_feedback_token(token->token());
  auto first = store_.SubmitFeedback("answer-1", with_token);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(HGet(Key("token:" + token->token()), "used"), first->feedback_id());
  // The retry of the answer that spent it replays.
  auto replay = store_.SubmitFeedback("answer-1", with_token);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->feedback_id(), first->feedback_id());

  const Written written = State();
  auto twice = store_.SubmitFeedback("answer-2", with_token).status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(twice.message(), "feedback_token: already used");
  EXPECT_EQ(State(), written);

  const std::string unknown_message = "feedback_token: unknown, expired or issued for another unit";
  v1::SubmitFeedbackRequest unknown = Answer(10);
  unknown.set_feedback_token(std::string(32, 'e'));
  auto st = store_.SubmitFeedback("answer-3", unknown).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), unknown_message);
  EXPECT_EQ(State(), written);

  // A token of another unit, used here; and this unit's token used there
  // (the token's unit is checked in the answer's unit's shard).
  auto elsewhere = store_.IssueFeedbackToken("issue-2", Issue(kOtherUnit));
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  v1::SubmitFeedbackRequest wrong_unit = Answer(10);
  wrong_unit.set_feedback_token(elsewhere->token());
  st = store_.SubmitFeedback("answer-4", wrong_unit).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.message(), unknown_message);
  EXPECT_EQ(State(), written);
  EXPECT_EQ(HGet(Key("token:" + elsewhere->token(), kOtherUnit), "used"), "");
}

TEST_F(FeedbackStoreTest, InvalidRequestsWriteNothing) {
  const long long keys = Keys();
  v1::IssueFeedbackTokenRequest no_subject = Issue();
  no_subject.clear_subject();
  EXPECT_EQ(store_.IssueFeedbackToken("issue-1", no_subject).status().message(), "referral_id: required (or visit_id)");
  EXPECT_EQ(store_.IssueFeedbackToken("issue-2", Issue("fc-nowhere-1")).status().message(), "unit_id: unknown unit");
  v1::SubmitFeedbackRequest not_offered = Answer(5, kUnit, "home-care-visits");
  EXPECT_EQ(store_.SubmitFeedback("answer-1", not_offered).status().message(), "service: not offered by this unit");
  v1::SubmitFeedbackRequest bad_token = Answer(5);
  bad_token.set_feedback_token("ABC");
  EXPECT_EQ(store_.SubmitFeedback("answer-2", bad_token).status().message(), "feedback_token: not a feedback token");
  v1::SubmitFeedbackRequest bad_value = Answer(5);
  bad_value.mutable_statements(0)->set_value(6);
  EXPECT_EQ(store_.SubmitFeedback("answer-3", bad_value).status().message(), "statements[0].value: must be 1-5");
  v1::GetUnitSummaryRequest backwards;
  backwards.set_unit_id(kUnit);
  backwards.set_from_date("2026-11-02");
  backwards.set_to_date("2026-11-01");
  EXPECT_EQ(store_.GetUnitSummary(backwards).status().message(), "from_date: after to_date");
  EXPECT_EQ(Keys(), keys);
}

TEST_F(FeedbackStoreTest, ConcurrentAnswersAreEachCountedOnce) {
  std::atomic<int> applied{0}, aborted{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto st = store_.SubmitFeedback("answer-" + std::to_string(t) + "-" + std::to_string(i), Answer(i)).status();
        (st.ok() ? applied : st.code() == absl::StatusCode::kAborted ? aborted : other)++;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(applied + aborted, 40);
  EXPECT_GT(applied.load(), 0);
  // Each applied answer, and only those, counted, bumped the version and
  // published.
  const Written written = State();
  EXPECT_EQ(written.n_all, std::to_string(applied.load()));
  EXPECT_EQ(written.n_service, std::to_string(applied.load()));
  EXPECT_EQ(written.version, std::to_string(applied.load()));
  size_t received = 0;
  for (const auto& type : OutboxTypes()) received += type == kReceived;
  EXPECT_EQ(received, static_cast<size_t>(applied.load()));
}

TEST_F(FeedbackStoreTest, CorruptCountersOrAlertStateAreDataLoss) {
  ASSERT_TRUE(pool_.Command({"HSET", Key("agg:" + kUnit + "/" + kToday), "n", "many"}).ok());
  v1::GetUnitSummaryRequest request;
  request.set_unit_id(kUnit);
  EXPECT_EQ(store_.GetUnitSummary(request).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_.SubmitFeedback("answer-1", Answer(5)).status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(pool_.Command({"DEL", Key("agg:" + kUnit + "/" + kToday)}).ok());
  ASSERT_TRUE(pool_.Command({"HSET", Key("alert:" + kUnit), "state", "X"}).ok());
  EXPECT_EQ(store_.SubmitFeedback("answer-2", Answer(5)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(OutboxTypes().empty());
}

TEST_F(FeedbackStoreTest, RedisTroubleIsNeverNotFound) {
  auto token = store_.IssueFeedbackToken("issue-1", Issue());
  ASSERT_TRUE(token.ok()) << token.status();
  v1::GetUnitSummaryRequest summary;
  summary.set_unit_id(kUnit);

  // Keys of the wrong type: INTERNAL.
  const std::string day_key = Key("agg:" + kUnit + "/" + kToday);
  ASSERT_TRUE(pool_.Command({"SET", day_key, "not a hash"}).ok());
  EXPECT_EQ(store_.GetUnitSummary(summary).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_.SubmitFeedback("answer-1", Answer(5)).status().code(), absl::StatusCode::kInternal);
  ASSERT_TRUE(pool_.Command({"DEL", day_key}).ok());
  ASSERT_TRUE(pool_.Command({"SET", Key("alert:" + kUnit), "not a hash"}).ok());
  EXPECT_EQ(store_.SubmitFeedback("answer-2", Answer(5)).status().code(), absl::StatusCode::kInternal);
  ASSERT_TRUE(pool_.Command({"DEL", Key("alert:" + kUnit)}).ok());
  const std::string token_key = Key("token:" + token->token());
  ASSERT_TRUE(pool_.Command({"DEL", token_key}).ok());
  ASSERT_TRUE(pool_.Command({"SET", token_key, "not a hash"}).ok());
  v1::SubmitFeedbackRequest with_token = Answer(5);
  with_token.set_feedback_token(token->token());
  EXPECT_EQ(store_.SubmitFeedback("answer-3", with_token).status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(OutboxTypes().empty());

  // Redis stopped: UNAVAILABLE, for every command.
  redis_.Stop();
  EXPECT_EQ(store_.IssueFeedbackToken("issue-2", Issue()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.SubmitFeedback("answer-4", Answer(5)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.GetUnitSummary(summary).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace yhteys::feedback
