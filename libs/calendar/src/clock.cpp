#include "yhteys/calendar/clock.hpp"

#include <cstdlib>
#include <ctime>

namespace yhteys::calendar {

std::chrono::year_month_day TodayLocal() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return std::chrono::year_month_day{std::chrono::year(tm.tm_year + 1900),
                                     std::chrono::month(static_cast<unsigned>(tm.tm_mon + 1)),
                                     std::chrono::day(static_cast<unsigned>(tm.tm_mday))};
}

void UseFinnishTimeZoneUnlessSet() {
  if (std::getenv("TZ") == nullptr) setenv("TZ", "Europe/Helsinki", 1);
  tzset();
}

}  // namespace yhteys::calendar
