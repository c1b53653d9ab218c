#pragma once
// The versioned record every store keeps: a protobuf message serialized in
// one field of a Redis hash, a "version" counter beside it, and whatever
// other fields the store keeps in the same hash. A change loads the record
// with its version, lets a pure decision compute the new record and its
// events, and commits them in one atomic step together with the request's
// idempotency record; the step fails ABORTED (naming the request field of
// the record's id) if another writer changed the record in between, and a
// retry of an applied request replays its first answer.
//
// Reading is typed (yhteys/redis/reply.hpp): only a nil record is NOT_FOUND;
// a Redis error is UNAVAILABLE (from the pool) or INTERNAL, never NOT_FOUND.

#include <google/protobuf/message.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/emitted.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/reply.hpp"

namespace yhteys::redis {

template <typename Record>
struct Versioned {
  Record record;
  std::string version;                            // "" for a record written before versions were kept
  std::vector<std::optional<std::string>> extra;  // the extra hash fields asked for, in order
};

struct RecordSchema {
  std::string record_field;  // the hash field holding the message, e.g. "case"
  std::string what;          // the record's name in errors: "stored case is corrupt"
  std::string id_field;      // the request field naming the record, e.g. "case_id"
  absl::Status not_found;    // e.g. NOT_FOUND "case_id: no such case"
};

// One request's change: answered with `response`, deduplicated by
// (`scope`, `idempotency_key`) and the request's `fingerprint`.
struct RequestChange {
  std::string_view scope;
  std::string_view idempotency_key;
  std::string fingerprint;
  std::string response;
};

class VersionedRepository {
 public:
  VersionedRepository(Pool& pool, const Keyspace& keyspace, RecordSchema schema, std::chrono::seconds idempotency_ttl);

  // The record in hash `suffix` of `shard`, with its version and the
  // `extra_fields` of the same hash (read in the same command).
  template <typename Record>
  absl::StatusOr<Versioned<Record>> Load(int shard, std::string_view suffix,
                                         const std::vector<std::string>& extra_fields = {}) const {
    auto fields = LoadFields(shard, suffix, extra_fields);
    if (!fields.ok()) return fields.status();
    Versioned<Record> loaded;
    if (!loaded.record.ParseFromString(*(*fields)[0])) return CorruptRecord(schema_.what);
    loaded.version = (*fields)[1].value_or("");
    loaded.extra.assign(fields->begin() + 2, fields->end());
    return loaded;
  }

  // A request-mode step in `shard` for `change`. Add the change's checks
  // (they run after the idempotency record, so a retry of an applied change
  // replays its answer even though the record moved on), then Write, then
  // any other writes and the events, then Execute.
  AtomicStep Begin(int shard, RequestChange change) const;
  // Writes `record` over the version `loaded_version` of hash `suffix`
  // (ABORTED if it changed since) and bumps the version.
  void Write(AtomicStep& step, std::string_view suffix, const std::string& loaded_version,
             const google::protobuf::Message& record) const;
  // Writes a new record in hash `suffix` at version 1; `collision` if the
  // key exists (a fresh random id that was already taken).
  void Create(AtomicStep& step, std::string_view suffix, const google::protobuf::Message& record,
              absl::Status collision) const;

  Pool& pool() const { return pool_; }
  const Keyspace& keyspace() const { return keyspace_; }
  const RecordSchema& schema() const { return schema_; }

 private:
  // [record, version, extra...]; the record is present (else not_found).
  absl::StatusOr<std::vector<std::optional<std::string>>> LoadFields(
      int shard, std::string_view suffix, const std::vector<std::string>& extra_fields) const;

  Pool& pool_;
  const Keyspace& keyspace_;
  RecordSchema schema_;
  std::chrono::seconds idempotency_ttl_;
};

}  // namespace yhteys::redis
