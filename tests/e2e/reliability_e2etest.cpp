// The fault suite with exact accounting (the faults listed in the README's
// test section): a steady load of home-care assessments that must each end
// as one referral, a fault injected mid-load, then every write answered OK
// counted in Redis, on Kafka and in the router (see ledger.hpp). Each test
// prints its row of counts.
//
// Every test starts its own system on free loopback ports; waits are
// WaitFor with a bound; sleeps only pace the writer or hold a fault.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <hiredis/hiredis.h>

#include "clients.hpp"
#include "ledger.hpp"
#include "yhteys/server/health_client.hpp"
#include "yhteys/testing/raw_call.hpp"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Accounting;
using e2e::Ctx;
using e2e::Ledger;
using testing::WaitFor;

bool Serving(testing::YhteysSystem& system, const std::string& service) {
  auto serving = server::CheckHealth(system.Channel(service), 500ms);
  return serving.ok() && *serving;
}

std::string RedisCommand(int port, const std::string& command) {
  timeval tv{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, tv);
  std::string out;
  if (c != nullptr && c->err == 0) {
    auto* r = static_cast<redisReply*>(redisCommand(c, command.c_str()));
    if (r != nullptr) {
      out = r->str != nullptr ? std::string(r->str, r->len) : std::to_string(r->integer);
      freeReplyObject(r);
    }
  }
  if (c) redisFree(c);
  return out;
}

class ReliabilityTest : public ::testing::Test {
 protected:
  void StartSystem(std::map<std::string, std::string> env = {}) {
    system_ = std::make_unique<testing::YhteysSystem>(testing::YhteysSystem::AllServices(), std::move(env));
  }
  testing::YhteysSystem& System() { return *system_; }

  // Runs the ledger's writer on a thread until `stop`.
  std::thread Writer(Ledger& ledger, std::atomic<bool>& stop, int max_writes, std::chrono::milliseconds pace) {
    return std::thread([&ledger, &stop, max_writes, pace] { ledger.Run(stop, max_writes, pace); });
  }

  // The home-care topic's DLQ is empty; read together with the topic
  // itself, so an unreadable cluster cannot pass for an empty DLQ.
  void ExpectNoDeadLetters() {
    auto records =
        testing::ReadAll(System().Bootstrap(), {"yhteys.homecare.events.v1", "yhteys.homecare.events.v1.dlq"},
                         static_cast<size_t>(-1), 3s);
    size_t main = 0, dead = 0;
    for (const auto& r : records) (r.topic == "yhteys.homecare.events.v1.dlq" ? dead : main)++;
    EXPECT_GT(main, 0u) << "the topics could not be read";
    EXPECT_EQ(dead, 0u);
  }

  std::unique_ptr<testing::YhteysSystem> system_;
};

// Finding 1 / R8: writes made while the router is stopped all become
// referrals after it starts again. The committed offset was one past the
// next record, which lost one event per partition at every restart.
TEST_F(ReliabilityTest, ConsumerRestartWithWritesWhileDownLosesNothing) {
  StartSystem();
  Ledger ledger(System(), "restart");
  ASSERT_TRUE(ledger.RegisterClients(1000, 12));
  std::atomic<bool> stop{false};
  ledger.Run(stop, 12, 0ms);  // before: the router has consumed and committed these
  ASSERT_TRUE(ledger.Account(60s).Exact());

  System().Signal("referral-router", SIGTERM);
  ASSERT_NE(System().WaitExit("referral-router", 20s), -1);
  ledger.Run(stop, 24, 0ms);  // 24 more while it is down (on every partition)
  System().Start("referral-router");
  ASSERT_TRUE(System().WaitServing("referral-router", 30s));

  Accounting a = ledger.Account();
  a.Print("consumer restart");
  EXPECT_EQ(a.ok, 36);
  EXPECT_TRUE(a.Exact());
  EXPECT_EQ(a.effects, a.ok);
  EXPECT_EQ(a.duplicate_effects, 0);
}

