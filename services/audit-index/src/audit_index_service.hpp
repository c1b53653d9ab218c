#pragma once
// gRPC binding of the audit index (yhteys.audit.v1.AuditIndex) and the
// consumer handler that fills it from yhteys.audit.v1.

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>

#include "audit_index_store.hpp"
#include "yhteys/audit/v1/audit_index_service.grpc.pb.h"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/server/rpc.hpp"

namespace yhteys::auditindex {

struct QuerySettings {
  const hetu::Pseudonymizer* pseudonymizer = nullptr;
  bool accept_temporary_codes = false;
  std::function<std::chrono::year_month_day()> today;
};

// Answers one question. Blocking (Redis).
absl::Status ListClientDataAccess(const AuditIndexStore& store, const QuerySettings& settings,
                                  const audit::v1::ListClientDataAccessRequest& request,
                                  audit::v1::ListClientDataAccessResponse* response);

class AuditIndexService final : public audit::v1::AuditIndex::CallbackService {
 public:
  AuditIndexService(const AuditIndexStore& store, QuerySettings settings, server::RpcEnv env);

  grpc::ServerUnaryReactor* ListClientDataAccess(grpc::CallbackServerContext* ctx,
                                                 const audit::v1::ListClientDataAccessRequest* req,
                                                 audit::v1::ListClientDataAccessResponse* resp) override;

 private:
  const AuditIndexStore& store_;
  QuerySettings settings_;
  server::RpcEnv env_;
};

// Indexes each record of yhteys.audit.v1: undecodable ones are poison (the
// dead-letter topic), a Redis failure is retried. Counts
// yhteys_audit_index_records_total{result}.
class AuditRecordHandler {
 public:
  AuditRecordHandler(const AuditIndexStore& store, std::function<int64_t()> now_millis, prometheus::Registry* registry);
  kafka::HandleResult Handle(const kafka::ConsumedRecord& record);

 private:
  const AuditIndexStore& store_;
  std::function<int64_t()> now_millis_;
  prometheus::Counter* indexed_ = nullptr;
  prometheus::Counter* too_old_ = nullptr;
  prometheus::Counter* no_client_ = nullptr;
};

}  // namespace yhteys::auditindex
