// Outbox relay and consumer against a real redis-server and librdkafka's
// mock cluster (the Kafka wire protocol on loopback).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "yhteys/kafka/consumer.hpp"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::kafka {
namespace {

constexpr char kTopic[] = "yhteys.test.events.v1";

class RelayTest : public ::testing::Test {
 protected:
  RelayTest() : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}), keyspace_("rt", 4) {
    kafka_.CreateTopic(kTopic, 3);
    kafka_.CreateTopic(std::string(kTopic) + ".dlq", 1);
  }

  // Writes n events through the atomic step, one client each of `clients`.
  void WriteEvents(int n, const std::string& prefix) {
    for (int i = 0; i < n; ++i) {
      std::string subject = "client-" + std::to_string(i % 7);
      int shard = keyspace_.ShardFor(subject);
      redis::AtomicStep step(keyspace_, shard);
      step.IdempotencyKey("Write", prefix + std::to_string(i), "fp")
          .Set("thing:" + prefix + std::to_string(i), "v")
          .Publish({prefix + "-" + std::to_string(i), "yhteys.test.v1.Thing", "/yhteys/test", subject,
                    "2026-11-23T12:00:00.000Z", kTopic, subject, "payload-" + std::to_string(i)});
      ASSERT_TRUE(step.Execute(pool_).ok());
    }
  }

  // One event of `client` with its per-client sequence number as payload.
  void WriteSequenced(const std::string& client, int seq) {
    std::string id = client + "-" + std::to_string(seq);
    redis::AtomicStep step(keyspace_, keyspace_.ShardFor(client));
    step.IdempotencyKey("Write", id, "fp")
        .Publish({id, "yhteys.test.v1.Thing", "/yhteys/test", client, "2026-11-23T12:00:00.000Z", kTopic, client,
                  std::to_string(seq)});
    ASSERT_TRUE(step.Execute(pool_).ok());
  }

  // Writes for `duration` (20 clients, round robin, a sequence number per
  // client) while the brokers go down at `down_at` and up at `up_at`.
  // Returns the number of events written.
  int WriteThroughOutage(std::chrono::milliseconds duration, std::chrono::milliseconds down_at,
                         std::chrono::milliseconds up_at) {
    auto start = std::chrono::steady_clock::now();
    bool down = false, up = false;
    int written = 0;
    while (std::chrono::steady_clock::now() - start < duration) {
      auto elapsed = std::chrono::steady_clock::now() - start;
      if (!down && elapsed >= down_at) {
        kafka_.SetAllBrokersDown(true);
        down = true;
      }
      if (!up && elapsed >= up_at) {
        kafka_.SetAllBrokersDown(false);
        up = true;
      }
      WriteSequenced("client-" + std::to_string(written % 20), written / 20);
      ++written;
      std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
    if (!up) kafka_.SetAllBrokersDown(false);
    return written;
  }

  // Every event on the topic once (first copies), and each client's
  // sequence in the order Kafka holds them: inversions counted.
  struct Accounting {
    size_t records = 0;
    size_t distinct = 0;
    int inversions = 0;
  };
  Accounting Account() {
    auto records = testing::ReadAll(kafka_.bootstrap(), {kTopic}, SIZE_MAX, std::chrono::seconds(4));
    Accounting a;
    a.records = records.size();
    std::set<std::string> seen;
    std::map<std::pair<std::string, int32_t>, int> last;  // (key, partition) -> last sequence
    // ReadAll interleaves partitions; order is per partition, by offset.
    std::sort(records.begin(), records.end(), [](const auto& x, const auto& y) {
      return std::tie(x.partition, x.offset) < std::tie(y.partition, y.offset);
    });
    for (const auto& r : records) {
      if (!seen.insert(r.headers.at("ce_id")).second) continue;
      int seq = std::stoi(r.value);
      auto [it, inserted] = last.emplace(std::make_pair(r.key, r.partition), seq);
      if (!inserted) {
        if (seq < it->second) ++a.inversions;
        it->second = std::max(it->second, seq);
      }
    }
    a.distinct = seen.size();
    return a;
  }

  long long Backlog() { return testing::OutboxEvents(pool_, keyspace_); }

  RelayOptions Options() {
    RelayOptions o;
    o.bootstrap = kafka_.bootstrap();
    o.client_id = "relay-test";
    o.producer_config = {{"log_level", "3"}};
    o.retry_backoff = std::chrono::milliseconds(200);
    return o;
  }

  testing::RedisServer redis_;
  testing::MockKafka kafka_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
};

