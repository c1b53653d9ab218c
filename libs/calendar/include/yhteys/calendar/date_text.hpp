// ISO 8601 calendar dates ("YYYY-MM-DD") to and from std::chrono::year_month_day.
//
// Thread-safety: pure functions; safe to call concurrently.
// Failure modes: ParseDate returns InvalidArgument (naming the bad text,
// escaped and truncated) for anything but a valid YYYY-MM-DD date.
#ifndef YHTEYS_CALENDAR_DATE_TEXT_HPP_
#define YHTEYS_CALENDAR_DATE_TEXT_HPP_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace yhteys::calendar {

// "YYYY-MM-DD". Precondition: date.ok() and year in 0..9999; otherwise the
// text is unspecified (but no crash).
std::string FormatDate(std::chrono::year_month_day date);

// Exactly 10 characters "YYYY-MM-DD" with ASCII digits, and a real date
// (2026-02-29 is rejected). No surrounding whitespace, no time part.
absl::StatusOr<std::chrono::year_month_day> ParseDate(std::string_view text);

// A request's date field: required, YYYY-MM-DD, not after `today` and, when
// `max_days_ago` > 0, at most that many days before it. Errors are
// InvalidArgument starting with `field` and never echoing the text.
absl::StatusOr<std::chrono::year_month_day> ParsePastDate(std::string_view field, std::string_view text,
                                                          std::chrono::year_month_day today, int max_days_ago = 0);

}  // namespace yhteys::calendar

#endif  // YHTEYS_CALENDAR_DATE_TEXT_HPP_
