#include "yhteys/server/access_control.hpp"

#include <algorithm>

#include "yhteys/server/rpc.hpp"
#include "yhteys/status/grpc_status.hpp"

#include "yhteys/ids/proto_time.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/server/service_names.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::server {
namespace {

std::string First(const grpc::AuthContext& context, const char* property) {
  auto values = context.FindPropertyValues(property);
  return values.empty() ? std::string() : std::string(values.front().data(), values.front().size());
}

}  // namespace

AuditLog::AuditLog(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source, std::string service,
                   std::function<void()> notify)
    : pool_(pool),
      keyspace_(keyspace),
      source_(std::move(source)),
      service_(std::move(service)),
      notify_(std::move(notify)) {}

absl::Status AuditLog::Record(audit::v1::ClientDataAccessed event) const {
  event.set_service(ServiceFromName(service_));
  *event.mutable_at() = ids::NowTimestamp();
  const std::string key = event.client_pseudonyms().empty() ? event.actor() : event.client_pseudonyms(0);
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(key));
  redis::OutboxEvent outbox = redis::EventFor(event, source_, kAuditTopic, key);
  // A step needs a record of what it applied: the audit event's own id, kept a minute.
  step.EventDedup("audit", outbox.id).RecordTtl(std::chrono::seconds(60)).Publish(std::move(outbox));
  auto done = step.Execute(pool_);
  if (!done.ok()) return done.status();
  if (notify_) notify_();
  return absl::OkStatus();
}

void AuditLog::AddRecordUnitLookup(std::string grpc_service, RecordUnitLookup lookup) {
  record_units_[std::move(grpc_service)] = std::move(lookup);
}

const AuditLog::RecordUnitLookup* AuditLog::RecordUnitLookupFor(std::string_view method) const {
  // "/yhteys.homecare.v1.HomeCare/RecordVisit" -> "yhteys.homecare.v1.HomeCare"
  if (method.empty() || method.front() != '/') return nullptr;
  const size_t slash = method.find('/', 1);
  if (slash == std::string_view::npos) return nullptr;
  auto it = record_units_.find(method.substr(1, slash - 1));
  return it == record_units_.end() ? nullptr : &it->second;
}

Caller CallerOf(const grpc::ServerContextBase& ctx) {
  Caller caller;
  auto context = ctx.auth_context();
  if (context == nullptr) return caller;
  // The certificate is read again rather than stored on the context: the
  // context belongs to the connection, shared by concurrent calls.
  std::string pem = First(*context, "x509_pem_cert");
  if (pem.empty()) return caller;
  auto identity = access::IdentityFromCertificate(pem);
  if (!identity.ok()) return caller;
  caller.actor = identity->uri;
  caller.role = std::string(access::RoleName(identity->role));
  caller.unit = identity->unit;
  caller.county = identity->county;
  return caller;
}

AccessProcessor::AccessProcessor(const AuditLog& audit, prometheus::Registry& registry, access::RateLimiter* limiter,
                                 std::string trust_domain)
    : audit_(audit),
      limiter_(limiter),
      trust_domain_(std::move(trust_domain)),
      denials_(prometheus::BuildCounter()
                   .Name("yhteys_access_denials_total")
                   .Help("Calls refused before any handler ran, by the caller's role ('none' without an identity)")
                   .Register(registry)),
      rate_limited_(prometheus::BuildCounter()
                        .Name("yhteys_rate_limited_total")
                        .Help("Calls refused RESOURCE_EXHAUSTED because the caller was over its role's rate")
                        .Register(registry)) {}

