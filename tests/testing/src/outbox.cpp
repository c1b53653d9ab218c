#include "yhteys/testing/outbox.hpp"

#include "yhteys/redis/reply.hpp"

namespace yhteys::testing {

int64_t OutboxEvents(redis::Pool& pool, const redis::Keyspace& keyspace) {
  int64_t total = 0;
  for (int shard = 0; shard < keyspace.shards(); ++shard) {
    auto reply = pool.Command({"XLEN", keyspace.OutboxStream(shard)});
    if (!reply.ok()) return -1;
    auto length = redis::DecodeInteger(reply->get(), "outbox length");
    if (!length.ok()) return -1;
    total += *length;
  }
  return total;
}

}  // namespace yhteys::testing
