// Home care's store against a real redis-server, without gRPC or Kafka:
// each command's commit, idempotent replay, version conflicts and error
// paths, counted in Redis (keys, fields and outbox events).
#include "home_care_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "fill_unset.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::homecare {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

const std::string kUnit = "hc-lahti-1";
constexpr year_month_day kBorn{year(1940), month(5), day(5)};  // 86 on the test's today

class HomeCareStoreTest : public ::testing::Test {
 protected:
  HomeCareStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("hc", 4),
        pseudonymizer_(*hetu::Pseudonymizer::FromKey(std::string(32, 'k'))),
        store_(pool_, keyspace_, pseudonymizer_, Settings()) {}

  HomeCareSettings Settings() {
    HomeCareSettings s;
    s.accept_temporary_codes = true;
    s.today = [] { return year_month_day{year(2026), month(11), day(26)}; };
    s.units = {kUnit, "hc-heinola-1"};
    s.missed_visits_alert_after = 2;
    s.count_disagreement = [this](const std::string& scale) {
      std::lock_guard lock(counted_mu_);
      ++counted_[scale];
    };
    return s;
  }

  static v1::RegisterClientRequest Register(year_month_day born = kBorn) {
    v1::RegisterClientRequest r;
    r.set_identity_code(hetu::SyntheticIdentityCodeBornOn(born));
    r.set_municipality_code("398");
    r.set_language(common::v1::LANGUAGE_FI);
    r.set_unit_id(kUnit);
    return r;
  }

  std::string Registered(year_month_day born = kBorn) {
    auto registered = store_.RegisterClient("register-" + calendar::FormatDate(born), Register(born));
    EXPECT_TRUE(registered.ok()) << registered.status();
    return registered.ok() ? registered->client_id() : "";
  }

  static v1::RecordAssessmentRequest Assessment(const std::string& client_id, const std::string& on = "2026-11-20") {
    v1::RecordAssessmentRequest r;
    r.set_client_id(client_id);
    r.set_assessed_on(on);
    proto::FillUnset(*r.mutable_items());  // every item answered, code 0
    return r;
  }

  static v1::RecordVisitRequest Visit(const std::string& client_id, v1::VisitOutcome outcome) {
    v1::RecordVisitRequest r;
    r.set_client_id(client_id);
    r.set_visit_date("2026-11-25");
    r.set_outcome(outcome);
    if (outcome == v1::VISIT_OUTCOME_MISSED) r.set_missed_reason(v1::MISSED_REASON_STAFF_SHORTAGE);
    return r;
  }

  static v1::SetCarePlanRequest Plan(const std::string& client_id) {
    v1::SetCarePlanRequest r;
    r.set_client_id(client_id);
    r.mutable_plan()->set_visits_per_week(7);
    r.mutable_plan()->add_tasks(v1::CARE_TASK_MEDICATION);
    r.mutable_plan()->set_valid_from("2026-11-20");
    return r;
  }

  std::string Key(const std::string& client_id, const std::string& suffix = "") {
    return keyspace_.Key(keyspace_.ShardFor(client_id), "client:" + client_id + suffix);
  }

  // The client hash, field by field.
  std::map<std::string, std::string> ClientHash(const std::string& client_id) {
    auto reply = pool_.Command({"HGETALL", Key(client_id)});
    EXPECT_TRUE(reply.ok()) << reply.status();
    auto flat = redis::DecodeStrings(reply->get(), "client hash");
    EXPECT_TRUE(flat.ok()) << flat.status();
    std::map<std::string, std::string> fields;
    for (size_t i = 0; flat.ok() && i + 1 < flat->size(); i += 2) fields[(*flat)[i]] = (*flat)[i + 1];
    return fields;
  }

