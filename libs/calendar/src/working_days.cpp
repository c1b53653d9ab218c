#include "yhteys/calendar/working_days.hpp"

#include "yhteys/calendar/holidays.hpp"

namespace yhteys::calendar {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

bool IsWorkingDay(year_month_day date, const WorkingDayPolicy& policy) {
  const std::chrono::weekday wd{sys_days{date}};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  if (IsPublicHoliday(date)) return false;
  return !(policy.eves_are_non_working && EveName(date).has_value());
}

year_month_day NextWorkingDayOnOrAfter(year_month_day date, const WorkingDayPolicy& policy) {
  sys_days day{date};
  while (!IsWorkingDay(year_month_day{day}, policy)) day += days{1};
  return year_month_day{day};
}

year_month_day AddWorkingDays(year_month_day start, int n, const WorkingDayPolicy& policy) {
  if (n <= 0) return NextWorkingDayOnOrAfter(start, policy);
  sys_days day{start};
  int counted = 0;
  while (counted < n) {
    day += days{1};
    if (IsWorkingDay(year_month_day{day}, policy)) ++counted;
  }
  return year_month_day{day};
}

}  // namespace yhteys::calendar
