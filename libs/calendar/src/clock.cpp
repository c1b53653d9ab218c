#include "yhteys/calendar/clock.hpp"

#include <cstdlib>
#include <ctime>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

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

std::optional<std::chrono::year_month_day> FinnishDateOf(std::string_view rfc3339) {
  static const std::optional<absl::TimeZone> helsinki = []() -> std::optional<absl::TimeZone> {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone("Europe/Helsinki", &zone)) return std::nullopt;
    return zone;
  }();
  if (!helsinki) return std::nullopt;
  absl::Time instant;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &instant, &error)) return std::nullopt;
  const absl::CivilDay day = absl::ToCivilDay(instant, *helsinki);
  return std::chrono::year_month_day{std::chrono::year(static_cast<int>(day.year())),
                                     std::chrono::month(static_cast<unsigned>(day.month())),
                                     std::chrono::day(static_cast<unsigned>(day.day()))};
}

}  // namespace yhteys::calendar
