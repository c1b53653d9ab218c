// The dispatcher against a real Redis and an inbox served over real gRPC in
// the test process: a referral cancelled while its offer is on its way to
// the unit is taken back from the unit's inbox, and never shown OFFERED.
#include "dispatcher.hpp"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

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

// An inbox whose OfferReferral waits until the test opens the gate.
class GatedInbox final : public rs::ReferralInbox::Service {
 public:
  grpc::Status OfferReferral(grpc::ServerContext*, const rs::OfferReferralRequest* request,
                             rs::InboxEntry* entry) override {
    std::unique_lock lock(mutex_);
    ++offers_;
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

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int offers_ = 0;
  std::vector<rs::WithdrawReferralRequest> withdrawals_;
};

TEST(DispatcherTest, AReferralCancelledWhileItsOfferIsOnItsWayIsTakenBackFromTheInbox) {
  testing::RedisServer redis;
  redis::Pool pool(redis::PoolOptions{"127.0.0.1", redis.port()});
  redis::Keyspace keyspace("rr", 4);
  ReferralStore store(pool, keyspace, "/yhteys/referral-router", std::chrono::hours(1));

  GatedInbox inbox;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&inbox);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  Dispatcher::Stubs stubs;
  stubs[common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE] = rs::ReferralInbox::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  const std::string client(64, 'f');
  v1::Referral r;
  r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client), "00000000000000c1"));
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
  server->Shutdown();
}

}  // namespace
}  // namespace yhteys::router
