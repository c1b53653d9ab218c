#include "yhteys/redis/versioned.hpp"

namespace yhteys::redis {

VersionedRepository::VersionedRepository(Pool& pool, const Keyspace& keyspace, RecordSchema schema,
                                         std::chrono::seconds idempotency_ttl)
    : pool_(pool), keyspace_(keyspace), schema_(std::move(schema)), idempotency_ttl_(idempotency_ttl) {}

absl::StatusOr<std::vector<std::optional<std::string>>> VersionedRepository::LoadFields(
    int shard, std::string_view suffix, const std::vector<std::string>& extra_fields) const {
  std::vector<std::string> command = {"HMGET", keyspace_.Key(shard, suffix), schema_.record_field, "version"};
  command.insert(command.end(), extra_fields.begin(), extra_fields.end());
  auto reply = pool_.Command(command);
  if (!reply.ok()) return reply.status();
  auto fields = DecodeOptionalStrings(reply->get(), command.size() - 2, schema_.what);
  if (!fields.ok()) return fields.status();
  if (!(*fields)[0].has_value()) return schema_.not_found;
  return fields;
}

AtomicStep VersionedRepository::Begin(int shard, RequestChange change) const {
  AtomicStep step(keyspace_, shard);
  step.IdempotencyKey(change.scope, change.idempotency_key, std::move(change.fingerprint))
      .RecordTtl(idempotency_ttl_)
      .Response(std::move(change.response));
  return step;
}

void VersionedRepository::Write(AtomicStep& step, std::string_view suffix, const std::string& loaded_version,
                                const google::protobuf::Message& record) const {
  step.CompareAndBumpVersion(suffix, loaded_version, schema_.id_field)
      .HSet(suffix, schema_.record_field, record.SerializeAsString());
}

void VersionedRepository::Create(AtomicStep& step, std::string_view suffix, const google::protobuf::Message& record,
                                 absl::Status collision) const {
  step.RequireAbsent(suffix, std::move(collision))
      .HSet(suffix, schema_.record_field, record.SerializeAsString())
      .HSet(suffix, "version", "1");
}

}  // namespace yhteys::redis
