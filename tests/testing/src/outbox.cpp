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

std::vector<std::map<std::string, std::string>> OutboxEntries(redis::Pool& pool, const redis::Keyspace& keyspace,
                                                              int shard) {
  std::vector<std::map<std::string, std::string>> entries;
  auto reply = pool.Command({"XRANGE", keyspace.OutboxStream(shard), "-", "+"});
  if (!reply.ok() || (*reply)->type != REDIS_REPLY_ARRAY) return entries;
  for (size_t e = 0; e < (*reply)->elements; ++e) {
    const redisReply* fields = (*reply)->element[e]->element[1];
    auto& entry = entries.emplace_back();
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
      entry[redis::ReplyString(fields->element[i])] = redis::ReplyString(fields->element[i + 1]);
    }
  }
  return entries;
}

}  // namespace yhteys::testing
