#include "yhteys/hetu/identity_code.hpp"

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace yhteys::hetu {
namespace {

constexpr std::size_t kCodeLength = 11;
constexpr std::string_view kCheckCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";
constexpr int kMinIndividualNumber = 2;
constexpr int kFirstTemporaryNumber = 900;

// Messages never include the input: they are safe to log.
absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError("identity_code: " + std::string(what));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses `digits` (all known to be '0'..'9').
int DigitsValue(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Base year (the century) for a century sign, or 0 if the sign is unknown.
int CenturyBase(char sign) {
  switch (sign) {
    case '+': return 1800;
    case '-':
    case 'Y':
    case 'X':
    case 'W':
    case 'V':
    case 'U': return 1900;
    case 'A':
    case 'B':
    case 'C':
    case 'D':
    case 'E':
    case 'F': return 2000;
    default: return 0;
  }
}

}  // namespace

absl::StatusOr<IdentityCode> ParseIdentityCode(std::string_view code, const ValidationOptions& options) {
  if (!options.today.ok()) {
    return absl::InvalidArgumentError("identity_code: validation option 'today' is not a valid date");
  }
  if (code.size() != kCodeLength) {
    return Invalid("must be exactly eleven characters");
  }
  for (char c : code) {
    if (c >= 'a' && c <= 'z') {
      return Invalid("lower-case letters are not accepted");
    }
  }
  const std::string_view date_part = code.substr(0, 6);
  const char century_sign = code[6];
  const std::string_view number_part = code.substr(7, 3);
  const char check_character = code[10];

  const int century = CenturyBase(century_sign);
  if (century == 0) {
    return Invalid("unknown century sign");
  }
  for (char c : date_part) {
    if (!IsDigit(c)) return Invalid("birth date must be digits");
  }
  for (char c : number_part) {
    if (!IsDigit(c)) return Invalid("individual number must be digits");
  }

  const int day = DigitsValue(date_part.substr(0, 2));
  const int month = DigitsValue(date_part.substr(2, 2));
  const int year = century + DigitsValue(date_part.substr(4, 2));
  const int individual_number = DigitsValue(number_part);

  // DDMMYYNNN < 10^9 fits in an int.
  const int check_value = DigitsValue(date_part) * 1000 + individual_number;
  if (kCheckCharacters[static_cast<std::size_t>(check_value % 31)] != check_character) {
    return Invalid("check character does not match");
  }

  const std::chrono::year_month_day birth_date{std::chrono::year{year},
                                               std::chrono::month{static_cast<unsigned>(month)},
                                               std::chrono::day{static_cast<unsigned>(day)}};
  if (!birth_date.ok()) {
    return Invalid("impossible birth date");
  }
  if (individual_number < kMinIndividualNumber) {
    return Invalid("individual number is not in use");
  }
  if (std::chrono::sys_days{birth_date} > std::chrono::sys_days{options.today}) {
    return Invalid("birth date is in the future");
  }
  const bool temporary = individual_number >= kFirstTemporaryNumber;
  if (temporary && !options.allow_temporary) {
    return Invalid("temporary (900-series) codes are not accepted");
  }

  IdentityCode result;
  result.birth_date = birth_date;
  result.individual_number = individual_number;
  result.temporary = temporary;
  result.female_by_number = individual_number % 2 == 0;
  return result;
}

std::string NormalizeIdentityCode(std::string_view code) {
  constexpr std::string_view kWhitespace = " \t\n\r\f\v";
  const std::size_t first = code.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return std::string();
  const std::size_t last = code.find_last_not_of(kWhitespace);
  return std::string(code.substr(first, last - first + 1));
}

int AgeOn(const IdentityCode& code, std::chrono::year_month_day on) { return AgeOn(code.birth_date, on); }

int AgeOn(std::chrono::year_month_day birth, std::chrono::year_month_day on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
    --years;
  }
  return years;
}

}  // namespace yhteys::hetu
