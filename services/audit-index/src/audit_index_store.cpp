#include "audit_index_store.hpp"

#include "yhteys/redis/reply.hpp"

namespace yhteys::auditindex {
namespace {

// KEYS: marker, the client's set, the record.
// ARGV: at (ms), record id, payload, expiry (ms since epoch), cutoff (ms).
constexpr char kIngest[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.error_reply('MARKER keyspace marker missing')
end
redis.call('SET', KEYS[3], ARGV[3], 'PXAT', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
local expires = redis.call('PEXPIRETIME', KEYS[2])
if expires < 0 or expires < tonumber(ARGV[4]) then
  redis.call('PEXPIREAT', KEYS[2], ARGV[4])
end
return 1
)lua";

std::string ClientKey(const std::string& client) { return "client:" + client; }
std::string RecordKey(const std::string& id) { return "record:" + id; }

}  // namespace

AuditIndexStore::AuditIndexStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::chrono::days retention)
    : pool_(pool), keyspace_(keyspace), retention_(retention), ingest_(kIngest) {}

absl::StatusOr<AuditIndexStore::IngestResult> AuditIndexStore::Ingest(const IndexEntry& entry,
                                                                      int64_t now_millis) const {
  if (entry.clients.empty()) return IngestResult::kNoClient;
  const int64_t retention_ms = std::chrono::duration_cast<std::chrono::milliseconds>(retention_).count();
  const int64_t cutoff = now_millis - retention_ms;
  if (entry.at_millis < cutoff) return IngestResult::kTooOld;
  const std::string expiry = std::to_string(entry.at_millis + retention_ms);
  for (const std::string& client : entry.clients) {
    const int shard = keyspace_.ShardFor(client);
    auto reply =
        ingest_.Run(pool_,
                    {keyspace_.Marker(shard), keyspace_.Key(shard, ClientKey(client)),
                     keyspace_.Key(shard, RecordKey(entry.event_id))},
                    {std::to_string(entry.at_millis), entry.event_id, entry.payload, expiry, std::to_string(cutoff)});
    if (!reply.ok()) return reply.status();
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      return absl::UnavailableError("redis: " + redis::ReplyString(reply->get()));
    }
  }
  return IngestResult::kIndexed;
}

absl::StatusOr<AuditIndexStore::Page> AuditIndexStore::List(const std::string& client, int64_t from_millis,
                                                            int64_t to_millis, int64_t offset, int limit) const {
  const int shard = keyspace_.ShardFor(client);
  Page page;
  if (to_millis <= from_millis) return page;
  // One more than asked: whether another page follows.
  auto ids = pool_.Command({"ZRANGE", keyspace_.Key(shard, ClientKey(client)), std::to_string(from_millis),
                            "(" + std::to_string(to_millis), "BYSCORE", "LIMIT", std::to_string(offset),
                            std::to_string(limit + 1)});
  if (!ids.ok()) return ids.status();
  auto listed = redis::DecodeStrings(ids->get(), "client's audit records");
  if (!listed.ok()) return listed.status();
  std::vector<std::string> wanted = std::move(*listed);
  if (static_cast<int>(wanted.size()) > limit) {
    page.more = true;
    wanted.resize(static_cast<size_t>(limit));
  }
  if (wanted.empty()) return page;
  std::vector<std::string> mget = {"MGET"};
  for (const std::string& id : wanted) mget.push_back(keyspace_.Key(shard, RecordKey(id)));
  auto records = pool_.Command(mget);
  if (!records.ok()) return records.status();
  auto payloads = redis::DecodeOptionalStrings(records->get(), wanted.size(), "audit records");
  if (!payloads.ok()) return payloads.status();
  for (size_t i = 0; i < wanted.size(); ++i) {
    // A record past its expiry between the two reads is gone: skipped.
    if (!(*payloads)[i].has_value()) continue;
    page.entries.emplace_back(wanted[i], std::move(*(*payloads)[i]));
  }
  return page;
}

}  // namespace yhteys::auditindex
