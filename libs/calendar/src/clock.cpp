#include "yhteys/calendar/clock.hpp"

#include <cstdlib>
#include <ctime>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace yhteys::calendar {

namespace {

const absl::TimeZone* Helsinki() {
  static const std::optional<absl::TimeZone> zone = []() -> std::optional<absl::TimeZone> {
    absl::TimeZone z;
    if (!absl::LoadTimeZone("Europe/Helsinki", &z)) return std::nullopt;
    return z;
  }();
  return zone ? &*zone : nullptr;
}

std::chrono::year_month_day DateOf(absl::CivilDay day) {
  return std::chrono::year_month_day{std::chrono::year(static_cast<int>(day.year())),
                                     std::chrono::month(static_cast<unsigned>(day.month())),
                                     std::chrono::day(static_cast<unsigned>(day.day()))};
}

}  // namespace

std::chrono::year_month_day TodayInFinland() {
  if (const absl::TimeZone* zone = Helsinki()) return DateOf(absl::ToCivilDay(absl::Now(), *zone));
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
  const absl::TimeZone* zone = Helsinki();
  if (zone == nullptr) return std::nullopt;
  absl::Time instant;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(rfc3339), &instant, &error)) return std::nullopt;
  return DateOf(absl::ToCivilDay(instant, *zone));
}

std::optional<std::chrono::year_month_day> FinnishDateOfMillis(int64_t unix_millis) {
  const absl::TimeZone* zone = Helsinki();
  if (zone == nullptr) return std::nullopt;
  return DateOf(absl::ToCivilDay(absl::FromUnixMillis(unix_millis), *zone));
}

std::optional<int64_t> StartOfFinnishDayMillis(std::chrono::year_month_day date) {
  const absl::TimeZone* zone = Helsinki();
  if (zone == nullptr || !date.ok()) return std::nullopt;
  const absl::CivilDay day(static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                           static_cast<unsigned>(date.day()));
  return absl::ToUnixMillis(zone->At(day).pre);
}

}  // namespace yhteys::calendar
