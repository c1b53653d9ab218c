// The dispatcher against a real Redis and an inbox served over real gRPC in
// the test process: a referral cancelled while its offer is on its way to
// the unit is taken back from the unit's inbox, and never shown OFFERED;
// two replicas call each unit once per referral, and one takes over the
// other's shards when it stops.
#include "dispatcher.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "referral_builder.hpp"
#include "referral_lifecycle.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::router {
namespace {

namespace rs = referral::v1;
using namespace std::chrono_literals;

// An inbox whose OfferReferral waits until the test opens the gate; it
// counts the offers of each referral.
class GatedInbox final : public rs::ReferralInbox::Service {
 public:
  explicit GatedInbox(bool open = false) : open_(open) {}
  grpc::Status OfferReferral(grpc::ServerContext*, const rs::OfferReferralRequest* request,
                             rs::InboxEntry* entry) override {
    std::unique_lock lock(mutex_);
    ++offers_;
    ++offers_of_[request->offer().referral_id()];
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    *entry->mutable_offer() = request->offer();
    entry->set_state(rs::INBOX_STATE_OFFERED);
    return grpc::Status::OK;
  }
  grpc::Status WithdrawReferral(grpc::ServerContext*, const rs::WithdrawReferralRequest* request,
                                rs::InboxEntry* entry) override {
    std::lock_guard lock(mutex_);
    withdrawals_.push_back(*request);
    entry->set_state(rs::INBOX_STATE_WITHDRAWN);
    changed_.notify_all();
    return grpc::Status::OK;
  }
  bool WaitForOffer(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return offers_ > 0; });
  }
  void Open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  std::vector<rs::WithdrawReferralRequest> withdrawals() {
    std::lock_guard lock(mutex_);
    return withdrawals_;
  }
  std::map<std::string, int> offers_of() {
    std::lock_guard lock(mutex_);
    return offers_of_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int offers_ = 0;
  std::map<std::string, int> offers_of_;
  std::vector<rs::WithdrawReferralRequest> withdrawals_;
};

// The inbox served on a free loopback port, and stubs that reach it as the
// mental-health intake's.
struct ServedInbox {
  explicit ServedInbox(GatedInbox* inbox) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(inbox);
    server = builder.BuildAndStart();
  }
  ~ServedInbox() {
    if (server) server->Shutdown();
  }
  Dispatcher::Stubs Stubs() const {
    Dispatcher::Stubs stubs;
    stubs[common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE] = rs::ReferralInbox::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
    return stubs;
  }
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

// A CREATED referral of `client`, routed to unit mh-a of the intake.
v1::Referral MakeReferral(const std::string& client, const std::string& suffix) {
  v1::Referral r;
  r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client), suffix));
  r.mutable_offer()->set_client_pseudonym(client);
  r.mutable_offer()->set_rule_id("homecare-drs-depression");
  r.mutable_offer()->set_need_code("possible-depression");
  r.mutable_offer()->mutable_statutory_deadline()->set_due_date("2099-01-01");
  SetClocks(&r);
  UnitChoice choice;
  choice.ranked = {{"mh-a", true, Capacity::kAvailable}};
  Directory directory;
  DirectoryUnit unit;
  unit.id = "mh-a";
  unit.reached_through = common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE;
  directory.units.push_back(unit);
  Route(choice, directory, &r);
  return r;
}

TEST(DispatcherTest, AReferralCancelledWhileItsOfferIsOnItsWayIsTakenBackFromTheInbox) {
  testing::RedisServer redis;
  redis::Pool pool(redis::PoolOptions{"127.0.0.1", redis.port()});
  redis::Keyspace keyspace("rr", 4);
  ReferralStore store(pool, keyspace, "/yhteys/referral-router", std::chrono::hours(1));

  GatedInbox inbox;
  ServedInbox served(&inbox);
  ASSERT_NE(served.server, nullptr);
  Dispatcher::Stubs stubs = served.Stubs();

  const std::string client(64, 'f');
  v1::Referral r = MakeReferral(client, "00000000000000c1");
  const std::string id = r.offer().referral_id();
  ASSERT_TRUE(store.CreateReferrals("/yhteys/home-care", "e-c1", {r}).ok());

  DispatcherOptions options;
  options.offer_timeout = 10s;
  {
    Dispatcher dispatcher(store, std::move(stubs), options, nullptr, nullptr);
    EXPECT_EQ(dispatcher.DispatchOnce(), 1);
    ASSERT_TRUE(inbox.WaitForOffer(5s)) << "the offer call is out";
    // The origin cancels while the unit's inbox is taking the offer.
    auto cancelled = store.Change(
        id,
        [](const v1::Referral& x) {
          return DecideCancelled(x, rs::CANCEL_REASON_ORIGIN_WITHDREW, ids::NowTimestamp());
        },
        Dedup::None());
    ASSERT_TRUE(cancelled.ok()) << cancelled.status();
    EXPECT_TRUE(cancelled->referral.withdraw_unit_id().empty()) << "nothing was in an inbox yet";
    inbox.Open();
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          dispatcher.DispatchOnce();
          return !inbox.withdrawals().empty() && store.Get(id)->withdraw_unit_id().empty();
        },
        10s));
  }
  const auto withdrawals = inbox.withdrawals();
  ASSERT_EQ(withdrawals.size(), 1u);
  EXPECT_EQ(withdrawals[0].referral_id(), id);
  EXPECT_EQ(withdrawals[0].unit_id(), "mh-a");
  EXPECT_EQ(withdrawals[0].reason(), rs::DECLINE_REASON_UNSPECIFIED) << "a cancellation, not an expiry";
  auto after = store.Get(id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state(), rs::REFERRAL_STATE_CANCELLED);
  // The topic never said OFFERED: CREATED, then CANCELLED.
  std::vector<std::string> states;
  for (auto& e : testing::OutboxEntries(pool, keyspace, keyspace.ShardFor(ShardKeyOfPseudonym(client)))) {
    if (e["topic"] != kafka::topics::kReferrals) continue;
    rs::ReferralStateChanged changed;
    ASSERT_TRUE(changed.ParseFromString(e["payload"]));
    states.push_back(rs::ReferralState_Name(changed.state()));
  }
  EXPECT_EQ(states, (std::vector<std::string>{"REFERRAL_STATE_CREATED", "REFERRAL_STATE_CANCELLED"}));
}

