// The family centre's store against a real redis-server, without gRPC or
// Kafka: each command's commit, idempotent replay, version conflicts and
// error paths, counted in Redis (records and outbox events).
#include "family_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::familycentre {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

const std::string kUnit = "perhekeskus-1";

class FamilyStoreTest : public ::testing::Test {
 protected:
  FamilyStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("fc", 4),
        pseudonymizer_(*hetu::Pseudonymizer::FromKey(std::string(32, 'k'))),
        store_(pool_, keyspace_, pseudonymizer_, Settings()) {}

  static FamilySettings Settings() {
    FamilySettings s;
    s.accept_temporary_codes = true;
    s.today = [] { return year_month_day{year(2026), month(11), day(26)}; };
    s.units = {kUnit, "perhekeskus-2"};
    return s;
  }

  static v1::OpenCaseRequest Open() {
    v1::OpenCaseRequest r;
    r.set_unit_id(kUnit);
    r.set_municipality_code("091");
    r.set_language(common::v1::LANGUAGE_FI);
    r.add_reasons(v1::CONTACT_REASON_PARENTING);
    auto* parent = r.add_members();
    parent->set_identity_code(hetu::SyntheticIdentityCodeBornOn(year_month_day{year(1990), month(4), day(2)}));
    parent->set_role(v1::MEMBER_ROLE_PARENT);
    return r;
  }

  // Events waiting in all shards' outboxes.
  long long OutboxEvents() { return testing::OutboxEvents(pool_, keyspace_); }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  hetu::Pseudonymizer pseudonymizer_;
  FamilyStore store_;
};

TEST_F(FamilyStoreTest, OpenCaseIsStoredOnceAndReplayedOnRetry) {
  auto first = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->case_id(), first->case_id());
  EXPECT_EQ(OutboxEvents(), 1);
  auto got = store_.GetCase(first->case_id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->members(0).member_id(), first->members(0).member_id());
  // The same key with another body is refused and writes nothing.
  v1::OpenCaseRequest other = Open();
  other.set_municipality_code("092");
  EXPECT_EQ(store_.OpenCase("open-1", other).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OutboxEvents(), 1);
  auto listed = store_.ListOpenCases([] {
    v1::ListOpenCasesRequest r;
    r.set_unit_id(kUnit);
    return r;
  }());
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->cases_size(), 1);
}

TEST_F(FamilyStoreTest, ErrorPathsWriteNothing) {
  auto opened = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(opened.ok());
  const long long before = OutboxEvents();
  ASSERT_GE(before, 0);

  v1::OpenCaseRequest bad = Open();
  bad.set_unit_id("unknown");
  EXPECT_EQ(store_.OpenCase("open-2", bad).status().code(), absl::StatusCode::kInvalidArgument);

  v1::AssignWorkerRequest nobody;
  nobody.set_case_id(ids::ShardedId("case", UnitShardKey(kUnit), "0000000000000000"));
  nobody.set_worker_id("w1");
  EXPECT_EQ(store_.AssignWorker("assign-1", nobody).status().code(), absl::StatusCode::kNotFound);

  v1::RecordContactRequest contact;
  contact.set_channel(v1::CONTACT_CHANNEL_PERHELUURI);
  contact.set_municipality_code("091");
  contact.set_language(common::v1::LANGUAGE_FI);
  contact.set_unit_id(kUnit);
  contact.add_reasons(v1::CONTACT_REASON_PARENTING);
  contact.set_case_id(nobody.case_id());
  EXPECT_EQ(store_.RecordContact("contact-1", contact).status().message(), "case_id: no such case");

  v1::OpenCaseRequest missing_contact = Open();
  missing_contact.set_contact_id(ids::ShardedId("con", UnitShardKey(kUnit), "0000000000000000"));
  EXPECT_EQ(store_.OpenCase("open-3", missing_contact).status().message(), "contact_id: no such contact");
  EXPECT_EQ(OutboxEvents(), before);
}

TEST_F(FamilyStoreTest, AddMemberRefusesABadMemberBeforeLookingForTheCase) {
  v1::AddMemberRequest add;
  add.set_case_id(ids::ShardedId("case", UnitShardKey(kUnit), "0000000000000000"));
  add.mutable_member()->set_identity_code("not a code");
  add.mutable_member()->set_role(v1::MEMBER_ROLE_CHILD);
  auto refused = store_.AddMember("add-1", add);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message().rfind("member.identity_code: ", 0), 0u) << refused.status();
  redis_.Stop();  // and without asking Redis at all
  EXPECT_EQ(store_.AddMember("add-1", add).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FamilyStoreTest, AClosedCaseRefusesChangesButReplaysAnAppliedOne) {
  auto opened = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(opened.ok());
  v1::AssignWorkerRequest assign;
  assign.set_case_id(opened->case_id());
  assign.set_worker_id("w1");
  ASSERT_TRUE(store_.AssignWorker("assign-1", assign).ok());
  v1::CloseCaseRequest close;
  close.set_case_id(opened->case_id());
  close.set_outcome(v1::CASE_OUTCOME_NEED_MET);
  auto closed = store_.CloseCase("close-1", close);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->state(), v1::CASE_STATE_CLOSED);
  const long long events = OutboxEvents();
  EXPECT_EQ(events, 3);

  // The retry of the assignment replays; a new assignment is refused.
  auto replay = store_.AssignWorker("assign-1", assign);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->responsible_worker_id(), "w1");
  assign.set_worker_id("w2");
  EXPECT_EQ(store_.AssignWorker("assign-2", assign).status().message(), "case_id: the case is closed");
  EXPECT_EQ(OutboxEvents(), events);
  v1::ListOpenCasesRequest list;
  list.set_unit_id(kUnit);
  EXPECT_EQ(store_.ListOpenCases(list)->cases_size(), 0);
}