// R8: the router killed with SIGKILL while a load runs, then restarted.
TEST_F(ReliabilityTest, RouterKilledUnderLoadExactCounts) {
  StartSystem();
  Ledger ledger(System(), "r8");
  ASSERT_TRUE(ledger.RegisterClients(1100, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 120, 40ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 30; }, 30s));
  System().Signal("referral-router", SIGKILL);
  ASSERT_NE(System().WaitExit("referral-router", 10s), -1);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 60; }, 30s));
  System().Start("referral-router");
  writer.join();
  ASSERT_TRUE(System().WaitServing("referral-router", 30s));
  Accounting a = ledger.Account();
  a.Print("R8 router kill -9");
  EXPECT_EQ(a.ok, 120);
  EXPECT_TRUE(a.Exact());
}

// A second router joins the consumer group under load, then leaves it
// (SIGTERM): partitions move twice, nothing is lost or repeated.
TEST_F(ReliabilityTest, RouterRebalanceUnderLoadExactCounts) {
  StartSystem();
  Ledger ledger(System(), "rebalance");
  ASSERT_TRUE(ledger.RegisterClients(1200, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 150, 40ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 30; }, 30s));
  std::string second = System().StartSecondInstance("referral-router");
  ASSERT_TRUE(System().WaitServing(second, 30s));
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 90; }, 30s));
  System().Signal(second, SIGTERM);
  EXPECT_NE(System().WaitExit(second, 30s), -1);
  writer.join();
  Accounting a = ledger.Account();
  a.Print("rebalance (second router joins, leaves)");
  EXPECT_EQ(a.ok, 150);
  EXPECT_TRUE(a.Exact());
}

// R1: Redis killed with SIGKILL under load and restarted on its directory
// (AOF): in-flight calls fail UNAVAILABLE, retries with the same key are
// answered once, and every OK'd write is there.
TEST_F(ReliabilityTest, RedisKilledUnderLoadExactCounts) {
  StartSystem();
  Ledger ledger(System(), "r1");
  ASSERT_TRUE(ledger.RegisterClients(1300, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 100, 30ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 30; }, 30s));
  System().redis().Kill();
  ASSERT_TRUE(WaitFor([&] { return !Serving(System(), "home-care"); }, 15s));
  std::this_thread::sleep_for(1s);  // the outage
  ASSERT_TRUE(System().redis().Start());
  writer.join();
  for (const auto& [code, n] : ledger.failures()) {
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << "code " << code << " x" << n;
  }
  Accounting a = ledger.Account();
  a.Print("R1 redis kill -9");
  EXPECT_EQ(a.ok, 100);
  EXPECT_EQ(ledger.unanswered(), 0);
  EXPECT_TRUE(a.Exact());
  // R10: the router's consumer met the same outage; it retried, it did not
  // dead-letter anything.
  ExpectNoDeadLetters();
}

// R7 / R11: home care killed with SIGKILL under load. Calls in flight fail,
// the writer retries them with the same keys after the restart; entries
// the relay had delivered but not yet deleted, if any at the kill, are sent
// again (same ce_id, printed as redeliveries) and absorbed: exact counts.
TEST_F(ReliabilityTest, HomeCareKilledUnderLoadExactCounts) {
  StartSystem();
  Ledger ledger(System(), "r11");
  ASSERT_TRUE(ledger.RegisterClients(1350, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 100, 30ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 30; }, 30s));
  System().Signal("home-care", SIGKILL);
  ASSERT_NE(System().WaitExit("home-care", 10s), -1);
  std::this_thread::sleep_for(500ms);
  System().Start("home-care");
  writer.join();
  Accounting a = ledger.Account();
  a.Print("R11 home care kill -9");
  EXPECT_EQ(a.ok, 100);
  EXPECT_EQ(ledger.unanswered(), 0);
  EXPECT_TRUE(a.Exact());
}

