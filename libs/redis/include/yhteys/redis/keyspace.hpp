#pragma once
// Key naming for one service's data in Redis. A service's data is split into
// shards; every key of a shard carries the same hash tag "{prefix:N}", so a
// script touching one shard's keys works unchanged on Redis Cluster. Each
// shard has its own outbox stream. Immutable and thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace yhteys::redis {

class Keyspace {
 public:
  // `outbox_limit` bounds each shard's outbox stream (0: unbounded): an
  // atomic step that publishes into a full outbox is refused (UNAVAILABLE)
  // instead of growing Redis without end while Kafka is away.
  // With `marker_required`, an atomic step on a shard whose marker is gone
  // (the data was lost) is refused (UNAVAILABLE) and writes nothing.
  Keyspace(std::string prefix, int shards, int64_t outbox_limit = 0, bool marker_required = false);

  int shards() const { return shards_; }
  const std::string& prefix() const { return prefix_; }
  // The shard that owns `id` (a client pseudonym, a referral id...).
  int ShardFor(std::string_view id) const;
  // "{prefix:N}"
  std::string Tag(int shard) const;
  // "{prefix:N}:suffix"
  std::string Key(int shard, std::string_view suffix) const;
  std::string OutboxStream(int shard) const { return Key(shard, "outbox"); }
  int64_t outbox_limit() const { return outbox_limit_; }
  bool marker_required() const { return marker_required_; }
  // "{prefix:N}:marker": written when the service first meets its Redis;
  // its absence later means the data was lost.
  std::string Marker(int shard) const { return Key(shard, "marker"); }

 private:
  std::string prefix_;
  int shards_;
  int64_t outbox_limit_;
  bool marker_required_;
};

}  // namespace yhteys::redis
