#include "yhteys/validate/validate.hpp"

#include <string>

namespace yhteys::validate {
namespace {

absl::Status Invalid(std::string_view field, std::string_view what) {
  std::string msg(field);
  msg += ": ";
  msg += what;
  return absl::InvalidArgumentError(msg);
}

}  // namespace

absl::Status Identifier(std::string_view field, std::string_view value, size_t max_len) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() > max_len) return Invalid(field, "longer than " + std::to_string(max_len) + " characters");
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) return Invalid(field, "only letters, digits and . _ : - are allowed");
  }
  return absl::OkStatus();
}

absl::Status Pseudonym(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() != 64) return Invalid(field, "must be 64 hex characters");
  for (char c : value) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return Invalid(field, "must be 64 lower-case hex characters");
  }
  return absl::OkStatus();
}

absl::Status MunicipalityCode(std::string_view field, std::string_view value) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() != 3) return Invalid(field, "must be a 3-digit Statistics Finland code");
  for (char c : value) {
    if (c < '0' || c > '9') return Invalid(field, "must be a 3-digit Statistics Finland code");
  }
  return absl::OkStatus();
}

absl::Status EnumSet(std::string_view field, int value, bool (*is_valid)(int)) {
  if (value == 0) return Invalid(field, "required");
  if (!is_valid(value)) return Invalid(field, "unknown value");
  return absl::OkStatus();
}

absl::Status InRange(std::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return Invalid(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return absl::OkStatus();
}

absl::Status Text(std::string_view field, std::string_view value, size_t max_len, bool required) {
  if (value.empty()) return required ? Invalid(field, "required") : absl::OkStatus();
  if (value.size() > max_len) return Invalid(field, "longer than " + std::to_string(max_len) + " bytes");
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\n' && c != '\t') return Invalid(field, "contains control characters");
  }
  return absl::OkStatus();
}

absl::Status KnownUnit(std::string_view field, std::string_view value,
                       const std::set<std::string, std::less<>>& known) {
  if (auto st = Identifier(field, value); !st.ok()) return st;
  if (known.find(value) == known.end()) return Invalid(field, "not a unit of this service");
  return absl::OkStatus();
}

std::set<std::string, std::less<>> IdList(std::string_view list) {
  std::set<std::string, std::less<>> ids;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) ids.emplace(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return ids;
}

}  // namespace yhteys::validate
