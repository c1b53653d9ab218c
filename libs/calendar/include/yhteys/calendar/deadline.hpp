// Deadline rules as written in the router's rules file ("same_day", "same_working_day",
// "working_days:7", "days:14", "months:3") and the due date they give for a
// start date, on the Finnish working-day calendar.
//
// Thread-safety: pure functions; safe to call concurrently.
// Failure modes: ParseDeadlineRule returns InvalidArgument naming the bad text
// (escaped, truncated) for an unknown form or an amount outside 1..3650.
// DeadlineFor has no failure mode for a rule that ParseDeadlineRule produced.
#ifndef YHTEYS_CALENDAR_DEADLINE_HPP_
#define YHTEYS_CALENDAR_DEADLINE_HPP_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "yhteys/calendar/working_days.hpp"

namespace yhteys::calendar {

enum class DeadlineKind { kSameWorkingDay, kWorkingDays, kCalendarDays, kMonths, kSameDay };

struct DeadlineRule {
  DeadlineKind kind = DeadlineKind::kSameWorkingDay;
  int amount = 0;  // 0 for kSameDay and kSameWorkingDay, else 1..kMaxDeadlineAmount
};

inline constexpr int kMaxDeadlineAmount = 3650;

// Accepts exactly "same_day", "same_working_day", "working_days:N", "days:N", "months:N"
// with N decimal digits in 1..3650. Case-sensitive, no whitespace.
absl::StatusOr<DeadlineRule> ParseDeadlineRule(std::string_view text);

// The inverse of ParseDeadlineRule, e.g. "working_days:7".
std::string FormatDeadlineRule(const DeadlineRule& rule);

// The due date for a clock started on `start`:
//   kSameDay:        start, whatever the day (urgent: a person acts today);
//   kSameWorkingDay: start if it is a working day, else the next working day;
//   kWorkingDays:    AddWorkingDays(start, amount);
//   kCalendarDays:   start + amount days (may fall on a holiday);
//   kMonths:         start + amount months, clamped to the month's last day
//                    (2025-11-30 + 3 months = 2026-02-28).
// Working days are counted under `policy`.
std::chrono::year_month_day DeadlineFor(const DeadlineRule& rule, std::chrono::year_month_day start,
                                        const WorkingDayPolicy& policy = {});

}  // namespace yhteys::calendar

#endif  // YHTEYS_CALENDAR_DEADLINE_HPP_
