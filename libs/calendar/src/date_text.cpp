#include "yhteys/calendar/date_text.hpp"

#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace yhteys::calendar {
namespace {

constexpr std::size_t kMaxQuotedLength = 64;

// The text in double quotes, C-escaped and truncated, safe for any log.
// (Debian's absl::string_view is its own type, not std::string_view.)
std::string Quote(std::string_view text) {
  const std::string_view head = text.substr(0, kMaxQuotedLength);
  return "\"" + absl::CHexEscape(absl::string_view(head.data(), head.size())) +
         (text.size() > kMaxQuotedLength ? "...\"" : "\"");
}

bool ParseDigits(std::string_view digits, int& value) {
  value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

}  // namespace

std::string FormatDate(std::chrono::year_month_day date) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

absl::StatusOr<std::chrono::year_month_day> ParseDate(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text.substr(0, 4), y) ||
      !ParseDigits(text.substr(5, 2), m) || !ParseDigits(text.substr(8, 2), d)) {
    return absl::InvalidArgumentError("date " + Quote(text) + ": expected YYYY-MM-DD");
  }
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) {
    return absl::InvalidArgumentError("date " + Quote(text) + ": no such calendar date");
  }
  return date;
}

absl::StatusOr<std::chrono::year_month_day> ParsePastDate(std::string_view field, std::string_view text,
                                                          std::chrono::year_month_day today, int max_days_ago) {
  const std::string name(field);
  if (text.empty()) return absl::InvalidArgumentError(name + ": required");
  auto date = ParseDate(text);
  if (!date.ok()) return absl::InvalidArgumentError(name + ": must be a date YYYY-MM-DD");
  const auto day = std::chrono::sys_days(*date);
  if (day > std::chrono::sys_days(today)) return absl::InvalidArgumentError(name + ": is in the future");
  if (max_days_ago > 0 && day < std::chrono::sys_days(today) - std::chrono::days(max_days_ago)) {
    return absl::InvalidArgumentError(name + ": more than " + std::to_string(max_days_ago) + " days ago");
  }
  return *date;
}

}  // namespace yhteys::calendar
