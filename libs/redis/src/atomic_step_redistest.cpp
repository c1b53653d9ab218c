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
    return {id,
            "yhteys.test.v1.Thing",
            "/yhteys/test",
            "subject-1",
            "2026-11-23T12:00:00.000Z",
            "yhteys.test.events.v1",
            "subject-1",
            std::string("\x08\x01\x00\xff", 4)};
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

// The finding: one key reused for six different people gave OK,
// FAILED_PRECONDITION, OK... depending on the shard each person's data
// lives in. A key is now bound to its first request wherever the data is.
TEST_F(AtomicStepTest, SameKeyForDifferentRequestsInOtherShardsIsFailedPrecondition) {
  int ok = 0, refused = 0;
  for (int person = 0; person < 6; ++person) {
    int shard = person % keyspace_.shards();
    AtomicStep step(keyspace_, shard);
    step.IdempotencyKey("Register", "shared-key", "person-" + std::to_string(person))
        .Response("answer-" + std::to_string(person))
        .Set("person:" + std::to_string(person), "v")
        .Publish(Event("reg-" + std::to_string(person)));
    auto outcome = step.Execute(pool_);
    if (outcome.ok()) {
      ++ok;
      EXPECT_FALSE(outcome->replayed);
    } else {
      EXPECT_EQ(outcome.status().code(), absl::StatusCode::kFailedPrecondition) << outcome.status();
      ++refused;
      EXPECT_EQ(Get(shard, "person:" + std::to_string(person)), "");
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, 5);
  long long events = 0;
  for (int s = 0; s < keyspace_.shards(); ++s) events += StreamLength(s);
  EXPECT_EQ(events, 1);
  // The first request retried still replays its answer.
  AtomicStep retry(keyspace_, 0);
  retry.IdempotencyKey("Register", "shared-key", "person-0").Response("other").Set("person:0", "v2");
  auto replay = retry.Execute(pool_);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->response, "answer-0");
}

