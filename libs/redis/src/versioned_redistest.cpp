// The versioned-record repository and the typed reply decoders against a
// real redis-server.
#include "yhteys/redis/versioned.hpp"

#include <gtest/gtest.h>

#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/homecare/v1/home_care_service.pb.h"
#include "yhteys/testing/fixtures.hpp"

namespace yhteys::redis {
namespace {

using homecare::v1::Client;
using homecare::v1::ClientRegistered;

class VersionedTest : public ::testing::Test {
 protected:
  VersionedTest()
      : pool_(PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("t", 2),
        repo_(pool_, keyspace_, {"client", "client", "client_id", absl::NotFoundError("client_id: no such client")},
              std::chrono::hours(1)) {}

  static Client NamedClient(const std::string& unit) {
    Client c;
    c.set_client_id("p1");
    c.set_unit_id(unit);
    return c;
  }

  // Creates the record at version 1 under key `k`.
  absl::StatusOr<StepOutcome> Create(const std::string& key, const Client& client) {
    AtomicStep step = repo_.Begin(0, {"Create", key, "fp-" + key, client.SerializeAsString()});
    repo_.Create(step, "client:p1", client, absl::AbortedError("collision"));
    return step.Execute(pool_);
  }
  // Writes `client` over `version` under key `k`, with one event.
  absl::StatusOr<StepOutcome> Change(const std::string& key, const std::string& version, const Client& client) {
    AtomicStep step = repo_.Begin(0, {"Change", key, "fp-" + key, client.SerializeAsString()});
    repo_.Write(step, "client:p1", version, client);
    ClientRegistered event;
    event.set_client_pseudonym("p1");
    step.Publish({Emit(event, "p1")}, "/yhteys/test", "yhteys.test.v1");
    return step.Execute(pool_);
  }
  long long OutboxLength() {
    auto r = pool_.Command({"XLEN", keyspace_.OutboxStream(0)});
    return r.ok() ? (*r)->integer : -1;
  }

  testing::RedisServer redis_;
  Pool pool_;
  Keyspace keyspace_;
  VersionedRepository repo_;
};

TEST_F(VersionedTest, LoadsTheRecordItsVersionAndExtraFields) {
  ASSERT_TRUE(Create("k1", NamedClient("u1")).ok());
  ASSERT_TRUE(pool_.Command({"HSET", keyspace_.Key(0, "client:p1"), "born", "1950-01-02"}).ok());
  auto loaded = repo_.Load<Client>(0, "client:p1", {"born", "absent"});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->record.unit_id(), "u1");
  EXPECT_EQ(loaded->version, "1");
  ASSERT_EQ(loaded->extra.size(), 2u);
  EXPECT_EQ(loaded->extra[0], "1950-01-02");
  EXPECT_FALSE(loaded->extra[1].has_value());
}

TEST_F(VersionedTest, AMissingRecordIsTheSchemasNotFound) {
  auto loaded = repo_.Load<Client>(0, "client:nobody");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loaded.status().message(), "client_id: no such client");
}

TEST_F(VersionedTest, ARedisErrorIsNeverNotFound) {
  // A key of the wrong type: HMGET answers WRONGTYPE, an error reply.
  ASSERT_TRUE(pool_.Command({"SET", keyspace_.Key(0, "client:p1"), "a string"}).ok());
  auto loaded = repo_.Load<Client>(0, "client:p1");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(loaded.status().message().find("WRONGTYPE"), std::string::npos) << loaded.status();
}

TEST_F(VersionedTest, AnUnparsableRecordIsCorruptNotMissing) {
  ASSERT_TRUE(pool_.Command({"HSET", keyspace_.Key(0, "client:p1"), "client", "\xff\xff\xff"}).ok());
  auto loaded = repo_.Load<Client>(0, "client:p1");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(loaded.status().message(), "stored client is corrupt");
}

TEST_F(VersionedTest, UnreachableRedisIsUnavailable) {
  Pool nowhere(PoolOptions{"127.0.0.1", testing::FreePort()});
  VersionedRepository repo(nowhere, keyspace_, repo_.schema(), std::chrono::hours(1));
  EXPECT_EQ(repo.Load<Client>(0, "client:p1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(VersionedTest, AChangeOverAStaleVersionIsAbortedAndWritesNothing) {
  ASSERT_TRUE(Create("k1", NamedClient("u1")).ok());
  auto first = Change("k2", "1", NamedClient("u2"));
  ASSERT_TRUE(first.ok()) << first.status();
  // A second writer that loaded version 1 too.
  auto stale = Change("k3", "1", NamedClient("u3"));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_NE(stale.status().message().find("client_id"), std::string::npos) << stale.status();
  auto loaded = repo_.Load<Client>(0, "client:p1");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->record.unit_id(), "u2");
  EXPECT_EQ(loaded->version, "2");
  EXPECT_EQ(OutboxLength(), 1);
}

TEST_F(VersionedTest, ARetryOfAnAppliedChangeReplaysItsAnswer) {
  ASSERT_TRUE(Create("k1", NamedClient("u1")).ok());
  ASSERT_TRUE(Change("k2", "1", NamedClient("u2")).ok());
  // The retry carries the version it loaded first; the record moved on, but
  // the idempotency record answers before the version check.
  auto retry = Change("k2", "1", NamedClient("u2"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(OutboxLength(), 1);
  auto loaded = repo_.Load<Client>(0, "client:p1");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->version, "2");
}

TEST_F(VersionedTest, CreatingOverAnExistingRecordIsTheCollision) {
  ASSERT_TRUE(Create("k1", NamedClient("u1")).ok());
  auto again = Create("k9", NamedClient("u9"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(again.status().message(), "collision");
}

TEST(ReplyTest, DecodersRejectErrorRepliesAndWrongShapes) {
  redisReply error{};
  error.type = REDIS_REPLY_ERROR;
  char text[] = "ERR boom";
  error.str = text;
  error.len = sizeof(text) - 1;
  EXPECT_EQ(DecodeOptionalString(&error, "x").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecodeStrings(&error, "x").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecodeInteger(&error, "x").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecodeOptionalStrings(&error, 1, "x").status().code(), absl::StatusCode::kInternal);
  redisReply nil{};
  nil.type = REDIS_REPLY_NIL;
  auto absent = DecodeOptionalString(&nil, "x");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  EXPECT_TRUE(DecodeStrings(&nil, "x")->empty());
  EXPECT_EQ(DecodeInteger(&nil, "x").status().code(), absl::StatusCode::kInternal);
  redisReply* none[] = {&nil};
  redisReply array{};
  array.type = REDIS_REPLY_ARRAY;
  array.elements = 1;
  array.element = none;
  EXPECT_EQ(DecodeOptionalStrings(&array, 2, "x").status().code(), absl::StatusCode::kInternal);
  EXPECT_FALSE((*DecodeOptionalStrings(&array, 1, "x"))[0].has_value());
  EXPECT_EQ(DecodeStrings(&array, "x").status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace yhteys::redis