  long long Integer(const std::vector<std::string>& command) {
    auto reply = pool_.Command(command);
    EXPECT_TRUE(reply.ok()) << reply.status();
    auto n = redis::DecodeInteger(reply->get(), command[0]);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  // Events waiting in all shards' outboxes.
  long long OutboxEvents() { return testing::OutboxEvents(pool_, keyspace_); }

  int Counted(const std::string& scale) {
    std::lock_guard lock(counted_mu_);
    return counted_[scale];
  }

  std::mutex counted_mu_;
  std::map<std::string, int> counted_;
  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  hetu::Pseudonymizer pseudonymizer_;
  HomeCareStore store_;
};

TEST_F(HomeCareStoreTest, RegisterClientIsStoredOnceAndReplayedOnRetry) {
  auto first = store_.RegisterClient("reg-1", Register());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->already_registered());
  EXPECT_EQ(first->client_id(), pseudonymizer_.Pseudonym(Register().identity_code()));
  auto retry = store_.RegisterClient("reg-1", Register());
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->client_id(), first->client_id());
  EXPECT_FALSE(retry->already_registered());
  EXPECT_EQ(OutboxEvents(), 1);

  // The same person under another key: the same client, nothing written.
  auto again = store_.RegisterClient("reg-2", Register());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->client_id(), first->client_id());
  EXPECT_TRUE(again->already_registered());
  // The same key with another body is refused.
  v1::RegisterClientRequest other = Register();
  other.set_municipality_code("092");
  EXPECT_EQ(store_.RegisterClient("reg-1", other).status().message(),
            "idempotency_key: already used for a different request");
  EXPECT_EQ(OutboxEvents(), 1);

  // The layout: the profile and the birth date, no version yet.
  auto fields = ClientHash(first->client_id());
  EXPECT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields["born"], "1940-05-05");
  v1::Client profile;
  ASSERT_TRUE(profile.ParseFromString(fields["profile"]));
  EXPECT_EQ(profile.client_id(), first->client_id());
  EXPECT_EQ(profile.age_years(), 86);
  EXPECT_EQ(fields["profile"].find(Register().identity_code()), std::string::npos);

  auto client = store_.GetClient(first->client_id());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->age_years(), 86);
  EXPECT_EQ(client->unit_id(), kUnit);
  EXPECT_EQ(store_.UnitOfClient(first->client_id()).value_or(""), kUnit);
}

TEST_F(HomeCareStoreTest, AnAssessmentIsWrittenOnceAndItsDisagreementsCountedOnce) {
  const std::string p = Registered();
  v1::RecordAssessmentRequest request = Assessment(p);
  auto* certified = request.mutable_certified_scales();
  certified->set_drs(4);  // the items give 0
  certified->set_maple(1);
  auto first = store_.RecordAssessment("a-1", request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->disagreements_size(), 1);
  EXPECT_EQ(first->disagreements(0).scale(), "drs");
  EXPECT_EQ(Counted("drs"), 1);
  auto replay = store_.RecordAssessment("a-1", request);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->assessment_id(), first->assessment_id());
  EXPECT_EQ(Counted("drs"), 1);
  EXPECT_EQ(OutboxEvents(), 2);
  EXPECT_EQ(Integer({"ZCARD", Key(p, ":assessments")}), 1);
  // An unchanged allowance leaves the profile and its version alone.
  EXPECT_EQ(ClientHash(p).count("version"), 0u);

  auto second = store_.RecordAssessment("a-2", Assessment(p, "2026-11-25"));
  ASSERT_TRUE(second.ok()) << second.status();
  auto list = store_.ListAssessments(p);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->assessments_size(), 2);
  EXPECT_EQ(list->assessments(0).assessment().assessment_id(), second->assessment_id());
  EXPECT_TRUE(list->assessments(0).has_previous());
  EXPECT_EQ(list->assessments(0).change().drs(), -4);
  EXPECT_FALSE(list->assessments(1).has_previous());
  auto client = store_.GetClient(p);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->latest_assessment().assessment_id(), second->assessment_id());

  // A changed allowance rewrites the profile over its version.
  v1::RecordAssessmentRequest highest = Assessment(p, "2026-11-26");
  highest.set_care_allowance(v1::CARE_ALLOWANCE_HIGHEST);
  ASSERT_TRUE(store_.RecordAssessment("a-3", highest).ok());
  EXPECT_EQ(ClientHash(p)["version"], "1");
  EXPECT_EQ(store_.GetClient(p)->care_allowance(), v1::CARE_ALLOWANCE_HIGHEST);
  EXPECT_EQ(OutboxEvents(), 4);
}

