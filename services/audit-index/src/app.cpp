#include "app.hpp"

#include "yhteys/calendar/clock.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::auditindex {

server::ServiceSpec Spec() {
  return {"audit-index",
          "ai",
          "127.0.0.1:50056",
          "127.0.0.1:9466",
          {
              {"audit_index.retention_days", config::KeyType::kInt, "730",
               "How long the index keeps a record (days; default 2 years); older records are dropped and not "
               "indexed again when the topic is replayed"},
          }};
}

absl::StatusOr<AuditIndexSettings> SettingsFrom(const server::Runtime& rt) {
  const int64_t retention_days = rt.config().GetInt("audit_index.retention_days");
  if (retention_days < 1 || retention_days > 36500) {
    return absl::InvalidArgumentError("audit_index.retention_days: must be 1..36500");
  }
  AuditIndexSettings settings;
  settings.retention = std::chrono::days(retention_days);
  settings.query = {&rt.pseudonymizer(), rt.config().GetBool("identity.accept_temporary_codes"),
                    &calendar::TodayInFinland};
  log::Info("audit index settings", {{"retention_days", static_cast<int>(retention_days)}});
  return settings;
}

AuditIndex::AuditIndex(server::Runtime& rt, AuditIndexSettings settings)
    : store(rt.redis(), rt.keyspace(), settings.retention),
      handler(store, &ids::NowMillis, &rt.registry()),
      service(store, std::move(settings.query), rt.rpc_env()) {}

std::unique_ptr<kafka::Consumer> AuditIndex::AuditConsumer(server::Runtime& rt) {
  return std::make_unique<kafka::Consumer>(
      rt.consumer_options("yhteys-audit-index", {kAuditTopic}),
      [this](const kafka::ConsumedRecord& r) { return handler.Handle(r); }, &rt.registry());
}

}  // namespace yhteys::auditindex
