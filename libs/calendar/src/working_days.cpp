#include "yhteys/calendar/working_days.hpp"

#include "yhteys/calendar/holidays.hpp"

namespace yhteys::calendar {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

bool IsWorkingDay(year_month_day date) {
  const std::chrono::weekday wd{sys_days{date}};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  return !IsPublicHoliday(date);
}

year_month_day NextWorkingDayOnOrAfter(year_month_day date) {
  sys_days day{date};
  while (!IsWorkingDay(year_month_day{day})) day += days{1};
  return year_month_day{day};
}

year_month_day AddWorkingDays(year_month_day start, int n) {
  if (n <= 0) return NextWorkingDayOnOrAfter(start);
  sys_days day{start};
  int counted = 0;
  while (counted < n) {
    day += days{1};
    if (IsWorkingDay(year_month_day{day})) ++counted;
  }
  return year_month_day{day};
}

}  // namespace yhteys::calendar
