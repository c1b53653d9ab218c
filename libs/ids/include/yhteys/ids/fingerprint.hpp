#pragma once
// The fingerprint of a request body, which an idempotency record keeps: a
// retry with the same key must carry the same body. SHA-256 (hex) of the
// message's full type name and its deterministic serialization with the
// idempotency_key field cleared, so a retry of the same body matches and a
// different body (or another message type with an equal body) does not.
// Never fingerprint an identity code: replace it by its pseudonym first (the
// code space is small enough to search a digest for).

#include <google/protobuf/message.h>

#include <string>

namespace yhteys::ids {

std::string RequestFingerprint(const google::protobuf::Message& request);
// Deterministic serialization (stable map order).
std::string SerializeDeterministic(const google::protobuf::Message& message);

}  // namespace yhteys::ids
