#pragma once
// Running a unary RPC on the callback API without blocking gRPC's threads:
// the handler body runs on the Executor and finishes the reactor when done.
// Every RPC is counted and timed per method and status code.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "yhteys/server/access_control.hpp"
#include "yhteys/server/executor.hpp"
#include "yhteys/status/grpc_status.hpp"

namespace yhteys::server {

// yhteys_rpc_requests_total{service,method,code} and
// yhteys_rpc_duration_seconds{service,method}. Thread-safe.
class RpcMetrics {
 public:
  RpcMetrics(prometheus::Registry& registry, std::string service);
  void Observe(const std::string& method, grpc::StatusCode code, double seconds);

 private:
  std::string service_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

// Closed when the service must not answer from its state at all (before
// it has met its Redis at start-up, or after its Redis lost its data): every
// RPC is then UNAVAILABLE with the reason, rather than a wrong answer such
// as "no such client". Thread-safe.
class ServingGate {
 public:
  void Close(std::string reason) {
    std::lock_guard lock(mutex_);
    reason_ = std::move(reason);
    closed_.store(true);
  }
  void Open() { closed_.store(false); }
  absl::Status Check() const {
    if (!closed_.load()) return absl::OkStatus();
    std::lock_guard lock(mutex_);
    return absl::UnavailableError(reason_);
  }
  bool closed() const { return closed_.load(); }

 private:
  mutable std::mutex mutex_;
  std::string reason_;
  std::atomic<bool> closed_{false};
};

struct RpcEnv {
  Executor& executor;
  RpcMetrics& metrics;
  const ServingGate* gate = nullptr;
  const AuditLog* audit = nullptr;  // scopes and records the calls that touch client data (access_control.hpp)
};

// Runs `body` (returning absl::Status) on the executor. A full executor
// answers RESOURCE_EXHAUSTED; an internal exception answers INTERNAL with no
// detail (the detail is logged). A caller bound to a unit is held to it
// (CallAudit::CheckUnitScope) before the body runs and, for reads, before
// the answer leaves. A call that ran is audited (CallAudit::Record);
// when its audit record cannot be written the caller gets UNAVAILABLE
// instead of the answer (a read is never answered unaudited; a write is
// answered on its retry with the same idempotency key).
template <typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, RpcEnv env, const char* method,
                                   const google::protobuf::Message* request, const google::protobuf::Message* response,
                                   Body body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto start = std::chrono::steady_clock::now();
  auto finish = [reactor, env, method, start](const grpc::Status& status) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    env.metrics.Observe(method, status.error_code(), seconds);
    reactor->Finish(status);
  };
  if (env.gate != nullptr) {
    if (absl::Status closed = env.gate->Check(); !closed.ok()) {
      finish(status::ToGrpc(closed));
      return reactor;
    }
  }
  bool queued = env.executor.Submit([ctx, env, method, request, response, body = std::move(body), finish]() mutable {
    grpc::Status status;
    if (ctx->IsCancelled()) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled before it ran");
    } else {
      std::optional<CallAudit> audit;
      if (env.audit != nullptr) audit.emplace(*env.audit, *ctx, method);
      try {
        absl::Status scoped = audit ? audit->CheckUnitScope(request, nullptr) : absl::OkStatus();
        if (scoped.ok()) scoped = body();
        if (scoped.ok() && audit) scoped = audit->CheckUnitScope(nullptr, response);
        status = status::ToGrpc(scoped);
      } catch (const std::exception& e) {
        status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
      }
      if (audit) {
        absl::Status audited;
        try {
          audited = audit->Record(request, response, status);
        } catch (const std::exception& e) {
          audited = absl::InternalError(e.what());
        }
        if (!audited.ok())
          status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the audit log cannot be written; retry");
      }
    }
    finish(status);
  });
  if (!queued)
    finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry with the same idempotency key"));
  return reactor;
}

}  // namespace yhteys::server