grpc::Status AccessProcessor::Deny(grpc::StatusCode code, const std::string& reason, const std::string& method,
                                   const std::optional<access::Identity>& identity) const {
  audit::v1::ClientDataAccessed event;
  event.set_actor(identity ? identity->uri : "unidentified");
  if (identity) {
    event.set_actor_role(std::string(access::RoleName(identity->role)));
    event.set_actor_unit(identity->unit);
    event.set_actor_county(identity->county);
  }
  event.set_rpc(method);
  event.set_action(audit::v1::AUDIT_ACTION_DENIED);
  event.set_denial_reason(reason);
  event.set_outcome(code == grpc::StatusCode::UNAUTHENTICATED ? "UNAUTHENTICATED" : "PERMISSION_DENIED");
  if (const access::AccessRule* rule = access::FindRule(audit_.service(), method)) {
    event.set_purpose(std::string(rule->purpose));
  }
  if (auto st = audit_.Record(event); !st.ok()) {
    // The call is refused either way; the missing record is an error to see.
    log::Error("cannot write the audit record of a denial", {{"error", std::string(st.message())}, {"rpc", method}});
  }
  denials_.Add({{"role", identity ? std::string(access::RoleName(identity->role)) : "none"}}).Increment();
  log::Warn("call denied", {{"rpc", method}, {"reason", reason}});
  return grpc::Status(code, reason);
}

grpc::Status AccessProcessor::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context, OutputMetadata*,
                                      OutputMetadata*) {
  std::string method;
  if (auto it = auth_metadata.find(":path"); it != auth_metadata.end()) {
    method.assign(it->second.data(), std::min<size_t>(it->second.size(), 256));
  }
  const std::string pem = First(*context, "x509_pem_cert");
  std::optional<access::Identity> identity;
  grpc::StatusCode denial = grpc::StatusCode::OK;
  std::string reason;
  if (pem.empty()) {
    denial = grpc::StatusCode::UNAUTHENTICATED;
    reason = "a client certificate is required";
  } else if (auto parsed = access::IdentityFromCertificate(pem); !parsed.ok()) {
    denial = grpc::StatusCode::PERMISSION_DENIED;
    reason = std::string(parsed.status().message());
  } else if (!trust_domain_.empty() && parsed->county != trust_domain_) {
    denial = grpc::StatusCode::PERMISSION_DENIED;
    reason = "identity: the certificate is of another trust domain";
  } else {
    identity = *parsed;
  }
  // Rate limits come first, for denied callers too: every denial costs an
  // audit write. Callers without an identity share one bucket. Health checks
  // are never held back (load balancers and operators must see the truth).
  if (limiter_ != nullptr && method.rfind("/grpc.health.v1.Health/", 0) != 0) {
    const access::Role role = identity ? identity->role : access::Role::kOperator;
    if (auto wait = limiter_->Take(identity ? identity->uri : "unidentified", role); wait.count() > 0) {
      const std::string role_name = identity ? std::string(access::RoleName(role)) : "none";
      rate_limited_.Add({{"role", role_name}}).Increment();
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "rate limit of role " + role_name + ": retry in " + std::to_string(wait.count()) + " ms");
    }
  }
  if (denial != grpc::StatusCode::OK) return Deny(denial, reason, method, std::nullopt);
  access::Decision decision = access::Authorize(audit_.service(), *identity, method);
  if (!decision.allowed) return Deny(grpc::StatusCode::PERMISSION_DENIED, decision.reason, method, *identity);
  return grpc::Status::OK;
}

CallAudit::CallAudit(const AuditLog& audit, const grpc::ServerContextBase& ctx, const char* method)
    : audit_(audit), rule_(access::FindRuleBySuffix(audit.service(), method)) {
  // The certificate is parsed only for a call the table audits or scopes.
  if (rule_ != nullptr &&
      (rule_->audit != access::AuditAction::kNone || !rule_->units.empty() || !rule_->owner.empty())) {
    caller_ = CallerOf(ctx);
  }
}

