// Finnish personal identity code (henkilötunnus, HETU): parsing and validation.
//
// Format DDMMYYCNNNQ (exactly 11 characters): birth date, century sign
// ('+' 1800s; '-', 'Y', 'X', 'W', 'V', 'U' 1900s; 'A'..'F' 2000s), individual
// number NNN and check character Q = "0123456789ABCDEFHJKLMNPRSTUVWXY"
// [DDMMYYNNN mod 31].
//
// Thread-safety: all functions are pure and safe to call concurrently.
//
// Failure modes: ParseIdentityCode returns InvalidArgument for any malformed
// or unacceptable code. Error messages start with "identity_code: " and NEVER
// contain the code or any part of it, so they may be logged. Callers must
// likewise never log the code itself; use hetu::Pseudonymizer instead.
#ifndef YHTEYS_HETU_IDENTITY_CODE_HPP_
#define YHTEYS_HETU_IDENTITY_CODE_HPP_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace yhteys::hetu {

// A validated identity code, broken into its parts.
struct IdentityCode {
  std::chrono::year_month_day birth_date;
  int individual_number = 0;      // 2..999
  bool temporary = false;         // individual number 900-999 (temporary / test)
  bool female_by_number = false;  // even individual number
};

struct ValidationOptions {
  // Codes whose birth date is after this day are rejected. Must be a valid
  // date (ok()), otherwise ParseIdentityCode returns InvalidArgument.
  std::chrono::year_month_day today;
  // When false (production), 900-series temporary codes are rejected.
  bool allow_temporary = true;
};

// Parses and validates `code` (exactly 11 characters, no surrounding
// whitespace: call NormalizeIdentityCode first for user input).
// Rejects, with InvalidArgument: wrong length, lower-case letters, unknown
// century sign, non-digits in date or individual number, impossible birth
// date, individual number 000 or 001, wrong check character, birth date after
// options.today, and 900-series numbers when !options.allow_temporary.
absl::StatusOr<IdentityCode> ParseIdentityCode(std::string_view code, const ValidationOptions& options);

// Trims surrounding ASCII whitespace. Does not change case (lower case is
// rejected by ParseIdentityCode, not silently fixed).
std::string NormalizeIdentityCode(std::string_view code);

// Age in full years on day `on`. A person born on 29 February becomes a year
// older on 1 March in non-leap years. Negative if `on` is before the birthday
// of the birth year (i.e. before birth).
int AgeOn(const IdentityCode& code, std::chrono::year_month_day on);
// The same from a birth date.
int AgeOn(std::chrono::year_month_day birth, std::chrono::year_month_day on);

}  // namespace yhteys::hetu

#endif  // YHTEYS_HETU_IDENTITY_CODE_HPP_