// R2: Redis hung (SIGSTOP) under load: calls fail within their deadline,
// health goes NOT_SERVING, and all recovers after SIGCONT.
TEST_F(ReliabilityTest, RedisHungUnderLoadFailsFastAndRecovers) {
  StartSystem();
  Ledger ledger(System(), "r2");
  ASSERT_TRUE(ledger.RegisterClients(1400, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 80, 30ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 20; }, 30s));
  System().redis().Pause();
  // A call during the hang is answered (UNAVAILABLE) well within its deadline.
  auto stub = homecare::v1::HomeCare::NewStub(System().Channel("home-care"));
  homecare::v1::GetClientRequest get;
  get.set_client_id(ledger.clients()[0]);
  homecare::v1::Client client;
  auto start = std::chrono::steady_clock::now();
  grpc::Status st = stub->GetClient(Ctx(10s).get(), get, &client);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
  EXPECT_LT(took, 5s);
  EXPECT_TRUE(WaitFor([&] { return !Serving(System(), "home-care"); }, 10s));
  std::this_thread::sleep_for(3s);
  System().redis().Resume();
  EXPECT_TRUE(System().WaitServing("home-care", 20s));
  writer.join();
  Accounting a = ledger.Account();
  a.Print("R2 redis SIGSTOP 3 s");
  EXPECT_EQ(a.ok, 80);
  EXPECT_TRUE(a.Exact());
  ExpectNoDeadLetters();
}

// R3 / finding 4: Redis emptied under a running system. Detected (metric,
// log, NOT_SERVING) and answered UNAVAILABLE, never "no such client"; a
// replay of an answered key is not re-applied. A restart acknowledges it.
TEST_F(ReliabilityTest, RedisEmptiedIsDetectedAndRefusedNotAnsweredAsAbsent) {
  StartSystem();
  Ledger ledger(System(), "r3");
  ASSERT_TRUE(ledger.RegisterClients(1500, 4));
  std::atomic<bool> stop{false};
  ledger.Run(stop, 8, 0ms);
  Accounting before = ledger.Account(60s);
  ASSERT_TRUE(before.Exact());

  EXPECT_EQ(RedisCommand(System().redis().port(), "FLUSHALL"), "OK");
  ASSERT_TRUE(WaitFor([&] { return !Serving(System(), "home-care"); }, 10s));
  std::string metrics = testing::ScrapeMetrics(System().MetricsPort("home-care"));
  EXPECT_EQ(testing::MetricSum(metrics, "yhteys_redis_data_loss_total"), 1) << metrics;
  EXPECT_NE(System().ReadLog("home-care").find("redis data lost while running"), std::string::npos);

  auto stub = homecare::v1::HomeCare::NewStub(System().Channel("home-care"));
  homecare::v1::RecordAssessmentResponse resp;
  auto replay = e2e::AssessmentRequest(ledger.clients()[0], "r3-assess-0", e2e::kDepressedMood);
  grpc::Status st = stub->RecordAssessment(Ctx().get(), replay, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
  EXPECT_NE(st.error_message().find("data lost"), std::string::npos) << st.error_message();
  homecare::v1::GetClientRequest get;
  get.set_client_id(ledger.clients()[1]);
  homecare::v1::Client client;
  EXPECT_EQ(stub->GetClient(Ctx().get(), get, &client).error_code(), grpc::StatusCode::UNAVAILABLE);

  // Downstream: no effect was applied twice (the router refuses too, and no
  // event was re-published).
  ASSERT_TRUE(WaitFor([&] { return !Serving(System(), "referral-router"); }, 10s));
  auto records = testing::ReadAll(System().Bootstrap(), {"yhteys.referrals.events.v1"}, static_cast<size_t>(-1), 3s);
  std::map<std::string, int> created;
  for (const auto& r : records) {
    referral::v1::ReferralStateChanged change;
    if (change.ParseFromString(r.value) && change.state() == referral::v1::REFERRAL_STATE_CREATED) {
      ++created[change.referral_id()];
    }
  }
  EXPECT_EQ(created.size(), 8u);

  // An operator restarts home care on the empty Redis: it serves again.
  System().Signal("home-care", SIGTERM);
  ASSERT_NE(System().WaitExit("home-care", 20s), -1);
  System().Start("home-care");
  EXPECT_TRUE(System().WaitServing("home-care", 30s));
  EXPECT_NE(System().ReadLog("home-care").find("keyspace markers written"), std::string::npos);
}

// R4 / finding 5: the brokers go down for 5 s under load. Home care stays
// SERVING (writes go into the outbox), and afterwards every event arrives
// once, in order, with its referral.
TEST_F(ReliabilityTest, BrokersDownShortStaysServingAndDeliversEverything) {
  StartSystem();
  Ledger ledger(System(), "r4");
  ASSERT_TRUE(ledger.RegisterClients(1600, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 150, 40ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 20; }, 30s));
  System().SetBrokersDown(true);
  int not_serving = 0, checks = 0;
  auto until = std::chrono::steady_clock::now() + 5s;
  int answered_at_down = ledger.answered();
  while (std::chrono::steady_clock::now() < until) {
    not_serving += Serving(System(), "home-care") ? 0 : 1;
    ++checks;
    std::this_thread::sleep_for(200ms);
  }
  int answered_during = ledger.answered() - answered_at_down;
  std::string metrics = testing::ScrapeMetrics(System().MetricsPort("home-care"));
  System().SetBrokersDown(false);
  writer.join();
  EXPECT_EQ(not_serving, 0) << "of " << checks << " health checks while Kafka was down";
  EXPECT_GT(answered_during, 50) << "writes went on while Kafka was down";
  EXPECT_EQ(testing::MetricSum(metrics, "yhteys_dependency_up", {"dependency=\"kafka\""}), 0) << metrics;
  EXPECT_GT(testing::MetricSum(metrics, "yhteys_outbox_backlog"), 0);
  Accounting a = ledger.Account();
  a.Print("R4 brokers down 5 s");
  EXPECT_EQ(a.ok, 150);
  EXPECT_TRUE(a.Exact());
}

