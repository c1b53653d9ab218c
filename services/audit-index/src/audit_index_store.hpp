#pragma once
// The audit index in Redis. Per client (in the client's shard):
//   {ai:N}:client:<pseudonym>  sorted set: audit record ids by time (ms)
//   {ai:N}:record:<event id>   the serialized ClientDataAccessed
// Both expire when the newest record they hold leaves the retention, and
// each write also trims the client's set to the retention, so nothing is
// kept past it. Indexing is idempotent (the same record id twice is one
// entry), so a redelivered or replayed record changes nothing. Every write
// first checks the shard's keyspace marker: a Redis that lost its data is
// not quietly refilled with part of the history (the consumer retries until
// the service is restarted, see README "Rebuilding"). Thread-safe.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "audit_index.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/script.hpp"

namespace yhteys::auditindex {

class AuditIndexStore {
 public:
  AuditIndexStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::chrono::days retention);

  enum class IngestResult { kIndexed, kTooOld, kNoClient };
  // Indexes `entry` under each of its clients. UNAVAILABLE when Redis does
  // not answer or a shard's marker is gone (retry later).
  absl::StatusOr<IngestResult> Ingest(const IndexEntry& entry, int64_t now_millis) const;

  struct Page {
    std::vector<std::pair<std::string, std::string>> entries;  // (event id, serialized record), oldest first
    bool more = false;                                         // entries beyond this page
  };
  // The client's entries with from_millis <= at < to_millis, skipping
  // `offset` of them, at most `limit`.
  absl::StatusOr<Page> List(const std::string& client, int64_t from_millis, int64_t to_millis, int64_t offset,
                            int limit) const;

  std::chrono::days retention() const { return retention_; }

 private:
  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  std::chrono::days retention_;
  redis::Script ingest_;
};

}  // namespace yhteys::auditindex
