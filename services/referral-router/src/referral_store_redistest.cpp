// The router's stores against a real redis-server: referrals loaded,
// decided and committed over their version with their events and indexes;
// replays of events and requests; clocks raised overdue once; and units'
// own availability reports.
#include "referral_store.hpp"

#include <gtest/gtest.h>

#include "referral_builder.hpp"
#include "referral_lifecycle.hpp"
#include "unit_store.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::router {
namespace {

namespace rs = referral::v1;

class ReferralStoreTest : public ::testing::Test {
 protected:
  ReferralStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("rr", 4),
        store_(pool_, keyspace_, "/yhteys/referral-router", std::chrono::hours(1),
               OfferExpiry{std::chrono::seconds(60), std::chrono::seconds(3600)}),
        units_(pool_, keyspace_, "/yhteys/referral-router", std::chrono::hours(1)) {}

  // A CREATED referral for `client_` with two internal candidates and a
  // statutory clock due on `due`.
  v1::Referral Made(const std::string& tail, const std::string& due = "2099-01-01") {
    v1::Referral r;
    r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client_), tail));
    r.mutable_offer()->set_client_pseudonym(client_);
    r.mutable_offer()->set_rule_id("homecare-drs-depression");
    r.mutable_offer()->set_need_code("possible-depression");
    r.mutable_offer()->mutable_statutory_deadline()->set_due_date(due);
    SetClocks(&r);
    UnitChoice choice;
    choice.ranked = {{"mh-a", true, Capacity::kAvailable}, {"mh-b", true, Capacity::kAvailable}};
    Directory directory;
    for (const char* id : {"mh-a", "mh-b"}) {
      DirectoryUnit unit;
      unit.id = id;
      unit.reached_through = common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE;
      directory.units.push_back(unit);
    }
    Route(choice, directory, &r);
    return r;
  }
  int Shard() const { return keyspace_.ShardFor(ShardKeyOfPseudonym(client_)); }
  // The events waiting in the outbox of the client's shard, by type.
  // The events of the referrals topic in the shard's outbox, in order.
  std::vector<std::string> Types() {
    std::vector<std::string> types;
    for (auto& e : testing::OutboxEntries(pool_, keyspace_, Shard())) {
      if (e["topic"] == kafka::topics::kReferrals) types.push_back(e["ce_type"]);
    }
    return types;
  }
  // The referrals on the changelog topic, in order: "<id>@<state>".
  std::vector<std::string> Changelog() {
    std::vector<std::string> out;
    for (auto& e : testing::OutboxEntries(pool_, keyspace_, Shard())) {
      if (e["topic"] != kafka::topics::kRouterChangelog) continue;
      v1::Referral r;
      EXPECT_TRUE(r.ParseFromString(e["payload"]));
      EXPECT_EQ(e["key"], r.offer().client_pseudonym());
      out.push_back(r.offer().referral_id() + "@" + rs::ReferralState_Name(r.state()));
    }
    return out;
  }
  std::vector<std::string> Due(int64_t now_ms = int64_t{1} << 50) { return *store_.DueDispatches(Shard(), now_ms, 10); }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  ReferralStore store_;
  UnitStore units_;
  const std::string client_ = std::string(64, 'e');
};

// mh-a's decline, as its inbox's event says it.
std::vector<std::string> Ids(const std::vector<v1::Referral>& referrals) {
  std::vector<std::string> ids;
  for (const auto& r : referrals) ids.push_back(r.offer().referral_id());
  return ids;
}

Answer Declined() {
  Answer a;
  a.state = rs::INBOX_STATE_DECLINED;
  a.unit_id = "mh-a";
  a.decline_reason = rs::DECLINE_REASON_NO_CAPACITY;
  a.at = ids::NowTimestamp();
  return a;
}

