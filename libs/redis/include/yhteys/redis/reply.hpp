#pragma once
// Typed decoding of hiredis replies. A decoder turns an error reply or a
// reply of an unexpected shape into INTERNAL naming what was being read, so
// that a Redis failure never reads as a missing record: only a nil is
// "absent". (The pool has already turned the retryable error replies, and
// lost connections, into UNAVAILABLE.)

#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace yhteys::redis {

// A bulk (or status) string; nullopt for nil (GET, HGET).
absl::StatusOr<std::optional<std::string>> DecodeOptionalString(const redisReply* reply, std::string_view what);
// An array of exactly `count` strings or nils (HMGET).
absl::StatusOr<std::vector<std::optional<std::string>>> DecodeOptionalStrings(const redisReply* reply, size_t count,
                                                                              std::string_view what);
// An array of strings (ZRANGE, HVALS, SMEMBERS); nil or an empty array is
// an empty list.
absl::StatusOr<std::vector<std::string>> DecodeStrings(const redisReply* reply, std::string_view what);
// An integer reply (EXISTS, HINCRBY, ZCARD).
absl::StatusOr<int64_t> DecodeInteger(const redisReply* reply, std::string_view what);

// INTERNAL "stored <what> is corrupt".
absl::Status CorruptRecord(std::string_view what);

// A stored protobuf message; INTERNAL "stored <what> is corrupt" if the bytes
// do not parse.
template <typename Message>
absl::StatusOr<Message> ParseStored(const std::string& bytes, std::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) return CorruptRecord(what);
  return message;
}

}  // namespace yhteys::redis
