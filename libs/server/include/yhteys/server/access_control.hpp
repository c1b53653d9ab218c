#pragma once
// Who may call what, enforced before any handler runs, and the audit log.
//
//  * AuditLog writes yhteys.audit.v1 events through the service's outbox (a
//    Redis step), so an audit record is as durable as the data it is about.
//  * AccessProcessor is the gRPC AuthMetadataProcessor of a TLS server: for
//    every call it reads the caller's identity from the client certificate
//    (yhteys/access/identity.hpp) and the method from `:path`, looks both up
//    in the access table and either lets the call through or answers
//    PERMISSION_DENIED (UNAUTHENTICATED without a certificate) with the
//    reason, writing exactly one DENIED audit event. Handlers never see a
//    denied call.
//  * CallerOf reads the caller's identity in a handler (from the
//    connection's certificate; nothing per call is written to the
//    connection's auth context).

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "yhteys/access/access_table.hpp"
#include "yhteys/access/rate_limiter.hpp"
#include "yhteys/audit/v1/audit_events.pb.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::server {

inline constexpr const char* kAuditTopic = kafka::topics::kAudit;

class AuditLog {
 public:
  // `notify` wakes the outbox relay after a record was written.
  AuditLog(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source, std::string service,
           std::function<void()> notify);
  // Writes one event (stamped with the time and this service). Blocking.
  absl::Status Record(audit::v1::ClientDataAccessed event) const;
  const std::string& service() const { return service_; }

  // How the service finds the unit of an existing record that a call acts
  // on (the access table's `owner`), per gRPC service ("yhteys.homecare.v1.HomeCare"):
  // the unit ("" when the record belongs to none yet) and the clients the
  // record is about (a refusal is audited under them); NOT_FOUND (or another
  // non-retryable error) when there is no such record — the handler then
  // answers as it would. Register before the server starts; read-only after.
  struct RecordOwner {
    std::string unit;
    std::vector<std::string> clients;
  };
  using RecordUnitLookup = std::function<absl::StatusOr<RecordOwner>(const std::string& record_id)>;
  void AddRecordUnitLookup(std::string grpc_service, RecordUnitLookup lookup);
  // The lookup for `method`'s gRPC service, or nullptr.
  const RecordUnitLookup* RecordUnitLookupFor(std::string_view method) const;

 private:
  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  std::string source_;
  std::string service_;
  std::function<void()> notify_;
  std::map<std::string, RecordUnitLookup, std::less<>> record_units_;
};

// The caller as the audit log names it. Without TLS (local development)
// there is no identity: the actor is "unauthenticated" with no role.
struct Caller {
  std::string actor = "unauthenticated";
  std::string role;
  std::string unit;
  std::string county;
};
Caller CallerOf(const grpc::ServerContextBase& ctx);

// One handled call's row of the access table and its caller, looked up once
// (the certificate is parsed only when the row audits or scopes the call).
class CallAudit {
 public:
  CallAudit(const AuditLog& audit, const grpc::ServerContextBase& ctx, const char* method);

  // Unit scope: PERMISSION_DENIED when the caller is bound to a unit and the
  // call names another, per the row's `units` paths: those in `request`
  // (pass response = nullptr, before the handler) or, for a read, those in
  // `response` (pass request = nullptr, before the answer leaves); or when
  // the existing record the request acts on (the row's `owner`) belongs to
  // another unit (one Redis read, before the handler). OK for a caller not
  // bound to a unit. A caller bound to a unit must name it where the row
  // reads the unit from the request. UNAVAILABLE (or INTERNAL) when the
  // record's unit cannot be read; INTERNAL when the service registered no
  // lookup for an `owner` row (fail closed).
  absl::Status CheckUnitScope(const google::protobuf::Message* request,
                              const google::protobuf::Message* response) const;

  // Writes the audit record of the call, when the row says it reads or
  // changes client data: who, what, which clients (from `request` and, after
  // a success, `response`), why, the outcome (a PERMISSION_DENIED outcome is
  // a DENIED record). Blocking.
  absl::Status Record(const google::protobuf::Message* request, const google::protobuf::Message* response,
                      const grpc::Status& status) const;

 private:
  const AuditLog& audit_;
  const access::AccessRule* rule_;
  Caller caller_;
  // The clients of the record the owner check read: a refusal names them.
  mutable std::vector<std::string> owner_clients_;
};

class AccessProcessor : public grpc::AuthMetadataProcessor {
 public:
  // `limiter` (optional) refuses a caller over its role's rate with
  // RESOURCE_EXHAUSTED saying how long to wait (not an access denial: not audited, counted).
  // `trust_domain` (when not empty) is the only county whose identities are accepted.
  AccessProcessor(const AuditLog& audit, prometheus::Registry& registry, access::RateLimiter* limiter = nullptr,
                  std::string trust_domain = "");
  bool IsBlocking() const override { return true; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata, OutputMetadata* response_metadata) override;

 private:
  grpc::Status Deny(grpc::StatusCode code, const std::string& reason, const std::string& method,
                    const std::optional<access::Identity>& identity) const;
  const AuditLog& audit_;
  access::RateLimiter* limiter_;
  std::string trust_domain_;
  prometheus::Family<prometheus::Counter>& denials_;
  prometheus::Family<prometheus::Counter>& rate_limited_;
};

}  // namespace yhteys::server
