#pragma once
// Running a unary RPC on the callback API without blocking gRPC's threads:
// the handler body runs on the Executor and finishes the reactor when done.
// Every RPC is counted and timed per method and status code.

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
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

struct RpcEnv {
  Executor& executor;
  RpcMetrics& metrics;
};

// Runs `body` (returning absl::Status) on the executor. A full executor
// answers RESOURCE_EXHAUSTED; an internal exception answers INTERNAL with no
// detail (the detail is logged).
template <typename Body>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* ctx, RpcEnv env, const char* method, Body body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto start = std::chrono::steady_clock::now();
  auto finish = [reactor, env, method, start](const grpc::Status& status) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    env.metrics.Observe(method, status.error_code(), seconds);
    reactor->Finish(status);
  };
  bool queued = env.executor.Submit([ctx, body = std::move(body), finish]() mutable {
    grpc::Status status;
    if (ctx->IsCancelled()) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled before it ran");
    } else {
      try {
        status = status::ToGrpc(body());
      } catch (const std::exception& e) {
        status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
      }
    }
    finish(status);
  });
  if (!queued) finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry with the same idempotency key"));
  return reactor;
}

}  // namespace yhteys::server
