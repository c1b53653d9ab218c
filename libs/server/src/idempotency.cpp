#include "yhteys/server/idempotency.hpp"

#include "absl/status/status.h"

namespace yhteys::server {

absl::Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("idempotency_key: required for this call");
  if (key.size() > 128) return absl::InvalidArgumentError("idempotency_key: longer than 128 characters");
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) return absl::InvalidArgumentError("idempotency_key: only letters, digits and . _ : - are allowed");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResolveIdempotencyKey(const grpc::ServerContextBase& ctx, std::string_view field_value) {
  std::string from_metadata;
  const auto& metadata = ctx.client_metadata();
  if (auto it = metadata.find("idempotency-key"); it != metadata.end()) {
    from_metadata.assign(it->second.data(), it->second.size());
  }
  if (!field_value.empty() && !from_metadata.empty() && field_value != from_metadata) {
    return absl::InvalidArgumentError("idempotency_key: field and idempotency-key metadata differ");
  }
  std::string key = field_value.empty() ? from_metadata : std::string(field_value);
  if (auto st = ValidateIdempotencyKey(key); !st.ok()) return st;
  return key;
}

}  // namespace yhteys::server
