// The atomic step against a real redis-server.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/testing/fixtures.hpp"

namespace yhteys::redis {
namespace {

class AtomicStepTest : public ::testing::Test {
 protected:
  AtomicStepTest() : pool_(PoolOptions{"127.0.0.1", redis_.port()}), keyspace_("t", 4) {}

  long long StreamLength(int shard) {
    auto r = pool_.Command({"XLEN", keyspace_.OutboxStream(shard)});
    return r.ok() ? (*r)->integer : -1;
  }
  std::string Get(int shard, const std::string& suffix) {
    auto r = pool_.Command({"GET", keyspace_.Key(shard, suffix)});
    return r.ok() ? ReplyString(r->get()) : "<error>";
  }

  OutboxEvent Event(const std::string& id) {
    return {id, "yhteys.test.v1.Thing", "/yhteys/test", "subject-1", "2026-11-23T12:00:00.000Z",
            "yhteys.test.events.v1", "subject-1", std::string("\x08\x01\x00\xff", 4)};
  }

  testing::RedisServer redis_;
  Pool pool_;
  Keyspace keyspace_;
};

TEST_F(AtomicStepTest, AppliesStateOutboxAndRecordTogether) {
  AtomicStep step(keyspace_, 1);
  step.IdempotencyKey("Create", "k1", "fp1").Response("answer-1").Set("thing:a", "v1").Publish(Event("e1"));
  auto outcome = step.Execute(pool_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_FALSE(outcome->replayed);
  EXPECT_EQ(Get(1, "thing:a"), "v1");
  EXPECT_EQ(StreamLength(1), 1);
  // The binary payload survives unchanged.
  auto entries = pool_.Command({"XRANGE", keyspace_.OutboxStream(1), "-", "+"});
  ASSERT_TRUE(entries.ok());
  const redisReply* fields = (*entries)->element[0]->element[1];
  bool found = false;
  for (size_t i = 0; i + 1 < fields->elements; i += 2) {
    if (ReplyString(fields->element[i]) == "payload") {
      EXPECT_EQ(ReplyString(fields->element[i + 1]), std::string("\x08\x01\x00\xff", 4));
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(AtomicStepTest, RetryWithSameKeyReplaysFirstAnswerAndWritesNothingMore) {
  AtomicStep first(keyspace_, 0);
  first.IdempotencyKey("Create", "k1", "fp").Response("first").Set("thing:a", "v1").Publish(Event("e1"));
  ASSERT_TRUE(first.Execute(pool_).ok());
  AtomicStep retry(keyspace_, 0);
  retry.IdempotencyKey("Create", "k1", "fp").Response("second").Set("thing:a", "v2").Publish(Event("e2"));
  auto outcome = retry.Execute(pool_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->replayed);
  EXPECT_EQ(outcome->response, "first");
  EXPECT_EQ(Get(0, "thing:a"), "v1");
  EXPECT_EQ(StreamLength(0), 1);
}

TEST_F(AtomicStepTest, SameKeyDifferentRequestIsFailedPrecondition) {
  AtomicStep first(keyspace_, 0);
  first.IdempotencyKey("Create", "k1", "fp-a").Response("first").Set("thing:a", "v1");
  ASSERT_TRUE(first.Execute(pool_).ok());
  AtomicStep other(keyspace_, 0);
  other.IdempotencyKey("Create", "k1", "fp-b").Response("x").Set("thing:a", "v2").Publish(Event("e2"));
  auto outcome = other.Execute(pool_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(outcome.status().message().find("idempotency_key"), std::string::npos);
  EXPECT_EQ(Get(0, "thing:a"), "v1");
  EXPECT_EQ(StreamLength(0), 0);
}

TEST_F(AtomicStepTest, FailedCheckWritesNothing) {
  AtomicStep step(keyspace_, 2);
  step.IdempotencyKey("Update", "k2", "fp")
      .RequireExists("client:x", absl::NotFoundError("client_id: no such client"))
      .Set("thing:b", "v")
      .Publish(Event("e3"));
  auto outcome = step.Execute(pool_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(outcome.status().message(), "client_id: no such client");
  EXPECT_EQ(Get(2, "thing:b"), "");
  EXPECT_EQ(StreamLength(2), 0);
  // Nothing was recorded for the key either: a corrected retry goes through.
  ASSERT_TRUE(pool_.Command({"SET", keyspace_.Key(2, "client:x"), "1"}).ok());
  EXPECT_TRUE(step.Execute(pool_).ok());
  EXPECT_EQ(Get(2, "thing:b"), "v");
}

TEST_F(AtomicStepTest, FieldStateCheck) {
  ASSERT_TRUE(pool_.Command({"HSET", keyspace_.Key(3, "ref:1"), "state", "OFFERED"}).ok());
  AtomicStep accept(keyspace_, 3);
  accept.IdempotencyKey("Accept", "a1", "fp")
      .RequireFieldIn("ref:1", "state", {"OFFERED"}, absl::FailedPreconditionError("referral_id: not offered"))
      .HSet("ref:1", "state", "ACCEPTED");
  ASSERT_TRUE(accept.Execute(pool_).ok());
  AtomicStep again(keyspace_, 3);
  again.IdempotencyKey("Accept", "a2", "fp")
      .RequireFieldIn("ref:1", "state", {"OFFERED"}, absl::FailedPreconditionError("referral_id: not offered"))
      .HSet("ref:1", "state", "ACCEPTED");
  auto outcome = again.Execute(pool_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(AtomicStepTest, CompareAndBumpVersionAppliesOnlyToTheVersionRead) {
  auto write = [&](const std::string& key, const std::string& read_version, const std::string& value) {
    AtomicStep step(keyspace_, 2);
    step.IdempotencyKey("Edit", key, "fp-" + key)
        .CompareAndBumpVersion("case:1", read_version, "case_id")
        .HSet("case:1", "data", value);
    return step.Execute(pool_);
  };
  ASSERT_TRUE(write("e1", "", "first").ok());  // no record yet: version "" -> 1
  ASSERT_TRUE(write("e2", "1", "second").ok());
  // Computed from version 1, which is gone: refused, nothing written.
  auto stale = write("e3", "1", "stale");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_NE(stale.status().message().find("case_id"), std::string::npos);
  auto fields = pool_.Command({"HMGET", keyspace_.Key(2, "case:1"), "data", "version"});
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(ReplyString((*fields)->element[0]), "second");
  EXPECT_EQ(ReplyString((*fields)->element[1]), "2");
}

TEST_F(AtomicStepTest, HIncrByCountsOncePerKeyAndExpireSetsTheTtl) {
  auto count = [&](const std::string& key, int64_t delta) {
    AtomicStep step(keyspace_, 3);
    step.IdempotencyKey("Count", key, "fp-" + key)
        .HIncrBy("counters:day", "n", 1)
        .HIncrBy("counters:day", "sum", delta)
        .Expire("counters:day", std::chrono::seconds(3600))
        .Set("note:1", "kept for a while")
        .Expire("note:1", std::chrono::seconds(60));
    return step.Execute(pool_);
  };
  ASSERT_TRUE(count("c1", 4).ok());
  ASSERT_TRUE(count("c2", -1).ok());
  auto replay = count("c1", 4);
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  auto fields = pool_.Command({"HMGET", keyspace_.Key(3, "counters:day"), "n", "sum"});
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(ReplyString((*fields)->element[0]), "2");
  EXPECT_EQ(ReplyString((*fields)->element[1]), "3");
  auto ttl = pool_.Command({"TTL", keyspace_.Key(3, "counters:day")});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT((*ttl)->integer, 3500);
  ttl = pool_.Command({"TTL", keyspace_.Key(3, "note:1")});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT((*ttl)->integer, 0);
  EXPECT_LE((*ttl)->integer, 60);
}

TEST_F(AtomicStepTest, EventModeDeduplicatesOnSourceAndId) {
  for (int i = 0; i < 3; ++i) {
    AtomicStep step(keyspace_, 1);
    step.EventDedup("/yhteys/home-care", "evt-1").ZAdd("offers", 1.0, "r-" + std::to_string(i)).Publish(Event("x"));
    auto outcome = step.Execute(pool_);
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->replayed, i > 0);
  }
  auto card = pool_.Command({"ZCARD", keyspace_.Key(1, "offers")});
  ASSERT_TRUE(card.ok());
  EXPECT_EQ((*card)->integer, 1);
  EXPECT_EQ(StreamLength(1), 1);
}

TEST_F(AtomicStepTest, ConcurrentSameKeyExecutesExactlyOnce) {
  std::atomic<int> applied{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      AtomicStep step(keyspace_, 0);
      step.IdempotencyKey("Create", "same", "fp").Response("answer-" + std::to_string(t)).SAdd("members", std::to_string(t));
      auto outcome = step.Execute(pool_);
      if (outcome.ok()) (outcome->replayed ? replayed : applied).fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(replayed.load(), 7);
  auto card = pool_.Command({"SCARD", keyspace_.Key(0, "members")});
  EXPECT_EQ((*card)->integer, 1);
}

TEST_F(AtomicStepTest, RedisDownIsUnavailableAndRecoversAfterRestart) {
  redis_.Kill();
  AtomicStep step(keyspace_, 0);
  step.IdempotencyKey("Create", "k9", "fp").Set("thing:z", "v");
  auto outcome = step.Execute(pool_);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_.Start());
  auto retried = step.Execute(pool_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(Get(0, "thing:z"), "v");
}

TEST_F(AtomicStepTest, KeysShareTheShardHashTag) {
  EXPECT_EQ(keyspace_.Key(2, "client:x"), "{t:2}:client:x");
  EXPECT_EQ(keyspace_.OutboxStream(2), "{t:2}:outbox");
  EXPECT_EQ(keyspace_.ShardFor("abc"), keyspace_.ShardFor("abc"));
}

}  // namespace
}  // namespace yhteys::redis
