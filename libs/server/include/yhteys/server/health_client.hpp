#pragma once
// Client side of grpc.health.v1.Health/Check for tools and tests, without
// generated stubs: the request (empty service name) and the response
// (field 1, the serving status) are tiny enough to encode by hand.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"

namespace yhteys::server {

// True when the server answers SERVING; a transport failure is an error.
absl::StatusOr<bool> CheckHealth(const std::shared_ptr<grpc::Channel>& channel, std::chrono::milliseconds timeout);

}  // namespace yhteys::server