TEST_F(FamilyStoreTest, ConcurrentChangesNeverOverwriteEachOther) {
  auto opened = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(opened.ok());
  const long long before = OutboxEvents();
  ASSERT_GE(before, 0);
  std::atomic<int> applied{0}, aborted{0}, other{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        v1::AssignWorkerRequest assign;
        assign.set_case_id(opened->case_id());
        assign.set_worker_id("w" + std::to_string(t) + "-" + std::to_string(i));
        auto st = store_.AssignWorker("assign-" + assign.worker_id(), assign).status();
        (st.ok() ? applied : st.code() == absl::StatusCode::kAborted ? aborted : other)++;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(applied + aborted, 40);
  EXPECT_GT(applied.load(), 0);
  // Each applied change, and only those, bumped the version and published.
  EXPECT_EQ(OutboxEvents() - before, applied.load());
  auto version = pool_.Command(
      {"HGET",
       keyspace_.Key(keyspace_.ShardFor(ids::ShardKeyOfId(opened->case_id(), "case")), "case:" + opened->case_id()),
       "version"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(redis::ReplyString(version->get()), std::to_string(1 + applied.load()));
}

TEST_F(FamilyStoreTest, RecordEpdsReadsTheParentsStoredBirthDate) {
  // Born 1990-11-20: 36 when the case is opened (2026-11-26), 35 on the
  // screening day; only the stored birth date tells the two apart.
  v1::OpenCaseRequest open = Open();
  open.mutable_members(0)->set_identity_code(
      hetu::SyntheticIdentityCodeBornOn(year_month_day{year(1990), month(11), day(20)}));
  auto opened = store_.OpenCase("open-1", open);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->members(0).age_years(), 36);
  v1::RecordEpdsRequest epds;
  epds.set_case_id(opened->case_id());
  epds.set_member_id(opened->members(0).member_id());
  epds.set_encoding(v1::EPDS_ANSWER_ENCODING_SCORED_POINTS);
  epds.set_screened_on("2026-11-10");
  for (int i = 0; i < 10; ++i) epds.add_answers(2);
  auto screened = store_.RecordEpds("epds-1", epds);
  ASSERT_TRUE(screened.ok()) << screened.status();
  ASSERT_EQ(screened->epds_size(), 1);
  EXPECT_EQ(screened->epds(0).total(), 20);
  const int shard = keyspace_.ShardFor(ids::ShardKeyOfId(opened->case_id(), "case"));
  int found = 0;
  for (auto& f : testing::OutboxEntries(pool_, keyspace_, shard)) {
    if (f["ce_type"] != v1::EpdsScreened::descriptor()->full_name()) continue;
    v1::EpdsScreened event;
    ASSERT_TRUE(event.ParseFromString(f["payload"]));
    EXPECT_EQ(event.age_years(), 35);
    EXPECT_EQ(f["key"], epds.member_id());
    ++found;
  }
  EXPECT_EQ(found, 1);
  // A corrupt stored birth date is INTERNAL, not a guess.
  const std::string key =
      keyspace_.Key(keyspace_.ShardFor(ids::ShardKeyOfId(opened->case_id(), "case")), "case:" + opened->case_id());
  ASSERT_TRUE(pool_.Command({"HSET", key, BornField(epds.member_id()), "not a date"}).ok());
  EXPECT_EQ(store_.RecordEpds("epds-2", epds).status().code(), absl::StatusCode::kInternal);
}

TEST_F(FamilyStoreTest, RedisTroubleIsNeverNotFound) {
  auto opened = store_.OpenCase("open-1", Open());
  ASSERT_TRUE(opened.ok());
  const std::string key =
      keyspace_.Key(keyspace_.ShardFor(ids::ShardKeyOfId(opened->case_id(), "case")), "case:" + opened->case_id());
  ASSERT_TRUE(pool_.Command({"DEL", key}).ok());
  ASSERT_TRUE(pool_.Command({"SET", key, "not a hash"}).ok());
  EXPECT_EQ(store_.GetCase(opened->case_id()).status().code(), absl::StatusCode::kInternal);
  redis_.Stop();
  EXPECT_EQ(store_.GetCase(opened->case_id()).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace yhteys::familycentre