// R5 / finding 3: the brokers stay down for 8 s, longer than the old
// delivery timeout used in the reproduction. Events no longer time
// out in the producer: they wait, in order, and arrive once the brokers are
// back; nothing lost, doubled in effect, or out of order per client.
TEST_F(ReliabilityTest, BrokersDownLongKeepsEveryClientsOrder) {
  StartSystem();
  Ledger ledger(System(), "r5");
  ASSERT_TRUE(ledger.RegisterClients(1700, 10));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 250, 25ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 20; }, 30s));
  System().SetBrokersDown(true);
  std::this_thread::sleep_for(8s);
  System().SetBrokersDown(false);
  writer.join();
  Accounting a = ledger.Account();
  a.Print("R5 brokers down 8 s");
  std::string metrics = testing::ScrapeMetrics(System().MetricsPort("home-care"));
  EXPECT_EQ(testing::MetricSum(metrics, "yhteys_outbox_events_total", {"result=\"failed\""}), 0) << metrics;
  EXPECT_EQ(a.ok, 250);
  EXPECT_TRUE(a.Exact());
}

// Finding 7: the dev broker restarted (an empty cluster on the same fixed
// ports): the services find it again without a restart and new writes flow
// end to end. (What was on the old cluster is gone: inherent to the mock.)
TEST_F(ReliabilityTest, DevBrokerRestartedServicesRecoverWithoutRestart) {
  StartSystem();
  Ledger before(System(), "broker-before");
  ASSERT_TRUE(before.RegisterClients(1800, 4));
  std::atomic<bool> stop{false};
  before.Run(stop, 4, 0ms);
  ASSERT_TRUE(before.Account(60s).Exact());

  System().KillBroker();
  System().StartBroker();
  for (const auto& name : testing::YhteysSystem::AllServices()) {
    EXPECT_TRUE(System().WaitServing(name, 60s)) << name << " did not recover";
  }
  Ledger after(System(), "broker-after");
  ASSERT_TRUE(after.RegisterClients(1810, 6));
  after.Run(stop, 30, 20ms);
  Accounting a = after.Account(120s);
  a.Print("dev broker restarted");
  EXPECT_EQ(a.ok, 30);
  EXPECT_EQ(a.stored, a.ok);
  EXPECT_EQ(a.events, a.ok);
  EXPECT_EQ(a.effects, a.ok);
  EXPECT_EQ(a.duplicate_events + a.duplicate_effects + a.stored_unanswered + a.events_unanswered, 0);
  EXPECT_EQ(a.event_inversions, 0);
  // Not asserted: the order of the router's referrals right after the
  // restart. Until the consumer sees the new cluster id (its next metadata
  // refresh) it may read the new partitions from its old position, then
  // re-read them from the beginning: each event still gets exactly one
  // referral, but a client's first referrals on the new cluster can be
  // published out of order. A real Kafka cluster is never replaced under
  // the same addresses; the dev broker's restart is.
}

