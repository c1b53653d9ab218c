// yhteys-audit-index: wiring only.
#include "audit_index_service.hpp"
#include "audit_index_store.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/runtime.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  using config::KeyType;
  calendar::UseFinnishTimeZoneUnlessSet();
  server::ServiceSpec spec{
      "audit-index",
      "ai",
      "127.0.0.1:50056",
      "127.0.0.1:9466",
      {
          {"audit_index.retention_days", KeyType::kInt, "730",
           "How long the index keeps a record (days; default 2 years); older records are dropped and not "
           "indexed again when the topic is replayed"},
      }};
  auto runtime = server::Runtime::Create(spec, argc, argv);
  if (!runtime.ok()) {
    log::SetService("audit-index");
    log::Error("cannot start", {{"error", std::string(runtime.status().message())}});
    return 2;
  }
  server::Runtime& rt = **runtime;
  const int64_t retention_days = rt.config().GetInt("audit_index.retention_days");
  if (retention_days < 1 || retention_days > 36500) {
    log::Error("invalid configuration", {{"error", "audit_index.retention_days: must be 1..36500"}});
    return 2;
  }
  auditindex::AuditIndexStore store(rt.redis(), rt.keyspace(), std::chrono::days(retention_days));
  auditindex::AuditRecordHandler handler(store, &ids::NowMillis, &rt.registry());
  rt.AddConsumer(std::make_unique<kafka::Consumer>(
      rt.consumer_options("yhteys-audit-index", {auditindex::kAuditTopic}),
      [&handler](const kafka::ConsumedRecord& r) { return handler.Handle(r); }, &rt.registry()));

  auditindex::QuerySettings settings{&rt.pseudonymizer(), rt.config().GetBool("identity.accept_temporary_codes"),
                                     &calendar::TodayInFinland};
  auditindex::AuditIndexService service(store, settings, rt.rpc_env());
  rt.AddService(&service);
  log::Info("audit index ready", {{"retention_days", static_cast<int>(retention_days)}});
  return rt.Run();
}
