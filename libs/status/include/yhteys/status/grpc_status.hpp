#pragma once
// Errors are absl::Status values inside Yhteys; at the gRPC boundary they map
// 1:1 onto grpc::Status (the canonical codes are the same numbers).
// Stateless and thread-safe.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace yhteys::status {

grpc::Status ToGrpc(const absl::Status& status);
absl::Status FromGrpc(const grpc::Status& status);

// Whether a caller may retry the same request (with the same idempotency
// key): UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED.
bool IsRetryable(const absl::Status& status);

}  // namespace yhteys::status
