// Shard leases against a real Redis: one holder at a time per shard, handed
// over at once on Release, and after the ttl when the holder stops renewing.
#include "yhteys/redis/shard_leases.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "yhteys/testing/fixtures.hpp"

namespace yhteys::redis {
namespace {

using namespace std::chrono_literals;

TEST(ShardLeasesTest, OneHolderPerShardHandedOverOnReleaseAndAfterTheTtl) {
  testing::RedisServer redis;
  Pool pool(PoolOptions{"127.0.0.1", redis.port()});
  Keyspace keyspace("sl", 4);
  ShardLeases a(pool, keyspace, "work-lease", "holder-a", 500ms);
  ShardLeases b(pool, keyspace, "work-lease", "holder-b", 500ms);

  EXPECT_EQ(a.Renew(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(a.Owned(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(b.Renew().empty()) << "held by a";
  EXPECT_EQ(b.owned_count(), 0u);
  // Another kind of lease on the same shards is another lease.
  ShardLeases other(pool, keyspace, "other-lease", "holder-b", 500ms);
  EXPECT_EQ(other.Renew().size(), 4u);

  // Released: the next renewal of b (due ttl/5 after its last) takes all.
  a.Release();
  EXPECT_EQ(a.owned_count(), 0u);
  std::this_thread::sleep_for(120ms);
  EXPECT_EQ(b.Renew(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(a.Renew().empty());
  EXPECT_EQ(a.owned_count(), 0u);

  // b stops renewing: past the ttl it no longer counts itself a holder, and
  // a takes the shards.
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(b.owned_count(), 0u) << "run out locally without a renewal";
  EXPECT_EQ(a.Renew(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(a.owned_count(), 4u);
  // b's next renewal finds them held by another: no change, b had counted
  // them lost already.
  EXPECT_TRUE(b.Renew().empty());
  EXPECT_EQ(b.owned_count(), 0u);
  // a stops renewing too; past the ttl its next renewal takes them again,
  // and that is a change (another holder may have had them meanwhile).
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(a.owned_count(), 0u);
  EXPECT_EQ(a.Renew(), (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace yhteys::redis
