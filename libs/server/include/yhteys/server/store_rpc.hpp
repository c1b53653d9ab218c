#pragma once
// The two shapes of a domain service's unary RPCs, so that a handler is one
// line over its store:
//  * RunMutation: resolves the idempotency key (the request's
//    idempotency_key field or the "idempotency-key" metadata), runs
//    (store.*op)(key, request) on a worker, answers its result, and calls
//    `changed` after a success (to wake the outbox relay).
//  * RunRead: runs `read()` on a worker and answers its result.
// Both audit the call through RunUnary.

#include <functional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "yhteys/server/idempotency.hpp"
#include "yhteys/server/rpc.hpp"

namespace yhteys::server {

template <typename Store, typename Request, typename Response>
grpc::ServerUnaryReactor* RunMutation(grpc::CallbackServerContext* ctx, RpcEnv env, const char* method,
                                      const Request* req, Response* resp, Store& store,
                                      absl::StatusOr<Response> (Store::*op)(const std::string&, const Request&),
                                      const std::function<void()>& changed) {
  return RunUnary(ctx, env, method, req, resp, [ctx, req, resp, &store, op, changed]() -> absl::Status {
    auto key = ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = (store.*op)(*key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (changed) changed();
    return absl::OkStatus();
  });
}

template <typename Response, typename Read>
grpc::ServerUnaryReactor* RunRead(grpc::CallbackServerContext* ctx, RpcEnv env, const char* method,
                                  const google::protobuf::Message* req, Response* resp, Read read) {
  return RunUnary(ctx, env, method, req, resp, [resp, read = std::move(read)]() -> absl::Status {
    absl::StatusOr<Response> result = read();
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::server