absl::Status CallAudit::CheckUnitScope(const google::protobuf::Message* request,
                                       const google::protobuf::Message* response) const {
  if (rule_ == nullptr || (rule_->units.empty() && rule_->owner.empty())) return absl::OkStatus();
  if (response != nullptr && rule_->audit != access::AuditAction::kRead) return absl::OkStatus();
  if (caller_.unit.empty()) return absl::OkStatus();  // not bound to a unit
  if (request != nullptr && !rule_->owner.empty()) {
    const std::string record = access::OwnerOf(*rule_, request);
    const AuditLog::RecordUnitLookup* lookup = audit_.RecordUnitLookupFor(rule_->method);
    if (lookup == nullptr) {
      return absl::InternalError("unit scope: no lookup of record units registered for " + std::string(rule_->method));
    }
    if (!record.empty()) {
      auto owner = (*lookup)(record);
      if (!owner.ok()) {
        // No such record (or a malformed id): the handler answers as it would.
        if (status::IsRetryable(owner.status()) || owner.status().code() == absl::StatusCode::kInternal) {
          return owner.status();
        }
      } else if (!owner->unit.empty() && owner->unit != caller_.unit) {
        owner_clients_ = owner->clients;
        return absl::PermissionDeniedError(
            "unit scope: a caller of unit " + caller_.unit + " acts only on its own unit's records; this one is " +
            (validate::Identifier("unit", owner->unit).ok() ? owner->unit : std::string("another")) + "'s");
      }
    }
  }
  if (request != nullptr && response == nullptr) {
    // Where the row reads the unit from the request, a caller bound to a
    // unit names it (an accept without a unit would leave the entry no unit's).
    bool from_request = false;
    for (std::string_view spec : rule_->units) from_request |= spec.rfind("request.", 0) == 0;
    if (from_request && access::UnitsOf(*rule_, request, nullptr).empty()) {
      return absl::PermissionDeniedError("unit scope: a caller of unit " + caller_.unit +
                                         " names its unit in the request (unit_id)");
    }
  }
  for (const std::string& unit : access::UnitsOf(*rule_, request, response)) {
    if (unit != caller_.unit) {
      return absl::PermissionDeniedError("unit scope: a caller of unit " + caller_.unit +
                                         " acts only in that unit, not in " +
                                         (validate::Identifier("unit", unit).ok() ? unit : std::string("another")));
    }
  }
  return absl::OkStatus();
}

absl::Status CallAudit::Record(const google::protobuf::Message* request, const google::protobuf::Message* response,
                               const grpc::Status& status) const {
  if (rule_ == nullptr || rule_->audit == access::AuditAction::kNone) return absl::OkStatus();
  const access::AccessRule* rule = rule_;
  const Caller& caller = caller_;
  // A refused call's response is never sent; a handler that refuses with
  // PERMISSION_DENIED may name the client in it so that the denial is
  // audited under them (e.g. a referral read under a data-sharing denial).
  const google::protobuf::Message* answered =
      status.ok() || status.error_code() == grpc::StatusCode::PERMISSION_DENIED ? response : nullptr;
  audit::v1::ClientDataAccessed event;
  event.set_actor(caller.actor);
  event.set_actor_role(caller.role);
  event.set_actor_unit(caller.unit);
  event.set_actor_county(caller.county);
  event.set_rpc(std::string(rule->method));
  switch (rule->audit) {
    case access::AuditAction::kRead: event.set_action(audit::v1::AUDIT_ACTION_READ); break;
    case access::AuditAction::kCreate: event.set_action(audit::v1::AUDIT_ACTION_CREATE); break;
    default: event.set_action(audit::v1::AUDIT_ACTION_UPDATE); break;
  }
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    event.set_action(audit::v1::AUDIT_ACTION_DENIED);
    event.set_denial_reason(status.error_message());
  }
  // Values a caller sent are recorded only when they have the shape of a
  // pseudonym or an id: a mistyped identity code or a megabyte of text in
  // client_id never reaches the audit log.
  std::vector<std::string> clients = access::ClientsOf(*rule, request, answered);
  for (const std::string& client : owner_clients_) {
    if (std::find(clients.begin(), clients.end(), client) == clients.end()) clients.push_back(client);
  }
  for (std::string& client : clients) {
    if (validate::Pseudonym("client", client).ok()) event.add_client_pseudonyms(std::move(client));
  }
  if (std::string subject = access::SubjectOf(*rule, request, answered);
      validate::Identifier("subject", subject, 128).ok()) {
    event.set_subject_id(std::move(subject));
  }
  event.set_purpose(std::string(rule->purpose));
  event.set_outcome(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
  absl::Status written = audit_.Record(event);
  if (!written.ok()) {
    log::Error("cannot write an audit record; the call is answered UNAVAILABLE",
               {{"rpc", std::string(rule->method)}, {"error", std::string(written.message())}});
  }
  return written;
}

}  // namespace yhteys::server
