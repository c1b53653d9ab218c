#include "yhteys/redis/reply.hpp"

#include "yhteys/redis/pool.hpp"

namespace yhteys::redis {
namespace {

absl::Status Unexpected(const redisReply* reply, std::string_view what) {
  if (reply == nullptr) return absl::InternalError("reading " + std::string(what) + ": no reply");
  if (reply->type == REDIS_REPLY_ERROR) {
    return absl::InternalError("reading " + std::string(what) + ": Redis error: " + ReplyString(reply));
  }
  return absl::InternalError("reading " + std::string(what) + ": unexpected reply type " + std::to_string(reply->type));
}

bool IsText(const redisReply* reply) { return reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS; }

}  // namespace

absl::Status CorruptRecord(std::string_view what) {
  return absl::InternalError("stored " + std::string(what) + " is corrupt");
}

absl::StatusOr<std::optional<std::string>> DecodeOptionalString(const redisReply* reply, std::string_view what) {
  if (reply != nullptr && reply->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (reply == nullptr || !IsText(reply)) return Unexpected(reply, what);
  return std::optional<std::string>(ReplyString(reply));
}

absl::StatusOr<std::vector<std::optional<std::string>>> DecodeOptionalStrings(const redisReply* reply, size_t count,
                                                                              std::string_view what) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return Unexpected(reply, what);
  if (reply->elements != count) {
    return absl::InternalError("reading " + std::string(what) + ": " + std::to_string(reply->elements) +
                               " values where " + std::to_string(count) + " were asked for");
  }
  std::vector<std::optional<std::string>> values;
  values.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    auto value = DecodeOptionalString(reply->element[i], what);
    if (!value.ok()) return value.status();
    values.push_back(std::move(*value));
  }
  return values;
}

absl::StatusOr<std::vector<std::string>> DecodeStrings(const redisReply* reply, std::string_view what) {
  std::vector<std::string> values;
  if (reply != nullptr && reply->type == REDIS_REPLY_NIL) return values;
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY) return Unexpected(reply, what);
  values.reserve(reply->elements);
  for (size_t i = 0; i < reply->elements; ++i) {
    if (!IsText(reply->element[i])) return Unexpected(reply->element[i], what);
    values.push_back(ReplyString(reply->element[i]));
  }
  return values;
}

absl::StatusOr<int64_t> DecodeInteger(const redisReply* reply, std::string_view what) {
  if (reply == nullptr || reply->type != REDIS_REPLY_INTEGER) return Unexpected(reply, what);
  return static_cast<int64_t>(reply->integer);
}

}  // namespace yhteys::redis
