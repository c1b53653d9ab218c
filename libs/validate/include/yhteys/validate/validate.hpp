#pragma once
// Field validation for request messages. Every failure is INVALID_ARGUMENT
// whose message starts with the field's name and never echoes the value
// (values may be sensitive). Stateless and thread-safe.

#include <set>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace yhteys::validate {

// Non-empty, at most `max_len` bytes, characters [A-Za-z0-9._:-].
absl::Status Identifier(std::string_view field, std::string_view value, size_t max_len = 64);
// A keyed pseudonym: exactly 64 lower-case hex characters.
absl::Status Pseudonym(std::string_view field, std::string_view value);
// A Statistics Finland municipality code: exactly 3 digits.
absl::Status MunicipalityCode(std::string_view field, std::string_view value);
// An enum value that is set (not 0) and known to the generated descriptor.
absl::Status EnumSet(std::string_view field, int value, bool (*is_valid)(int));
// An integer within [min, max].
absl::Status InRange(std::string_view field, int64_t value, int64_t min, int64_t max);
// Printable UTF-8 text of at most `max_len` bytes (empty allowed if !required).
absl::Status Text(std::string_view field, std::string_view value, size_t max_len, bool required);

// An Identifier that is one of `known` (the units a service serves).
absl::Status KnownUnit(std::string_view field, std::string_view value, const std::set<std::string, std::less<>>& known);
// The ids of a comma-separated list ("a, b,c"), blanks skipped.
std::set<std::string, std::less<>> IdList(std::string_view list);

}  // namespace yhteys::validate