TEST_F(ReferralStoreTest, EachStepWritesItsEventAndTheIndexesItsStateImplies) {
  v1::Referral r = Made("0000000000000001");
  const std::string id = r.offer().referral_id();
  ASSERT_TRUE(store_.CreateReferrals("/yhteys/home-care", "e-1", {r}).ok());
  EXPECT_EQ(Due(), std::vector<std::string>{id}) << "waits for its first offer";
  auto offered = store_.Change(
      id, [](const v1::Referral& x) { return DecideOffered(x, ids::NowTimestamp()); }, Dedup::None());
  ASSERT_TRUE(offered.ok()) << offered.status();
  EXPECT_TRUE(Due().empty());
  EXPECT_EQ(*store_.DueExpiries(Shard(), int64_t{1} << 50, 10), std::vector<std::string>{id});
  EXPECT_EQ(Ids(*store_.Worklist("mh-a", false, 10)), std::vector<std::string>{id}) << "on mh-a's worklist";
  EXPECT_TRUE(store_.DueExpiries(Shard(), ids::NowMillis(), 10)->empty()) << "expires in 60 s, not now";
  auto declined = store_.Change(
      id, [](const v1::Referral& x) { return DecideAnswer(x, Declined()); },
      Dedup::Event("/yhteys/mental-health-intake", "o-1"));
  ASSERT_TRUE(declined.ok());
  EXPECT_FALSE(declined->replayed);
  EXPECT_EQ(declined->referral.offer().unit_id(), "mh-b");
  EXPECT_EQ(Due(), std::vector<std::string>{id}) << "re-routed: waits for the offer to mh-b";
  EXPECT_TRUE(store_.DueExpiries(Shard(), int64_t{1} << 50, 10)->empty());
  EXPECT_TRUE(store_.Worklist("mh-a", false, 10)->empty()) << "off mh-a's worklist once it declined";
  EXPECT_TRUE(store_.Worklist("mh-b", false, 10)->empty()) << "on mh-b's only once offered there";
  EXPECT_EQ(Types(), (std::vector<std::string>{"yhteys.referral.v1.ReferralStateChanged",
                                               "yhteys.referral.v1.ReferralStateChanged",
                                               "yhteys.referral.v1.ReferralStateChanged"}));
  // Every state written is on the changelog too, whole, for a rebuild.
  EXPECT_EQ(Changelog(), (std::vector<std::string>{id + "@REFERRAL_STATE_CREATED", id + "@REFERRAL_STATE_OFFERED",
                                                   id + "@REFERRAL_STATE_DECLINED"}));
  // The same event again: a replay, although the decision would now fail
  // (the referral is no longer OFFERED to mh-a) — not a stale outcome.
  auto again = store_.Change(
      id, [](const v1::Referral& x) { return DecideAnswer(x, Declined()); },
      Dedup::Event("/yhteys/mental-health-intake", "o-1"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(Types().size(), 3u);
  // Another event with the same answer is stale: FAILED_PRECONDITION, nothing written.
  auto stale = store_.Change(
      id, [](const v1::Referral& x) { return DecideAnswer(x, Declined()); },
      Dedup::Event("/yhteys/mental-health-intake", "o-2"));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Types().size(), 3u);
}

TEST_F(ReferralStoreTest, ARetriedRequestReplaysItsFirstAnswer) {
  v1::Referral r = Made("0000000000000002");
  const std::string id = r.offer().referral_id();
  ASSERT_TRUE(store_.CreateReferrals("/yhteys/home-care", "e-2", {r}).ok());
  const auto cancel = [](const v1::Referral& x) {
    return DecideCancelled(x, rs::CANCEL_REASON_CLIENT_REFUSED, ids::NowTimestamp());
  };
  auto first = store_.Change(id, cancel, Dedup::Request("CancelReferral", "k-1", "fp-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->referral.state(), rs::REFERRAL_STATE_CANCELLED);
  auto retry = store_.Change(id, cancel, Dedup::Request("CancelReferral", "k-1", "fp-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->referral.SerializeAsString(), first->referral.SerializeAsString());
  auto other = store_.Change(id, cancel, Dedup::Request("CancelReferral", "k-1", "fp-2"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.status().message().rfind("idempotency_key", 0), 0u) << other.status();
  auto fresh = store_.Change(id, cancel, Dedup::Request("CancelReferral", "k-2", "fp-1"));
  EXPECT_EQ(fresh.status().code(), absl::StatusCode::kFailedPrecondition) << "already CANCELLED";
  EXPECT_EQ(Types().size(), 2u);
}

// A writer that commits between another's load and commit: the second
// decision is made again on what the first wrote, never over it.
TEST_F(ReferralStoreTest, AChangeMadeMeanwhileIsNeverOverwritten) {
  v1::Referral r = Made("0000000000000003");
  const std::string id = r.offer().referral_id();
  ASSERT_TRUE(store_.CreateReferrals("/yhteys/home-care", "e-3", {r}).ok());
  int decisions = 0;
  auto outer = store_.Change(
      id,
      [&](const v1::Referral& x) -> absl::StatusOr<v1::Referral> {
        if (++decisions == 1) {
          // Meanwhile the origin cancels.
          auto inner = store_.Change(
              id, [](const v1::Referral& y) { return DecideCancelled(y, rs::CANCEL_REASON_ORIGIN_WITHDREW, {}); },
              Dedup::None());
          EXPECT_TRUE(inner.ok()) << inner.status();
        }
        return DecideOffered(x, ids::NowTimestamp());
      },
      Dedup::None());
  EXPECT_EQ(decisions, 2);
  EXPECT_EQ(outer.status().code(), absl::StatusCode::kFailedPrecondition) << "an offer needs CREATED or DECLINED";
  EXPECT_EQ(store_.Get(id)->state(), rs::REFERRAL_STATE_CANCELLED);
}

TEST_F(ReferralStoreTest, AClockAlreadyPastDueIsRaisedOverdueOnce) {
  v1::Referral r = Made("0000000000000004", "2026-01-02");
  const std::string id = r.offer().referral_id();
  ASSERT_TRUE(store_.CreateReferrals("/yhteys/home-care", "e-4", {r}).ok());
  const int64_t now = ids::NowMillis();
  auto due = store_.DueClocks(Shard(), now, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0], std::make_pair(id, v1::CLOCK_KIND_STATUTORY_START));
  auto raised = store_.Change(
      id, [&](const v1::Referral& x) { return DecideOverdue(x, v1::CLOCK_KIND_STATUTORY_START, now); }, Dedup::None(),
      false);
  ASSERT_TRUE(raised.ok()) << raised.status();
  EXPECT_TRUE(store_.DueClocks(Shard(), now, 10)->empty());
  // Overdue: on its county's counsellors' worklist ("" here: no county set).
  EXPECT_EQ(Ids(*store_.Worklist("", true, 10)), std::vector<std::string>{id});
  EXPECT_EQ(Types(), (std::vector<std::string>{"yhteys.referral.v1.ReferralStateChanged",
                                               "yhteys.referral.v1.ReferralOverdue"}));
  auto entries = testing::OutboxEntries(pool_, keyspace_, Shard());
  ASSERT_EQ(entries.size(), 4u);  // each step's event, then its changelog record
  EXPECT_EQ(entries[3]["topic"], kafka::topics::kRouterChangelog);
  rs::ReferralOverdue overdue;
  ASSERT_TRUE(overdue.ParseFromString(entries[2]["payload"]));
  EXPECT_EQ(overdue.clock(), "statutory");
  EXPECT_EQ(overdue.deadline().due_date(), "2026-01-02");
  EXPECT_EQ(overdue.unit_id(), "mh-a");
  // Raised once: a second decision is refused, and nothing is published.
  EXPECT_EQ(store_
                .Change(
                    id, [&](const v1::Referral& x) { return DecideOverdue(x, v1::CLOCK_KIND_STATUTORY_START, now); },
                    Dedup::None(), false)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Types().size(), 2u);
}

TEST_F(ReferralStoreTest, AUnitsOwnReportGoesOverTheFileAndIsPublished) {
  DirectoryUnit unit;
  unit.id = "mh-a";
  unit.status = UnitStatus::kActive;
  unit.capacity = Capacity::kAvailable;
  unit.capacity_updated_on = "2026-11-01";
  EXPECT_TRUE(units_.Get({"mh-a"})->empty());
  auto updated = units_.Update("k-1", "fp-1", unit, v1::UNIT_STATUS_TEMPORARILY_CLOSED,
                               v1::UNIT_CAPACITY_WAITLIST_OVER_3_MONTHS, "2026-11-26");
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->status(), v1::UNIT_STATUS_TEMPORARILY_CLOSED);
  EXPECT_TRUE(updated->updated_by_unit());
  auto replay = units_.Update("k-1", "fp-1", unit, v1::UNIT_STATUS_TEMPORARILY_CLOSED,
                              v1::UNIT_CAPACITY_WAITLIST_OVER_3_MONTHS, "2026-11-27");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->capacity_updated_on(), "2026-11-26") << "the first answer";
  auto reported = units_.Get({"mh-a", "mh-b"});
  ASSERT_TRUE(reported.ok());
  ASSERT_EQ(reported->size(), 1u);
  std::vector<DirectoryUnit> units = {unit};
  ApplyAvailability(*reported, &units);
  EXPECT_EQ(units[0].status, UnitStatus::kTemporarilyClosed);
  EXPECT_EQ(units[0].capacity, Capacity::kWaitlistOverThreeMonths);
  EXPECT_EQ(units[0].capacity_updated_on, "2026-11-26");
  // One event, on the unit's shard, saying what changed.
  // (and the same record on the changelog, for a rebuild)
  auto entries = testing::OutboxEntries(pool_, keyspace_, keyspace_.ShardFor("mh-a"));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["topic"], kafka::topics::kRouterChangelog);
  EXPECT_EQ(entries[1]["payload"], entries[0]["payload"]);
  rs::UnitAvailabilityChanged event;
  ASSERT_TRUE(event.ParseFromString(entries[0]["payload"]));
  EXPECT_EQ(event.previous_status(), "active");
  EXPECT_EQ(event.status(), "temporarily_closed");
  EXPECT_EQ(event.capacity(), "waitlist_over_3_months");
  // A second report says what it replaced.
  ASSERT_TRUE(
      units_.Update("k-2", "fp-2", unit, v1::UNIT_STATUS_ACTIVE, v1::UNIT_CAPACITY_AVAILABLE, "2026-11-28").ok());
  entries = testing::OutboxEntries(pool_, keyspace_, keyspace_.ShardFor("mh-a"));
  ASSERT_EQ(entries.size(), 4u);
  ASSERT_TRUE(event.ParseFromString(entries[2]["payload"]));
  EXPECT_EQ(event.previous_status(), "temporarily_closed");
  EXPECT_EQ(event.status(), "active");
}

}  // namespace
}  // namespace yhteys::router
