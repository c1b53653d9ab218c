#pragma once
// Idempotency keys of mutating RPCs: taken from the request's
// idempotency_key field or the "idempotency-key" metadata (if both are
// given they must agree). 1-128 characters of [A-Za-z0-9._:-].
// The request body's fingerprint that goes with the key is
// ids::RequestFingerprint (yhteys/ids/fingerprint.hpp).

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace yhteys::server {

absl::StatusOr<std::string> ResolveIdempotencyKey(const grpc::ServerContextBase& ctx, std::string_view field_value);
absl::Status ValidateIdempotencyKey(std::string_view key);

}  // namespace yhteys::server