// Two router replicas dispatch the same Redis: the shards are split between
// them (each held by one), each referral is offered exactly once, and when
// one stops the other takes its shards and offers what is made there next.
TEST(DispatcherTest, TwoReplicasOfferEachReferralOnceAndOneTakesOverWhenTheOtherStops) {
  testing::RedisServer redis;
  redis::Pool pool(redis::PoolOptions{"127.0.0.1", redis.port()});
  redis::Keyspace keyspace("rr", 4);
  ReferralStore store(pool, keyspace, "/yhteys/referral-router", std::chrono::hours(1));
  GatedInbox inbox(/*open=*/true);
  ServedInbox served(&inbox);
  ASSERT_NE(served.server, nullptr);

  // Referrals of `count` clients, spread over the shards.
  std::set<int> shards_used;
  auto make = [&](int from, int count) {
    std::vector<std::string> made;
    for (int i = from; i < from + count; ++i) {
      const std::string client = ids::Sha256Hex("client-" + std::to_string(i));
      shards_used.insert(keyspace.ShardFor(ShardKeyOfPseudonym(client)));
      v1::Referral r = MakeReferral(client, "00000000000000" + std::to_string(10 + i % 90));
      EXPECT_TRUE(store.CreateReferrals("/yhteys/home-care", "e-" + std::to_string(i), {r}).ok());
      made.push_back(r.offer().referral_id());
    }
    return made;
  };
  auto offered = [&](const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      auto r = store.Get(id);
      if (!r.ok() || r->state() != rs::REFERRAL_STATE_OFFERED) return false;
    }
    return true;
  };

  DispatcherOptions options;
  options.interval = 20ms;
  options.lease_ttl = 1000ms;
  options.replica_id = "replica-a";
  auto a = std::make_unique<Dispatcher>(store, served.Stubs(), options, nullptr, nullptr);
  options.replica_id = "replica-b";
  Dispatcher b(store, served.Stubs(), options, nullptr, nullptr);
  // Shards are taken first come, first served; the test splits them: 0 and
  // 1 are a's, 2 and 3 b's, as two replicas' renewals might leave them.
  for (int shard = 0; shard < 4; ++shard) {
    ASSERT_TRUE(pool.Command({"SET", keyspace.Key(shard, "dispatch-lease"), shard < 2 ? "replica-a" : "replica-b", "PX",
                              "1000"})
                    .ok());
  }
  b.DispatchOnce();
  a->DispatchOnce();
  EXPECT_EQ(a->shards(), (std::vector<int>{0, 1}));
  EXPECT_EQ(b.shards(), (std::vector<int>{2, 3}));

  std::atomic<bool> stop_a{false}, stop_b{false};
  std::thread run_a([&] { a->Run(stop_a); });
  std::thread run_b([&] { b.Run(stop_b); });
  const std::vector<std::string> first = make(0, 40);
  EXPECT_TRUE(testing::WaitFor([&] { return offered(first); }, 15s));
  EXPECT_EQ(shards_used.size(), 4u) << "the referrals span every shard";

  // a stops (and releases): b takes its shards and offers the next ones.
  stop_a = true;
  run_a.join();
  a.reset();
  const std::vector<std::string> second = make(40, 40);
  EXPECT_TRUE(testing::WaitFor([&] { return offered(second); }, 15s));
  for (int shard = 0; shard < 4; ++shard) {
    auto holder = pool.Command({"GET", keyspace.Key(shard, "dispatch-lease")});
    ASSERT_TRUE(holder.ok());
    EXPECT_EQ(std::string((*holder)->str, (*holder)->len), "replica-b") << "shard " << shard;
  }
  stop_b = true;
  run_b.join();

  const auto offers = inbox.offers_of();
  EXPECT_EQ(offers.size(), 80u);
  int twice = 0;
  for (const auto& [id, n] : offers) twice += n > 1 ? 1 : 0;
  EXPECT_EQ(twice, 0) << "no referral offered twice";
}

}  // namespace
}  // namespace yhteys::router
