#include "yhteys/redis/keyspace.hpp"

#include "yhteys/ids/ids.hpp"

namespace yhteys::redis {

Keyspace::Keyspace(std::string prefix, int shards, int64_t outbox_limit, bool marker_required)
    : prefix_(std::move(prefix)),
      shards_(shards < 1 ? 1 : shards),
      outbox_limit_(outbox_limit < 0 ? 0 : outbox_limit),
      marker_required_(marker_required) {}

int Keyspace::ShardFor(std::string_view id) const {
  return static_cast<int>(ids::Fnv1a64(id) % static_cast<uint64_t>(shards_));
}

std::string Keyspace::Tag(int shard) const { return "{" + prefix_ + ":" + std::to_string(shard) + "}"; }

std::string Keyspace::Key(int shard, std::string_view suffix) const {
  std::string key = Tag(shard);
  key.push_back(':');
  key.append(suffix);
  return key;
}

}  // namespace yhteys::redis
