// The audit index's store against a real redis-server: idempotent indexing,
// retention, paging, and no writes into a Redis that lost its data.
#include "audit_index_store.hpp"

#include <gtest/gtest.h>

#include "yhteys/ids/ids.hpp"
#include "yhteys/testing/fixtures.hpp"

namespace yhteys::auditindex {
namespace {

constexpr int64_t kDay = 24 * 3600 * 1000;
// Expiry runs on Redis's clock, so "now" is the real one.
const int64_t kNow = ids::NowMillis();
const std::string kAnna(64, 'a');
const std::string kBo(64, 'b');

class AuditIndexStoreTest : public ::testing::Test {
 protected:
  AuditIndexStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("ai", 4),
        store_(pool_, keyspace_, std::chrono::days(30)) {
    for (int shard = 0; shard < keyspace_.shards(); ++shard) {
      EXPECT_TRUE(pool_.Command({"SET", keyspace_.Marker(shard), "gen-1"}).ok());
    }
  }

  static IndexEntry Entry(std::string id, int64_t at, std::vector<std::string> clients) {
    audit::v1::ClientDataAccessed accessed;
    accessed.set_rpc("/yhteys.homecare.v1.HomeCare/GetClient");
    accessed.set_subject_id(id);
    for (const auto& c : clients) accessed.add_client_pseudonyms(c);
    return IndexEntry{std::move(id), at, std::move(clients), accessed.SerializeAsString()};
  }

  std::vector<std::string> Ids(const std::string& client, int64_t from, int64_t to, int64_t offset = 0, int limit = 100,
                               bool* more = nullptr) {
    auto page = store_.List(client, from, to, offset, limit);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const auto& [id, payload] : page->entries) {
      audit::v1::ClientDataAccessed accessed;
      EXPECT_TRUE(accessed.ParseFromString(payload));
      EXPECT_EQ(accessed.subject_id(), id);
      ids.push_back(id);
    }
    if (more != nullptr) *more = page->more;
    return ids;
  }

  long long Ttl(const std::string& key) {
    auto r = pool_.Command({"PTTL", key});
    return r.ok() ? (*r)->integer : -3;
  }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  AuditIndexStore store_;
};

TEST_F(AuditIndexStoreTest, ARecordIsFoundUnderEachClientItNamesInTimeOrder) {
  ASSERT_EQ(*store_.Ingest(Entry("e-2", kNow - 2 * kDay, {kAnna}), kNow), AuditIndexStore::IngestResult::kIndexed);
  ASSERT_EQ(*store_.Ingest(Entry("e-1", kNow - 3 * kDay, {kAnna, kBo}), kNow), AuditIndexStore::IngestResult::kIndexed);
  ASSERT_EQ(*store_.Ingest(Entry("e-3", kNow - kDay, {kBo}), kNow), AuditIndexStore::IngestResult::kIndexed);
  EXPECT_EQ(Ids(kAnna, 0, kNow), (std::vector<std::string>{"e-1", "e-2"}));
  EXPECT_EQ(Ids(kBo, 0, kNow), (std::vector<std::string>{"e-1", "e-3"}));
  EXPECT_TRUE(Ids(std::string(64, 'c'), 0, kNow).empty());
}

TEST_F(AuditIndexStoreTest, TheSameRecordTwiceIsOneEntry) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_.Ingest(Entry("e-1", kNow - kDay, {kAnna}), kNow).ok());
  EXPECT_EQ(Ids(kAnna, 0, kNow), (std::vector<std::string>{"e-1"}));
}

TEST_F(AuditIndexStoreTest, ThePeriodBoundsAreFromInclusiveToExclusive) {
  ASSERT_TRUE(store_.Ingest(Entry("at-from", kNow - 2 * kDay, {kAnna}), kNow).ok());
  ASSERT_TRUE(store_.Ingest(Entry("at-to", kNow - kDay, {kAnna}), kNow).ok());
  EXPECT_EQ(Ids(kAnna, kNow - 2 * kDay, kNow - kDay), (std::vector<std::string>{"at-from"}));
  EXPECT_TRUE(Ids(kAnna, kNow - kDay, kNow - kDay).empty());
}