// R9 / finding 9: poison records on the home-care topic (no CloudEvents
// headers, a null value, an unknown type, an undecodable payload) go to the
// DLQ; the partitions keep flowing and every real write has its effect.
TEST_F(ReliabilityTest, PoisonRecordsGoToTheDeadLetterTopicAndTheLoadFlows) {
  StartSystem();
  Ledger ledger(System(), "r9");
  ASSERT_TRUE(ledger.RegisterClients(1900, 6));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 60, 30ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 10; }, 30s));
  const std::string topic = "yhteys.homecare.events.v1";
  const std::string key = ledger.clients()[0];
  auto headers = [](const std::string& type, const std::string& id) {
    return std::vector<std::pair<std::string, std::string>>{
        {"ce_specversion", "1.0"}, {"ce_id", id},       {"ce_source", "/yhteys/home-care"},
        {"ce_type", type},         {"ce_subject", "x"}, {"content-type", "application/protobuf"}};
  };
  ASSERT_TRUE(testing::ProduceRecord(System().Bootstrap(), topic, key, "no headers", {}));
  ASSERT_TRUE(testing::ProduceRecord(System().Bootstrap(), topic, key, "x",
                                     headers("yhteys.homecare.v1.NoSuchEvent", "poison-type")));
  ASSERT_TRUE(testing::ProduceRecord(System().Bootstrap(), topic, key, std::string("\xff\xff\xff", 3),
                                     headers("yhteys.homecare.v1.AssessmentRecorded", "poison-bytes")));
  {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", System().Bootstrap().c_str(), err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    rd_kafka_headers_t* h = rd_kafka_headers_new(8);
    for (const auto& [k, v] : headers("yhteys.homecare.v1.AssessmentRecorded", "poison-null")) {
      rd_kafka_header_add(h, k.c_str(), -1, v.data(), static_cast<ssize_t>(v.size()));
    }
    ASSERT_EQ(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(nullptr, 0), RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_flush(rk, 10000);
    rd_kafka_destroy(rk);
  }
  writer.join();
  Accounting a = ledger.Account();
  a.Print("R9 four poison records mid-load");
  EXPECT_EQ(a.ok, 60);
  EXPECT_TRUE(a.Exact());
  auto dlq = testing::ReadAll(System().Bootstrap(), {topic + ".dlq"}, 4, 20s);
  ASSERT_EQ(dlq.size(), 4u);
  std::set<std::string> classes;
  for (const auto& r : dlq) {
    classes.insert(r.headers.at("yhteys_dlq_error_class"));
    EXPECT_EQ(r.headers.at("yhteys_dlq_topic"), topic);
  }
  EXPECT_TRUE(classes.count("missing-cloudevents-attributes"));
  EXPECT_TRUE(classes.count("null-value"));
}

