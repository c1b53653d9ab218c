// The pool against a real redis-server that is still loading its data set
// after a restart: every answer is either the stored data or UNAVAILABLE,
// never an empty reply that a store would read as "not found".
#include <gtest/gtest.h>

#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/testing/fixtures.hpp"

namespace yhteys::redis {
namespace {

// 40,000 keys: enough that loading them, slowed down per key, takes seconds.
void FillKeys(Pool& pool) {
  for (int chunk = 0; chunk < 40; ++chunk) {
    std::vector<std::vector<std::string>> sets;
    for (int i = 0; i < 1000; ++i) sets.push_back({"SET", "filler:" + std::to_string(chunk * 1000 + i), "x"});
    ASSERT_TRUE(pool.Pipeline(sets).ok());
  }
}

TEST(PoolLoadingTest, AnswersWhileRedisLoadsItsDataAreDataOrUnavailableNeverAbsent) {
  testing::RedisServer redis(/*append_only=*/false);
  Pool pool(PoolOptions{"127.0.0.1", redis.port()});
  FillKeys(pool);
  ASSERT_TRUE(pool.Command({"SET", "probe", "v"}).ok());
  ASSERT_TRUE(pool.Command({"HSET", "client:1", "age", "81"}).ok());
  ASSERT_EQ(ReplyString(pool.Command({"SAVE"})->get()), "OK");
  redis.Kill();
  // key-load-delay (microseconds per key) and a small events interval make
  // the server answer LOADING for a few seconds, as a production data set
  // does for minutes.
  ASSERT_TRUE(redis.Start({"--key-load-delay", "60", "--loading-process-events-interval-bytes", "1024"},
                          /*wait_until_loaded=*/false));

  int unavailable = 0, answered = 0, wrong = 0;
  std::string last_unavailable;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    auto get = pool.Command({"GET", "probe"});
    if (!get.ok()) {
      EXPECT_EQ(get.status().code(), absl::StatusCode::kUnavailable);
      last_unavailable = std::string(get.status().message());
      ++unavailable;
    } else if (ReplyString(get->get()) == "v") {
      ++answered;
    } else {
      ++wrong;
    }
    auto pipeline = pool.Pipeline({{"HGET", "client:1", "age"}, {"EXISTS", "probe"}});
    if (!pipeline.ok()) {
      EXPECT_EQ(pipeline.status().code(), absl::StatusCode::kUnavailable);
      ++unavailable;
    } else if (ReplyString((*pipeline)[0].get()) == "81" && (*pipeline)[1]->integer == 1) {
      ++answered;
    } else {
      ++wrong;
    }
    if (answered >= 20) break;
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_GE(answered, 20);
  // The load window was really exercised, and said what it was.
  EXPECT_GT(unavailable, 0);
  EXPECT_NE(last_unavailable.find("LOADING"), std::string::npos) << last_unavailable;
}

TEST(PoolLoadingTest, AtomicStepWhileLoadingIsUnavailableAndWritesNothing) {
  testing::RedisServer redis(/*append_only=*/false);
  Pool pool(PoolOptions{"127.0.0.1", redis.port()});
  FillKeys(pool);
  ASSERT_EQ(ReplyString(pool.Command({"SAVE"})->get()), "OK");
  redis.Kill();
  ASSERT_TRUE(redis.Start({"--key-load-delay", "60", "--loading-process-events-interval-bytes", "1024"}, false));
  // A new pool: the old one's connections died with the server.
  Pool fresh(PoolOptions{"127.0.0.1", redis.port()});
  Keyspace keyspace("lt", 1);
  AtomicStep step(keyspace, 0);
  step.IdempotencyKey("Write", "k1", "fp").RequireExists("client", absl::NotFoundError("client_id: no such client"));
  auto outcome = step.Execute(fresh);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable) << outcome.status();
  EXPECT_NE(outcome.status().message().find("LOADING"), std::string::npos) << outcome.status();
}

}  // namespace
}  // namespace yhteys::redis