TEST_F(RelayTest, PublishesEveryEntryOnceWithCloudEventsHeadersAndEmptiesTheOutbox) {
  WriteEvents(50, "a");
  OutboxRelay relay(pool_, keyspace_, Options(), nullptr);
  ASSERT_TRUE(relay.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(20)));
  relay.Stop(std::chrono::seconds(5));
  EXPECT_EQ(relay.delivered(), 50u);

  auto records = testing::ReadAll(kafka_.bootstrap(), {kTopic}, 51, std::chrono::seconds(5));
  ASSERT_EQ(records.size(), 50u);
  std::set<std::string> ids;
  std::map<std::string, int32_t> partition_of;
  for (const auto& r : records) {
    ids.insert(r.headers.at("ce_id"));
    EXPECT_EQ(r.headers.at("ce_specversion"), "1.0");
    EXPECT_EQ(r.headers.at("ce_type"), "yhteys.test.v1.Thing");
    EXPECT_EQ(r.headers.at("ce_source"), "/yhteys/test");
    EXPECT_EQ(r.headers.at("ce_subject"), r.key);
    EXPECT_EQ(r.headers.at("content-type"), "application/protobuf");
    EXPECT_FALSE(r.headers.at("ce_time").empty());
    // One client's events stay in one partition.
    auto [it, inserted] = partition_of.emplace(r.key, r.partition);
    EXPECT_EQ(it->second, r.partition) << r.key;
  }
  EXPECT_EQ(ids.size(), 50u);
}

TEST_F(RelayTest, BrokersDownKeepsEntriesUntilTheyComeBack) {
  kafka_.SetAllBrokersDown(true);
  WriteEvents(20, "b");
  auto options = Options();
  // A timeout asked for is not taken: events must not time out (see the
  // header), they wait in the producer.
  options.producer_config["message.timeout.ms"] = "500";
  OutboxRelay relay(pool_, keyspace_, options, nullptr);
  ASSERT_TRUE(relay.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return relay.in_flight() == 20; }, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // four times the timeout asked for
  EXPECT_EQ(relay.failed(), 0u);
  EXPECT_EQ(Backlog(), 20);
  kafka_.SetAllBrokersDown(false);
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(30)));
  relay.Stop(std::chrono::seconds(5));
  auto records = testing::ReadAll(kafka_.bootstrap(), {kTopic}, 1000, std::chrono::seconds(3));
  std::set<std::string> ids;
  for (const auto& r : records) ids.insert(r.headers.at("ce_id"));
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_EQ(records.size(), 20u);  // nothing failed, so nothing was sent twice
}

// The finding: with a delivery timeout shorter than an outage, an
// event that timed out was re-sent after later events of the same client
// had been delivered (373 inversions). Events no longer time out: an outage
// of several seconds under a steady load, with a timeout asked for that is
// far shorter, ends with every event once and no client's order broken.
TEST_F(RelayTest, OutageLongerThanAnyDeliveryTimeoutKeepsEveryClientsOrder) {
  auto options = Options();
  options.producer_config["message.timeout.ms"] = "1000";
  OutboxRelay relay(pool_, keyspace_, options, nullptr);
  ASSERT_TRUE(relay.Start().ok());
  int written = WriteThroughOutage(std::chrono::milliseconds(4500), std::chrono::milliseconds(800),
                                   std::chrono::milliseconds(3500));
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(60))) << Backlog();
  relay.Stop(std::chrono::seconds(5));
  EXPECT_EQ(relay.failed(), 0u);
  auto a = Account();
  EXPECT_EQ(a.distinct, static_cast<size_t>(written));
  EXPECT_EQ(a.records, a.distinct);
  EXPECT_EQ(a.inversions, 0);
}

