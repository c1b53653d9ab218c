// Outbox relay and consumer against a real redis-server and librdkafka's
// mock cluster (the Kafka wire protocol on loopback).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "yhteys/kafka/consumer.hpp"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/testing/fixtures.hpp"

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

  long long Backlog() {
    long long total = 0;
    for (int s = 0; s < keyspace_.shards(); ++s) {
      auto r = pool_.Command({"XLEN", keyspace_.OutboxStream(s)});
      if (r.ok()) total += (*r)->integer;
    }
    return total;
  }

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
  options.producer_config["message.timeout.ms"] = "1500";
  OutboxRelay relay(pool_, keyspace_, options, nullptr);
  ASSERT_TRUE(relay.Start().ok());
  // Deliveries time out while the brokers are down; nothing is acknowledged.
  ASSERT_TRUE(testing::WaitFor([&] { return relay.failed() > 0; }, std::chrono::seconds(20)));
  EXPECT_EQ(Backlog(), 20);
  kafka_.SetAllBrokersDown(false);
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(30)));
  relay.Stop(std::chrono::seconds(5));
  auto records = testing::ReadAll(kafka_.bootstrap(), {kTopic}, 1000, std::chrono::seconds(3));
  std::set<std::string> ids;
  for (const auto& r : records) ids.insert(r.headers.at("ce_id"));
  EXPECT_EQ(ids.size(), 20u);  // every event arrived (possibly more than once)
}

// A relay that died after Kafka had the records but before it deleted them
// from the outbox: the next relay sends them again, and a consumer that
// deduplicates on (ce_source, ce_id) applies each effect once.
TEST_F(RelayTest, ResendAfterLostAckIsDeduplicatedByTheConsumer) {
  WriteEvents(30, "c");
  // The first relay's deliveries, made by hand from the outbox contents.
  for (int s = 0; s < keyspace_.shards(); ++s) {
    auto entries = pool_.Command({"XRANGE", keyspace_.OutboxStream(s), "-", "+"});
    ASSERT_TRUE(entries.ok());
    for (size_t i = 0; i < (*entries)->elements; ++i) {
      const redisReply* kv = (*entries)->element[i]->element[1];
      std::map<std::string, std::string> f;
      for (size_t j = 0; j + 1 < kv->elements; j += 2) f[redis::ReplyString(kv->element[j])] = redis::ReplyString(kv->element[j + 1]);
      ASSERT_TRUE(testing::ProduceRecord(kafka_.bootstrap(), kTopic, f["key"], f["payload"],
                                         {{"ce_specversion", "1.0"}, {"ce_id", f["ce_id"]}, {"ce_source", f["ce_source"]},
                                          {"ce_type", f["ce_type"]}, {"ce_subject", f["ce_subject"]}}));
    }
  }
  OutboxRelay relay(pool_, keyspace_, Options(), nullptr);
  ASSERT_TRUE(relay.Start().ok());
  ASSERT_TRUE(testing::WaitFor([&] { return Backlog() == 0; }, std::chrono::seconds(20)));
  relay.Stop(std::chrono::seconds(5));
  ASSERT_EQ(testing::ReadAll(kafka_.bootstrap(), {kTopic}, 60, std::chrono::seconds(10)).size(), 60u);

  redis::Keyspace effects("fx", 2);
  ConsumerOptions copts{kafka_.bootstrap(), "dedup-test", "dedup-test", {kTopic}, {{"log_level", "3"}}};
  Consumer consumer(copts, [&](const ConsumedRecord& r) -> HandleResult {
    int shard = effects.ShardFor(r.event.subject);
    redis::AtomicStep step(effects, shard);
    step.EventDedup(r.event.source, r.event.id).SAdd("applied", r.event.id);
    auto outcome = step.Execute(pool_);
    if (!outcome.ok()) return {Outcome::kRetry, "redis"};
    return {outcome->replayed ? Outcome::kDuplicate : Outcome::kDone, ""};
  }, nullptr);
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
  ASSERT_TRUE(testing::ProduceRecord(kafka_.bootstrap(), kTopic, "k", "ok",
                                     {{"ce_specversion", "1.0"}, {"ce_id", "good-1"}, {"ce_source", "/t"}, {"ce_type", "t.Good"}}));
  ASSERT_TRUE(testing::ProduceRecord(kafka_.bootstrap(), kTopic, "k", "bad-type",
                                     {{"ce_specversion", "1.0"}, {"ce_id", "bad-1"}, {"ce_source", "/t"}, {"ce_type", "t.Unknown"}}));
  std::atomic<int> good{0};
  ConsumerOptions copts{kafka_.bootstrap(), "dlq-test", "dlq-test", {kTopic}, {{"log_level", "3"}}};
  Consumer consumer(copts, [&](const ConsumedRecord& r) -> HandleResult {
    if (r.event.type == "t.Good") {
      good.fetch_add(1);
      return {Outcome::kDone, ""};
    }
    return {Outcome::kPoison, "unknown-event-type"};
  }, nullptr);
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