TEST_F(AuditIndexStoreTest, PagesFollowOneAnother) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_.Ingest(Entry("e-" + std::to_string(i), kNow - (10 - i) * kDay, {kAnna}), kNow).ok());
  }
  bool more = false;
  EXPECT_EQ(Ids(kAnna, 0, kNow, 0, 2, &more), (std::vector<std::string>{"e-0", "e-1"}));
  EXPECT_TRUE(more);
  EXPECT_EQ(Ids(kAnna, 0, kNow, 2, 2, &more), (std::vector<std::string>{"e-2", "e-3"}));
  EXPECT_TRUE(more);
  EXPECT_EQ(Ids(kAnna, 0, kNow, 4, 2, &more), (std::vector<std::string>{"e-4"}));
  EXPECT_FALSE(more);
}

TEST_F(AuditIndexStoreTest, NothingIsKeptPastTheRetention) {
  // Already past the retention when it arrives (e.g. the topic replayed).
  EXPECT_EQ(*store_.Ingest(Entry("old", kNow - 31 * kDay, {kAnna}), kNow), AuditIndexStore::IngestResult::kTooOld);
  EXPECT_TRUE(Ids(kAnna, 0, kNow).empty());

  // Kept while inside it; Redis drops the record when its time is up.
  ASSERT_TRUE(store_.Ingest(Entry("e-1", kNow - 29 * kDay, {kAnna}), kNow).ok());
  const int shard = keyspace_.ShardFor(kAnna);
  const long long record_ttl = Ttl(keyspace_.Key(shard, "record:e-1"));
  // Expires at at + 30 days, whatever the wall clock: about one day from kNow.
  EXPECT_GT(record_ttl, 0);
  // The set expires with its record (two readings a moment apart).
  EXPECT_NEAR(static_cast<double>(Ttl(keyspace_.Key(shard, "client:" + kAnna))), static_cast<double>(record_ttl), 1000);

  // A later write trims the set of entries that have left the retention.
  ASSERT_TRUE(store_.Ingest(Entry("e-2", kNow + 2 * kDay, {kAnna}), kNow + 2 * kDay).ok());
  EXPECT_EQ(Ids(kAnna, 0, kNow + 3 * kDay), (std::vector<std::string>{"e-2"}));
  // The set now lives as long as its newest record.
  EXPECT_NEAR(static_cast<double>(Ttl(keyspace_.Key(shard, "client:" + kAnna))),
              static_cast<double>(Ttl(keyspace_.Key(shard, "record:e-2"))), 1000);
}

TEST_F(AuditIndexStoreTest, ARecordNamingNoClientIsNotIndexed) {
  EXPECT_EQ(*store_.Ingest(Entry("e-1", kNow, {}), kNow), AuditIndexStore::IngestResult::kNoClient);
  auto keys = pool_.Command({"KEYS", "*record*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ((*keys)->elements, 0u);
}

TEST_F(AuditIndexStoreTest, ARedisThatLostItsDataIsNotRefilledWithPartOfTheHistory) {
  ASSERT_TRUE(pool_.Command({"FLUSHALL"}).ok());
  auto result = store_.Ingest(Entry("e-1", kNow, {kAnna}), kNow);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable) << result.status();
  EXPECT_TRUE(Ids(kAnna, 0, kNow + kDay).empty());
}

TEST_F(AuditIndexStoreTest, RedisDownIsUnavailableNotEmpty) {
  redis_.Kill();
  EXPECT_EQ(store_.Ingest(Entry("e-1", kNow, {kAnna}), kNow).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.List(kAnna, 0, kNow, 0, 10).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace yhteys::auditindex