// R6: produce requests answered with errors (not leader, timed out,
// network exception, out-of-order sequence, which is fatal to an
// idempotent producer): retried, or the producer re-created; every event
// arrives, each client's in order.
TEST_F(RelayTest, ProduceErrorsAreRetriedOrTheProducerRecreatedNothingLostOrReordered) {
  constexpr int16_t kProduceApi = 0;  // the Kafka protocol's ApiKey for Produce
  OutboxRelay relay(pool_, keyspace_, Options(), nullptr);
  ASSERT_TRUE(relay.Start().ok());
  int written = 0;
  for (int round = 0; round < 4; ++round) {
    rd_kafka_mock_push_request_errors(
        kafka_.cluster(), kProduceApi, 6, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        round == 2 ? RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER : RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION);
    for (int i = 0; i < 50; ++i, ++written) {
      WriteSequenced("client-" + std::to_string(written % 20), written / 20);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(60))) << Backlog();
  relay.Stop(std::chrono::seconds(5));
  std::printf("produce errors: %llu failed deliveries, %llu rewinds\n", static_cast<unsigned long long>(relay.failed()),
              static_cast<unsigned long long>(relay.rewinds()));
  // The errors reached the producer: at least the injected out-of-order
  // sequence ends the producer's epoch (a rewind) or fails a delivery.
  EXPECT_GT(relay.rewinds() + relay.failed(), 0u);
  auto a = Account();
  EXPECT_EQ(a.distinct, static_cast<size_t>(written));
  EXPECT_EQ(a.inversions, 0);
}

// With the default settings too: nothing fails, nothing is lost or
// reordered, not even a duplicate.
TEST_F(RelayTest, OutageWithTheDefaultSettingsDeliversEverythingInOrder) {
  OutboxRelay relay(pool_, keyspace_, Options(), nullptr);
  ASSERT_TRUE(relay.Start().ok());
  int written = WriteThroughOutage(std::chrono::milliseconds(4000), std::chrono::milliseconds(800),
                                   std::chrono::milliseconds(3000));
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(60))) << Backlog();
  relay.Stop(std::chrono::seconds(5));
  EXPECT_EQ(relay.failed(), 0u);
  auto a = Account();
  EXPECT_EQ(a.distinct, static_cast<size_t>(written));
  EXPECT_EQ(a.records, a.distinct);  // not even a duplicate
  EXPECT_EQ(a.inversions, 0);
}

// The bound: with Kafka away, at most max_in_flight events are handed to
// the producer; the rest wait in the outbox, and all arrive afterwards.
TEST_F(RelayTest, InFlightIsBoundedWhileKafkaIsAway) {
  kafka_.SetAllBrokersDown(true);
  WriteEvents(60, "bound");
  auto options = Options();
  options.max_in_flight = 10;
  OutboxRelay relay(pool_, keyspace_, options, nullptr);
  ASSERT_TRUE(relay.Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(relay.in_flight(), 10u);
  kafka_.SetAllBrokersDown(false);
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(30)));
  relay.Stop(std::chrono::seconds(5));
  EXPECT_EQ(relay.delivered(), 60u);
}

// Replicas: two relays on one outbox publish each event once (each shard
// has one holder), and when one stops the other takes its shards over.
TEST_F(RelayTest, TwoRelaysOnOneOutboxPublishEachEventOnceAndTakeOverOnStop) {
  auto options = Options();
  options.lease_ttl = std::chrono::milliseconds(1000);
  OutboxRelay a(pool_, keyspace_, options, nullptr);
  OutboxRelay b(pool_, keyspace_, options, nullptr);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return a.owned_shards() + b.owned_shards() == 4u; }, std::chrono::seconds(5)));
  int written = 0;
  for (; written < 100; ++written) WriteSequenced("client-" + std::to_string(written % 20), written / 20);
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(30)));
  std::printf("relay a holds %zu shards, b %zu\n", a.owned_shards(), b.owned_shards());
  a.Stop(std::chrono::seconds(5));
  ASSERT_TRUE(testing::WaitFor([&] { return b.owned_shards() == 4u; }, std::chrono::seconds(5)));
  for (; written < 150; ++written) WriteSequenced("client-" + std::to_string(written % 20), written / 20);
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(30)));
  b.Stop(std::chrono::seconds(5));
  EXPECT_EQ(a.delivered() + b.delivered(), 150u);
  auto acc = Account();
  EXPECT_EQ(acc.distinct, 150u);
  EXPECT_EQ(acc.records, 150u);  // once each: not once per relay
  EXPECT_EQ(acc.inversions, 0);
}

