#pragma once
// The audit index as the runtime hosts it: its name, ports and config keys
// (Spec), its settings read once from the config (SettingsFrom), and the app
// object whose gRPC service and consumer main() registers.

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "audit_index_service.hpp"
#include "audit_index_store.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::auditindex {

server::ServiceSpec Spec();

struct AuditIndexSettings {
  std::chrono::days retention{730};
  QuerySettings query;
};
absl::StatusOr<AuditIndexSettings> SettingsFrom(const server::Runtime& rt);

struct AuditIndex {
  AuditIndex(server::Runtime& rt, AuditIndexSettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  AuditIndex(const AuditIndex&) = delete;
  AuditIndex& operator=(const AuditIndex&) = delete;

  // Indexes yhteys.audit.v1 (a new kafka.consumer_group rebuilds the index).
  std::unique_ptr<kafka::Consumer> AuditConsumer(server::Runtime& rt);

  AuditIndexStore store;
  AuditRecordHandler handler;
  AuditIndexService service;
};

}  // namespace yhteys::auditindex