TEST_F(AtomicStepTest, ConcurrentDifferentRequestsWithOneKeyAcrossShardsApplyExactlyOne) {
  std::atomic<int> applied{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      AtomicStep step(keyspace_, t % keyspace_.shards());
      step.IdempotencyKey("Register", "raced", "body-" + std::to_string(t)).SAdd("raced", std::to_string(t));
      auto outcome = step.Execute(pool_);
      if (outcome.ok())
        applied.fetch_add(1);
      else if (outcome.status().code() == absl::StatusCode::kFailedPrecondition)
        refused.fetch_add(1);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  long long members = 0;
  for (int s = 0; s < keyspace_.shards(); ++s)
    members += (*pool_.Command({"SCARD", keyspace_.Key(s, "raced")}))->integer;
  EXPECT_EQ(members, 1);
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
  // The key is bound to this request (nothing else was written): the same
  // request retried once the client exists goes through.
  ASSERT_TRUE(pool_.Command({"SET", keyspace_.Key(2, "client:x"), "1"}).ok());
  EXPECT_TRUE(step.Execute(pool_).ok());
  EXPECT_EQ(Get(2, "thing:b"), "v");
}

// A refusal decided before the step: a retry of the request applied
// earlier replays its answer; a new request fails and writes nothing.
TEST_F(AtomicStepTest, ARefusalComesBehindTheReplay) {
  AtomicStep first(keyspace_, 3);
  first.IdempotencyKey("Answer", "k-r", "fp").Response("first").Set("thing:r", "v1").Publish(Event("e-r"));
  ASSERT_TRUE(first.Execute(pool_).ok());
  AtomicStep retry(keyspace_, 3);
  retry.IdempotencyKey("Answer", "k-r", "fp")
      .Response("second")
      .Refuse("thing:r", absl::FailedPreconditionError("unit_id: not this unit's"))
      .Set("thing:r", "v2");
  auto replayed = retry.Execute(pool_);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(replayed->response, "first");
  AtomicStep other(keyspace_, 3);
  other.IdempotencyKey("Answer", "k-other", "fp")
      .Refuse("thing:r", absl::FailedPreconditionError("unit_id: not this unit's"))
      .Set("thing:r", "v3")
      .Publish(Event("e-other"));
  auto refused = other.Execute(pool_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "unit_id: not this unit's");
  EXPECT_EQ(Get(3, "thing:r"), "v1");
  EXPECT_EQ(StreamLength(3), 1);
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
      step.IdempotencyKey("Create", "same", "fp")
          .Response("answer-" + std::to_string(t))
          .SAdd("members", std::to_string(t));
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

// Lists promised in creation or due-date order: a per-shard sequence breaks
// ties, so entries made within one millisecond keep the order they were
// made in (a millisecond score left them in the order of their ids).
TEST_F(AtomicStepTest, ZAddInOrderKeepsCreationOrderWithinOneMillisecond) {
  std::vector<std::string> made;
  for (int i = 0; i < 200; ++i) {
    // Names that sort the other way round, as random id suffixes may.
    std::string member = "case-" + std::to_string(1000 - i);
    AtomicStep step(keyspace_, 1);
    step.IdempotencyKey("Open", "k" + std::to_string(i), "fp").ZAddInOrder("open", member);
    ASSERT_TRUE(step.Execute(pool_).ok());
    made.push_back(member);
  }
  auto range = pool_.Command({"ZRANGE", keyspace_.Key(1, "open"), "0", "-1"});
  ASSERT_TRUE(range.ok());
  std::vector<std::string> listed;
  for (size_t i = 0; i < (*range)->elements; ++i) listed.push_back(ReplyString((*range)->element[i]));
  EXPECT_EQ(listed, made);
}

TEST_F(AtomicStepTest, ZAddInOrderSortsByMajorThenByCreation) {
  std::vector<std::pair<std::string, int64_t>> made = {
      {"r-a", 9840}, {"r-b", 9833}, {"r-c", 9840}, {"r-d", 9833}, {"r-e", 9831}};  // days since 2000
  for (size_t i = 0; i < made.size(); ++i) {
    AtomicStep step(keyspace_, 2);
    step.IdempotencyKey("Offer", made[i].first, "fp").ZAddInOrder("inbox", made[i].first, made[i].second);
    ASSERT_TRUE(step.Execute(pool_).ok());
  }
  auto range = pool_.Command({"ZRANGE", keyspace_.Key(2, "inbox"), "0", "-1"});
  ASSERT_TRUE(range.ok());
  std::vector<std::string> listed;
  for (size_t i = 0; i < (*range)->elements; ++i) listed.push_back(ReplyString((*range)->element[i]));
  EXPECT_EQ(listed, (std::vector<std::string>{"r-e", "r-b", "r-d", "r-a", "r-c"}));
  // A replayed step draws no sequence number and adds nothing.
  AtomicStep replay(keyspace_, 2);
  replay.IdempotencyKey("Offer", "r-a", "fp").ZAddInOrder("inbox", "r-a", 9840);
  auto outcome = replay.Execute(pool_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->replayed);
  EXPECT_EQ(ReplyString(pool_.Command({"GET", keyspace_.Key(2, "seq")})->get()), "5");
}

// While Kafka is away the outbox grows; at its bound a step that would
// publish is refused (UNAVAILABLE, retryable) and writes nothing, a replay
// of an answered key still gets its answer, and a step without events runs.
TEST_F(AtomicStepTest, FullOutboxRefusesNewEventsAndWritesNothing) {
  Keyspace bounded("ob", 1, /*outbox_limit=*/3);
  for (int i = 0; i < 3; ++i) {
    AtomicStep step(bounded, 0);
    step.IdempotencyKey("W", "k" + std::to_string(i), "fp")
        .Response("r" + std::to_string(i))
        .Set("thing:" + std::to_string(i), "v")
        .Publish(Event("e" + std::to_string(i)));
    ASSERT_TRUE(step.Execute(pool_).ok());
  }
  AtomicStep over(bounded, 0);
  over.IdempotencyKey("W", "k3", "fp").Set("thing:3", "v").Publish(Event("e3"));
  auto refused = over.Execute(pool_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("outbox.max_backlog"), std::string::npos) << refused.status();
  EXPECT_EQ(ReplyString(pool_.Command({"GET", bounded.Key(0, "thing:3")})->get()), "");
  EXPECT_EQ((*pool_.Command({"XLEN", bounded.OutboxStream(0)}))->integer, 3);

  AtomicStep replay(bounded, 0);
  replay.IdempotencyKey("W", "k1", "fp").Set("thing:1", "v2").Publish(Event("e1b"));
  auto replayed = replay.Execute(pool_);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(replayed->response, "r1");

  AtomicStep quiet(bounded, 0);
  quiet.IdempotencyKey("W", "k4", "fp").Set("thing:4", "v");
  EXPECT_TRUE(quiet.Execute(pool_).ok());

  // The relay delivers one: the refused write goes through on retry.
  auto first = pool_.Command({"XRANGE", bounded.OutboxStream(0), "-", "+", "COUNT", "1"});
  ASSERT_TRUE(pool_.Command({"XDEL", bounded.OutboxStream(0), ReplyString((*first)->element[0]->element[0])}).ok());
  auto retried = over.Execute(pool_);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_FALSE(retried->replayed);
}

// Redis emptied under a running service: a keyspace that requires its
// markers refuses every step on a shard whose marker is gone, so no write
// lands in an empty store and no replay is taken for a first request.
TEST_F(AtomicStepTest, StepOnAShardWithoutItsMarkerIsRefusedAndWritesNothing) {
  Keyspace guarded("mk", 2, 0, /*marker_required=*/true);
  ASSERT_TRUE(pool_.Command({"SET", guarded.Marker(0), "gen-1"}).ok());
  AtomicStep ok(guarded, 0);
  ok.IdempotencyKey("W", "k1", "fp").Set("thing", "v").Publish(Event("m1"));
  ASSERT_TRUE(ok.Execute(pool_).ok());
  AtomicStep lost(guarded, 1);  // shard 1 has no marker
  lost.IdempotencyKey("W", "k2", "fp").Set("thing", "v").Publish(Event("m2"));
  auto refused = lost.Execute(pool_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("data lost"), std::string::npos) << refused.status();
  EXPECT_EQ(ReplyString(pool_.Command({"GET", guarded.Key(1, "thing")})->get()), "");
  EXPECT_EQ((*pool_.Command({"XLEN", guarded.OutboxStream(1)}))->integer, 0);
  // FLUSHALL: the answered key is not replayed from nowhere, it is refused.
  ASSERT_TRUE(pool_.Command({"FLUSHALL"}).ok());
  auto after = ok.Execute(pool_);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(AtomicStepTest, KeysShareTheShardHashTag) {
  EXPECT_EQ(keyspace_.Key(2, "client:x"), "{t:2}:client:x");
  EXPECT_EQ(keyspace_.OutboxStream(2), "{t:2}:outbox");
  EXPECT_EQ(keyspace_.ShardFor("abc"), keyspace_.ShardFor("abc"));
}

}  // namespace
}  // namespace yhteys::redis