TEST_F(HomeCareStoreTest, ErrorPathsWriteNothing) {
  const std::string p = Registered();
  const std::string child = Registered(year_month_day{year(2011), month(1), day(1)});  // 15
  const std::string nobody(64, 'e');
  const long long events = OutboxEvents();
  const long long keys = Integer({"DBSIZE"});

  const std::string no_such_client = "client_id: no such client";
  EXPECT_EQ(store_.RecordAssessment("x-1", Assessment(nobody)).status().message(), no_such_client);
  EXPECT_EQ(store_.SetCarePlan("x-2", Plan(nobody)).status().message(), no_such_client);
  EXPECT_EQ(store_.RecordVisit("x-3", Visit(nobody, v1::VISIT_OUTCOME_DONE)).status().message(), no_such_client);
  EXPECT_EQ(store_.GetClient(nobody).status().message(), no_such_client);
  EXPECT_EQ(store_.UnitOfClient(nobody).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.ListAssessments(nobody).status().message(), no_such_client);

  v1::RegisterClientRequest elsewhere = Register();
  elsewhere.set_unit_id("hc-elsewhere");
  EXPECT_EQ(store_.RegisterClient("x-4", elsewhere).status().message(), "unit_id: not a unit of this service");
  v1::RecordAssessmentRequest allowance = Assessment(child);
  allowance.set_care_allowance(v1::CARE_ALLOWANCE_BASIC);
  EXPECT_EQ(store_.RecordAssessment("x-5", allowance).status().message().rfind("care_allowance: ", 0), 0u);
  v1::SetCarePlanRequest duplicate = Plan(p);
  duplicate.mutable_plan()->add_tasks(v1::CARE_TASK_MEDICATION);
  EXPECT_EQ(store_.SetCarePlan("x-6", duplicate).status().message(), "plan.tasks[1]: duplicate");
  v1::RecordVisitRequest done_with_reason = Visit(p, v1::VISIT_OUTCOME_DONE);
  done_with_reason.set_missed_reason(v1::MISSED_REASON_OTHER);
  EXPECT_EQ(store_.RecordVisit("x-7", done_with_reason).status().message(), "missed_reason: only with a missed visit");
  EXPECT_EQ(store_.GetClient("not-a-pseudonym").status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(OutboxEvents(), events);
  EXPECT_EQ(Integer({"DBSIZE"}), keys);
}

TEST_F(HomeCareStoreTest, VisitsKeepTheStreakAndRaiseTheAlertOncePerRun) {
  const std::string p = Registered();
  constexpr auto M = v1::VISIT_OUTCOME_MISSED;
  constexpr auto D = v1::VISIT_OUTCOME_DONE;
  const std::vector<v1::VisitOutcome> visits = {M, M, M, D, M, M};
  const std::vector<bool> alerts = {false, true, false, false, false, true};
  for (size_t i = 0; i < visits.size(); ++i) {
    auto answer = store_.RecordVisit("visit-" + std::to_string(i), Visit(p, visits[i]));
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->alert_raised(), alerts[i]) << i;
  }
  EXPECT_EQ(OutboxEvents(), 1 + 6 + 2);
  auto fields = ClientHash(p);
  EXPECT_EQ(fields["missed_streak"], "2");
  EXPECT_EQ(fields["version"], "6");
  EXPECT_EQ(store_.GetClient(p)->consecutive_missed_visits(), 2);
  // A retry replays its answer: no event, no version bump.
  auto replay = store_.RecordVisit("visit-1", Visit(p, M));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->alert_raised());
  EXPECT_EQ(replay->consecutive_missed(), 2);
  EXPECT_EQ(OutboxEvents(), 9);
  EXPECT_EQ(ClientHash(p)["version"], "6");
}

