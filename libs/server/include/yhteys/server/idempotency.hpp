#pragma once
// Idempotency keys of mutating RPCs: taken from the request's
// idempotency_key field or the "idempotency-key" metadata (if both are
// given they must agree). 1-128 characters of [A-Za-z0-9._:-].
// The request fingerprint is SHA-256 of its deterministic serialization
// with the idempotency_key field cleared, so a retry of the same body
// matches and a different body under the same key is detected.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace yhteys::server {

absl::StatusOr<std::string> ResolveIdempotencyKey(const grpc::ServerContextBase& ctx, std::string_view field_value);
absl::Status ValidateIdempotencyKey(std::string_view key);
std::string RequestFingerprint(const google::protobuf::Message& request);
// Deterministic serialization (stable map order).
std::string SerializeDeterministic(const google::protobuf::Message& message);

}  // namespace yhteys::server