// R12 / finding 6: SIGTERM under load. Health says NOT_SERVING first and
// calls are still answered for the delay window; then the server drains,
// flushes and exits 0; every write answered OK is accounted for after a
// restart (the writer retries the rest with the same keys).
TEST_F(ReliabilityTest, SigtermUnderLoadNotServingFirstThenDrainsAndExitsZero) {
  StartSystem({{"YHTEYS_SERVER_SHUTDOWN_DELAY_MS", "1500"}});
  Ledger ledger(System(), "r12");
  ASSERT_TRUE(ledger.RegisterClients(2000, 8));
  std::atomic<bool> stop{false};
  std::thread writer = Writer(ledger, stop, 120, 25ms);
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= 20; }, 30s));

  auto sent = std::chrono::steady_clock::now();
  System().Signal("home-care", SIGTERM);
  std::chrono::steady_clock::time_point not_serving_at{};
  WaitFor(
      [&] {
        if (!Serving(System(), "home-care")) not_serving_at = std::chrono::steady_clock::now();
        return not_serving_at != std::chrono::steady_clock::time_point{};
      },
      5s);
  int answered_at_not_serving = ledger.answered();
  auto failures_at_not_serving = ledger.failures();
  // Calls are still answered during the window.
  ASSERT_TRUE(WaitFor([&] { return ledger.answered() >= answered_at_not_serving + 10; }, 1200ms));
  int status = System().WaitExit("home-care", 20s);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(not_serving_at, std::chrono::steady_clock::time_point{});
  EXPECT_LT(not_serving_at - sent, 1s);
  int failed_before_not_serving = 0;
  for (const auto& [code, n] : failures_at_not_serving) failed_before_not_serving += n;
  EXPECT_EQ(failed_before_not_serving, 0);
  std::string log = System().ReadLog("home-care");
  EXPECT_NE(log.find("still serving calls"), std::string::npos);
  EXPECT_NE(log.find("producer flushed"), std::string::npos);

  System().Start("home-care");
  ASSERT_TRUE(System().WaitServing("home-care", 30s));
  writer.join();
  Accounting a = ledger.Account();
  a.Print("R12 SIGTERM under load");
  EXPECT_EQ(a.ok, 120);
  EXPECT_TRUE(a.Exact());
}

// Finding 8 over a real service: malformed bytes are INVALID_ARGUMENT
// naming the message, and counted.
TEST_F(ReliabilityTest, MalformedRequestBytesAreInvalidArgumentAndCounted) {
  StartSystem();
  for (const std::string& bytes : {std::string("\x12\x07M\xE4kinen", 9), std::string("\x12\x40short", 7)}) {
    grpc::Status status =
        testing::RawUnaryCall(System().Channel("home-care"), "/yhteys.homecare.v1.HomeCare/RegisterClient", bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("yhteys.homecare.v1.RegisterClientRequest"), std::string::npos)
        << status.error_message();
  }
  std::string metrics = testing::ScrapeMetrics(System().MetricsPort("home-care"));
  EXPECT_EQ(testing::MetricSum(metrics, "yhteys_rpc_requests_total", {"code=\"INVALID_ARGUMENT\""}), 2) << metrics;
}

// Finding 10 over gRPC: one idempotency key reused for six people is one
// registration and five FAILED_PRECONDITION, whichever shard each is in.
TEST_F(ReliabilityTest, IdempotencyKeyReusedForOtherPeopleIsFailedPreconditionEveryTime) {
  StartSystem();
  auto stub = homecare::v1::HomeCare::NewStub(System().Channel("home-care"));
  int ok = 0, refused = 0;
  for (int i = 0; i < 6; ++i) {
    homecare::v1::RegisterClientResponse resp;
    grpc::Status st = stub->RegisterClient(
        Ctx().get(), e2e::RegisterRequest(e2e::SyntheticIdentityCode(2100 + i), "one-key-for-six"), &resp);
    if (st.ok())
      ++ok;
    else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION)
      ++refused;
    else
      ADD_FAILURE() << st.error_message();
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, 5);
}

}  // namespace
}  // namespace yhteys
