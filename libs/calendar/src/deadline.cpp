#include "yhteys/calendar/deadline.hpp"

#include <charconv>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "yhteys/calendar/working_days.hpp"

namespace yhteys::calendar {
namespace {

constexpr std::string_view kSameDay = "same_day";
constexpr std::string_view kSameWorkingDay = "same_working_day";
constexpr std::string_view kWorkingDaysPrefix = "working_days:";
constexpr std::string_view kDaysPrefix = "days:";
constexpr std::string_view kMonthsPrefix = "months:";
constexpr std::size_t kMaxQuotedLength = 64;

// The text in double quotes, C-escaped and truncated, safe for any log.
// (Debian's absl::string_view is its own type, not std::string_view.)
std::string Quote(std::string_view text) {
  const std::string_view head = text.substr(0, kMaxQuotedLength);
  return "\"" + absl::CHexEscape(absl::string_view(head.data(), head.size())) +
         (text.size() > kMaxQuotedLength ? "...\"" : "\"");
}

absl::Status BadRule(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError("deadline rule " + Quote(text) + ": " + std::string(why));
}

}  // namespace

absl::StatusOr<DeadlineRule> ParseDeadlineRule(std::string_view text) {
  if (text == kSameDay) return DeadlineRule{DeadlineKind::kSameDay, 0};
  if (text == kSameWorkingDay) return DeadlineRule{DeadlineKind::kSameWorkingDay, 0};

  DeadlineKind kind;
  std::string_view number;
  if (text.substr(0, kWorkingDaysPrefix.size()) == kWorkingDaysPrefix) {
    kind = DeadlineKind::kWorkingDays;
    number = text.substr(kWorkingDaysPrefix.size());
  } else if (text.substr(0, kDaysPrefix.size()) == kDaysPrefix) {
    kind = DeadlineKind::kCalendarDays;
    number = text.substr(kDaysPrefix.size());
  } else if (text.substr(0, kMonthsPrefix.size()) == kMonthsPrefix) {
    kind = DeadlineKind::kMonths;
    number = text.substr(kMonthsPrefix.size());
  } else {
    return BadRule(text, "expected same_day, same_working_day, working_days:N, days:N or months:N");
  }

  // Digits only: from_chars alone would accept a leading '-'.
  if (number.empty() || number.find_first_not_of("0123456789") != std::string_view::npos) {
    return BadRule(text, "amount must be a whole number");
  }
  int amount = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), amount);
  if (ec != std::errc() || end != number.data() + number.size() || amount < 1 || amount > kMaxDeadlineAmount) {
    return BadRule(text, "amount must be 1.." + std::to_string(kMaxDeadlineAmount));
  }
  return DeadlineRule{kind, amount};
}

std::string FormatDeadlineRule(const DeadlineRule& rule) {
  switch (rule.kind) {
    case DeadlineKind::kSameDay: return std::string(kSameDay);
    case DeadlineKind::kSameWorkingDay: return std::string(kSameWorkingDay);
    case DeadlineKind::kWorkingDays: return std::string(kWorkingDaysPrefix) + std::to_string(rule.amount);
    case DeadlineKind::kCalendarDays: return std::string(kDaysPrefix) + std::to_string(rule.amount);
    case DeadlineKind::kMonths: return std::string(kMonthsPrefix) + std::to_string(rule.amount);
  }
  return "unknown";
}

std::chrono::year_month_day DeadlineFor(const DeadlineRule& rule, std::chrono::year_month_day start,
                                        const WorkingDayPolicy& policy) {
  switch (rule.kind) {
    case DeadlineKind::kSameDay: return start;
    case DeadlineKind::kSameWorkingDay: return NextWorkingDayOnOrAfter(start, policy);
    case DeadlineKind::kWorkingDays: return AddWorkingDays(start, rule.amount, policy);
    case DeadlineKind::kCalendarDays:
      return std::chrono::year_month_day{std::chrono::sys_days{start} + std::chrono::days{rule.amount}};
    case DeadlineKind::kMonths: {
      const std::chrono::year_month_day shifted = start + std::chrono::months{rule.amount};
      if (shifted.ok()) return shifted;
      return std::chrono::year_month_day_last{shifted.year(), std::chrono::month_day_last{shifted.month()}};
    }
  }
  return start;
}

}  // namespace yhteys::calendar
