// The mental-health intake's store against a real redis-server, without
// gRPC or Kafka: commits, idempotent replay, the status checks made at
// commit, concurrent writers and Redis errors, counted in Redis.
#include "intake_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::mentalhealth {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

const std::string kUnit = "mielenterveys-1";

class IntakeStoreTest : public ::testing::Test {
 protected:
  IntakeStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("mh", 4),
        pseudonymizer_(*hetu::Pseudonymizer::FromKey(std::string(32, 'k'))),
        store_(pool_, keyspace_, pseudonymizer_, Settings()) {}

  static IntakeSettings Settings() {
    IntakeSettings s;
    s.accept_temporary_codes = true;
    s.today = [] { return year_month_day{year(2026), month(11), day(26)}; };
    s.units = {kUnit};
    return s;
  }

  absl::StatusOr<v1::Intake> Start(const std::string& key) {
    v1::StartIntakeRequest r;
    r.set_identity_code(hetu::SyntheticIdentityCodeBornOn(year_month_day{year(1990), month(6), day(1)}));
    r.set_channel(v1::INTAKE_CHANNEL_PROFESSIONAL);
    r.set_municipality_code("091");
    r.set_language(common::v1::LANGUAGE_SV);
    r.set_unit_id(kUnit);
    return store_.StartIntake(key, r);
  }
  absl::StatusOr<v1::Intake> Phq9(const std::string& key, const v1::Intake& intake, int item9) {
    v1::SubmitScreeningRequest r;
    r.set_intake_id(intake.intake_id());
    r.set_instrument(v1::INSTRUMENT_PHQ9);
    for (int i = 0; i < 8; ++i) r.add_answers(1);
    r.add_answers(item9);
    return store_.SubmitScreening(key, r);
  }
  absl::StatusOr<v1::Intake> Children(const std::string& key, const v1::Intake& intake) {
    v1::RecordChildrenAtHomeRequest r;
    r.set_intake_id(intake.intake_id());
    r.set_children_count(0);
    return store_.RecordChildrenAtHome(key, r);
  }
  absl::StatusOr<v1::Intake> Complete(const std::string& key, const v1::Intake& intake) {
    v1::CompleteIntakeRequest r;
    r.set_intake_id(intake.intake_id());
    r.set_chosen_level(v1::CARE_LEVEL_2_GUIDED_SELF_HELP);
    return store_.CompleteIntake(key, r);
  }
  std::string IntakeKey(const v1::Intake& intake) {
    return keyspace_.Key(keyspace_.ShardFor(ShardKeyOfIntakeId(intake.intake_id())), "intake:" + intake.intake_id());
  }
  long long OutboxEvents() { return testing::OutboxEvents(pool_, keyspace_); }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  hetu::Pseudonymizer pseudonymizer_;
  IntakeStore store_;
};

TEST_F(IntakeStoreTest, StartIsStoredOnceAndReplayed) {
  auto first = Start("start-1");
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Start("start-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->intake_id(), first->intake_id());
  EXPECT_EQ(OutboxEvents(), 1);
  auto reply = pool_.Command({"HMGET", IntakeKey(*first), "status", "version", "sex"});
  ASSERT_TRUE(reply.ok());
  auto fields = redis::DecodeOptionalStrings(reply->get(), 3, "intake");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ((*fields)[0], kStatusNew);
  EXPECT_EQ((*fields)[1], "1");
  // A synthetic (temporary) code says nothing of the sex: stored empty.
  EXPECT_EQ((*fields)[2], "");
}

TEST_F(IntakeStoreTest, TheCommitChecksTheStatusAfterTheIdempotencyRecord) {
  auto intake = Start("start-1");
  ASSERT_TRUE(intake.ok());
  ASSERT_TRUE(Children("children-1", *intake).ok());
  const long long events = OutboxEvents();
  EXPECT_EQ(Complete("complete-0", *intake).status().message(), "intake_id: no screening submitted yet");
  ASSERT_TRUE(Phq9("phq-1", *intake, 1).ok());
  EXPECT_EQ(Complete("complete-1", *intake).status().message(),
            "risk_level: a risk assessment is required first (PHQ-9 item 9 above 0)");
  v1::RecordRiskAssessmentRequest assess;
  assess.set_intake_id(intake->intake_id());
  assess.set_level(v1::RISK_LEVEL_LOW);
  assess.set_assessed_by("nurse-1");
  ASSERT_TRUE(store_.RecordRiskAssessment("assess-1", assess).ok());
  auto done = Complete("complete-2", *intake);
  ASSERT_TRUE(done.ok()) << done.status();
  // ScreeningScored + RiskAssessmentRequired, RiskAssessed, IntakeCompleted.
  EXPECT_EQ(OutboxEvents() - events, 4);

  // After completion: a retry of an applied change replays; a new one is refused.
  auto replay = Phq9("phq-1", *intake, 1);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->state(), v1::INTAKE_STATE_RISK_ASSESSMENT_REQUIRED);
  EXPECT_EQ(Phq9("phq-2", *intake, 0).status().message(), "intake_id: the intake is completed");
  EXPECT_EQ(OutboxEvents() - events, 4);
}

TEST_F(IntakeStoreTest, ConcurrentScreeningsNeverOverwriteEachOther) {
  auto intake = Start("start-1");
  ASSERT_TRUE(intake.ok());
  const long long before = OutboxEvents();
  std::atomic<int> applied{0}, aborted{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto st = Phq9("phq-" + std::to_string(t) + "-" + std::to_string(i), *intake, 0).status();
        (st.ok() ? applied : st.code() == absl::StatusCode::kAborted ? aborted : other)++;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(applied + aborted, 40);
  EXPECT_GT(applied.load(), 0);
  EXPECT_EQ(OutboxEvents() - before, applied.load());  // one ScreeningScored each
  auto version = pool_.Command({"HGET", IntakeKey(*intake), "version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(redis::ReplyString(version->get()), std::to_string(1 + applied.load()));
}

TEST_F(IntakeStoreTest, ErrorsAreNamedAndRedisTroubleIsNeverNotFound) {
  auto intake = Start("start-1");
  ASSERT_TRUE(intake.ok());
  v1::Intake nobody = *intake;
  nobody.set_intake_id(ids::ShardedId("int", intake->client_id().substr(0, 16), "0000000000000000"));
  EXPECT_EQ(Phq9("phq-x", nobody, 0).status().message(), "intake_id: no such intake");
  EXPECT_EQ(store_.GetIntake("nonsense").status().code(), absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(pool_.Command({"DEL", IntakeKey(*intake)}).ok());
  ASSERT_TRUE(pool_.Command({"SADD", IntakeKey(*intake), "a set"}).ok());
  EXPECT_EQ(store_.GetIntake(intake->intake_id()).status().code(), absl::StatusCode::kInternal);
  redis_.Stop();
  EXPECT_EQ(store_.GetIntake(intake->intake_id()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Start("start-2").status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace yhteys::mentalhealth