TEST_F(HomeCareStoreTest, ConcurrentVisitsAreCountedExactly) {
  const std::string p = Registered();
  const long long before = OutboxEvents();
  std::atomic<int> applied{0}, aborted{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto key = "visit-" + std::to_string(t) + "-" + std::to_string(i);
        auto st = store_.RecordVisit(key, Visit(p, v1::VISIT_OUTCOME_MISSED)).status();
        (st.ok() ? applied : st.code() == absl::StatusCode::kAborted ? aborted : other)++;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(applied + aborted, 40);
  ASSERT_GT(applied.load(), 0);
  // Every applied visit, and only those, counted in the streak, bumped the
  // version and published; the alert once, when the run reached 2.
  auto fields = ClientHash(p);
  EXPECT_EQ(fields["missed_streak"], std::to_string(applied.load()));
  EXPECT_EQ(fields["version"], std::to_string(applied.load()));
  EXPECT_EQ(OutboxEvents() - before, applied.load() + (applied.load() >= 2 ? 1 : 0));
}

TEST_F(HomeCareStoreTest, ReferralOutcomesAreKeptOncePerEventAndShownWithTheCarePlan) {
  const std::string p = Registered();
  referral::v1::ReferralStateChanged change;
  change.set_referral_id("ref-1");
  change.set_client_pseudonym(p);
  change.set_state(referral::v1::REFERRAL_STATE_OFFERED);
  EXPECT_EQ(store_.RecordReferralOutcome("/yhteys/router", "ev-1", change).value_or(true), false);
  EXPECT_EQ(store_.RecordReferralOutcome("/yhteys/router", "ev-1", change).value_or(false), true);
  change.set_state(referral::v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(store_.RecordReferralOutcome("/yhteys/router", "ev-2", change).value_or(true), false);
  EXPECT_EQ(Integer({"HLEN", Key(p, ":referrals")}), 1);

  const long long events = OutboxEvents();
  auto answer = store_.SetCarePlan("plan-1", Plan(p));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->care_plan().visits_per_week(), 7);
  ASSERT_EQ(answer->referrals_size(), 1);
  EXPECT_EQ(answer->referrals(0).state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  auto replay = store_.SetCarePlan("plan-1", Plan(p));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->SerializeAsString(), answer->SerializeAsString());
  EXPECT_EQ(OutboxEvents(), events + 1);
  // The plan is its own field; it guards no version.
  auto fields = ClientHash(p);
  EXPECT_EQ(fields.count("version"), 0u);
  v1::CarePlan stored;
  ASSERT_TRUE(stored.ParseFromString(fields["care_plan"]));
  EXPECT_EQ(stored.SerializeAsString(), Plan(p).plan().SerializeAsString());
  EXPECT_EQ(store_.GetClient(p)->referrals_size(), 1);
}

TEST_F(HomeCareStoreTest, CorruptRecordsAreInternal) {
  const std::string p = Registered();
  ASSERT_TRUE(pool_.Command({"HSET", Key(p), "born", "not a date"}).ok());
  EXPECT_EQ(store_.GetClient(p).status().message(), "stored birth date is corrupt");
  ASSERT_TRUE(pool_.Command({"HSET", Key(p), "profile", std::string("\x0a\xff", 2)}).ok());
  EXPECT_EQ(store_.GetClient(p).status().message(), "stored client is corrupt");
  ASSERT_TRUE(pool_.Command({"ZADD", Key(p, ":assessments"), "1", std::string("\x0a\xff", 2)}).ok());
  EXPECT_EQ(store_.ListAssessments(p).status().message(), "stored assessment is corrupt");
}

TEST_F(HomeCareStoreTest, RedisTroubleIsNeverNotFound) {
  const std::string p = Registered();
  // Referral outcomes of the wrong type: GetClient fails; UnitOfClient does not read them.
  ASSERT_TRUE(pool_.Command({"SET", Key(p, ":referrals"), "not a hash"}).ok());
  EXPECT_EQ(store_.GetClient(p).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_.UnitOfClient(p).value_or(""), kUnit);
  ASSERT_TRUE(pool_.Command({"SET", Key(p, ":assessments"), "not a sorted set"}).ok());
  EXPECT_EQ(store_.ListAssessments(p).status().code(), absl::StatusCode::kInternal);
  // The client itself of the wrong type.
  ASSERT_TRUE(pool_.Command({"DEL", Key(p)}).ok());
  ASSERT_TRUE(pool_.Command({"SET", Key(p), "not a hash"}).ok());
  EXPECT_EQ(store_.GetClient(p).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_.UnitOfClient(p).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_.RecordVisit("v-1", Visit(p, v1::VISIT_OUTCOME_DONE)).status().code(), absl::StatusCode::kInternal);
  redis_.Stop();
  EXPECT_EQ(store_.GetClient(p).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.ListAssessments(p).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.RegisterClient("reg-x", Register()).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace yhteys::homecare