// A relay that died after Kafka had the records but before it deleted them
// from the outbox: the next relay sends them again, and a consumer that
// deduplicates on (ce_source, ce_id) applies each effect once.
TEST_F(RelayTest, ResendAfterLostAckIsDeduplicatedByTheConsumer) {
  WriteEvents(30, "c");
  // The first relay's deliveries, made by hand from the outbox contents.
  for (int s = 0; s < keyspace_.shards(); ++s) {
    for (auto& f : testing::OutboxEntries(pool_, keyspace_, s)) {
      ASSERT_TRUE(testing::ProduceRecord(kafka_.bootstrap(), kTopic, f["key"], f["payload"],
                                         {{"ce_specversion", "1.0"},
                                          {"ce_id", f["ce_id"]},
                                          {"ce_source", f["ce_source"]},
                                          {"ce_type", f["ce_type"]},
                                          {"ce_subject", f["ce_subject"]}}));
    }
  }
  OutboxRelay relay(pool_, keyspace_, Options(), nullptr);
  ASSERT_TRUE(relay.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(20)));
  relay.Stop(std::chrono::seconds(5));
  ASSERT_EQ(testing::ReadAll(kafka_.bootstrap(), {kTopic}, 60, std::chrono::seconds(10)).size(), 60u);

  redis::Keyspace effects("fx", 2);
  ConsumerOptions copts{kafka_.bootstrap(), "dedup-test", "dedup-test", {kTopic}, {{"log_level", "3"}}};
  Consumer consumer(
      copts,
      [&](const ConsumedRecord& r) -> HandleResult {
        int shard = effects.ShardFor(r.event.subject);
        redis::AtomicStep step(effects, shard);
        step.EventDedup(r.event.source, r.event.id).SAdd("applied", r.event.id);
        auto outcome = step.Execute(pool_);
        if (!outcome.ok()) return {Outcome::kRetry, "redis"};
        return {outcome->replayed ? Outcome::kDuplicate : Outcome::kDone, ""};
      },
      nullptr);
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return consumer.processed() == 60; }, std::chrono::seconds(30)))
      << consumer.processed();
  consumer.Stop();
  EXPECT_EQ(consumer.duplicates(), 30u);
  long long applied = 0;
  for (int s = 0; s < effects.shards(); ++s) {
    auto card = pool_.Command({"SCARD", effects.Key(s, "applied")});
    applied += (*card)->integer;
  }
  EXPECT_EQ(applied, 30);
}

TEST_F(RelayTest, PoisonRecordGoesToDeadLetterTopicAndThePartitionKeepsFlowing) {
  // No CloudEvents headers at all, then a good record on the same key.
  ASSERT_TRUE(testing::ProduceRecord(kafka_.bootstrap(), kTopic, "k", "garbage", {}));
  ASSERT_TRUE(testing::ProduceRecord(
      kafka_.bootstrap(), kTopic, "k", "ok",
      {{"ce_specversion", "1.0"}, {"ce_id", "good-1"}, {"ce_source", "/t"}, {"ce_type", "t.Good"}}));
  ASSERT_TRUE(testing::ProduceRecord(
      kafka_.bootstrap(), kTopic, "k", "bad-type",
      {{"ce_specversion", "1.0"}, {"ce_id", "bad-1"}, {"ce_source", "/t"}, {"ce_type", "t.Unknown"}}));
  std::atomic<int> good{0};
  ConsumerOptions copts{kafka_.bootstrap(), "dlq-test", "dlq-test", {kTopic}, {{"log_level", "3"}}};
  Consumer consumer(
      copts,
      [&](const ConsumedRecord& r) -> HandleResult {
        if (r.event.type == "t.Good") {
          good.fetch_add(1);
          return {Outcome::kDone, ""};
        }
        return {Outcome::kPoison, "unknown-event-type"};
      },
      nullptr);
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return consumer.processed() == 3; }, std::chrono::seconds(30)));
  consumer.Stop();
  EXPECT_EQ(good.load(), 1);
  EXPECT_EQ(consumer.dead_lettered(), 2u);
  auto dlq = testing::ReadAll(kafka_.bootstrap(), {std::string(kTopic) + ".dlq"}, 2, std::chrono::seconds(10));
  ASSERT_EQ(dlq.size(), 2u);
  std::set<std::string> classes;
  for (const auto& r : dlq) {
    EXPECT_EQ(r.headers.at("yhteys_dlq_topic"), kTopic);
    EXPECT_FALSE(r.headers.at("yhteys_dlq_offset").empty());
    EXPECT_FALSE(r.headers.at("yhteys_dlq_partition").empty());
    classes.insert(r.headers.at("yhteys_dlq_error_class"));
    for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find("garbage"), std::string::npos) << name;
  }
  EXPECT_EQ(classes, (std::set<std::string>{"missing-cloudevents-attributes", "unknown-event-type"}));
}

}  // namespace
}  // namespace yhteys::kafka
