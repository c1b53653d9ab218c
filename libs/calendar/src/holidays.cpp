#include "yhteys/calendar/holidays.hpp"

namespace yhteys::calendar {
namespace {

using std::chrono::Friday;
using std::chrono::Saturday;
using std::chrono::sys_days;
using std::chrono::weekday;

// Offsets from Easter Sunday, in days.
constexpr int kGoodFridayOffset = -2;
constexpr int kEasterMondayOffset = 1;
constexpr int kAscensionOffset = 39;
constexpr int kWhitSundayOffset = 49;

std::optional<std::string_view> FixedDateName(unsigned month, unsigned day) {
  switch (month * 100 + day) {
    case 101: return "Uudenvuodenpäivä";
    case 106: return "Loppiainen";
    case 501: return "Vappu";
    case 1206: return "Itsenäisyyspäivä";
    case 1225: return "Joulupäivä";
    case 1226: return "Tapaninpäivä";
    default: return std::nullopt;
  }
}

std::optional<std::string_view> WeekdayBasedName(unsigned month, unsigned day, weekday wd) {
  if (month == 6 && wd == Saturday && day >= 20 && day <= 26) return "Juhannuspäivä";
  if (wd == Saturday && ((month == 10 && day == 31) || (month == 11 && day <= 6))) {
    return "Pyhäinpäivä";
  }
  return std::nullopt;
}

std::optional<std::string_view> EasterBasedName(std::chrono::year_month_day date) {
  const int offset = static_cast<int>((sys_days{date} - sys_days{EasterSunday(date.year())}).count());
  switch (offset) {
    case kGoodFridayOffset: return "Pitkäperjantai";
    case 0: return "Pääsiäispäivä";
    case kEasterMondayOffset: return "2. pääsiäispäivä";
    case kAscensionOffset: return "Helatorstai";
    case kWhitSundayOffset: return "Helluntaipäivä";
    default: return std::nullopt;
  }
}

}  // namespace

std::chrono::year_month_day EasterSunday(std::chrono::year y) {
  const int year = static_cast<int>(y);
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return std::chrono::year_month_day{y, std::chrono::month{static_cast<unsigned>(month)},
                                     std::chrono::day{static_cast<unsigned>(day)}};
}

std::optional<std::string_view> PublicHolidayName(std::chrono::year_month_day date) {
  if (!date.ok()) return std::nullopt;
  const unsigned month = static_cast<unsigned>(date.month());
  const unsigned day = static_cast<unsigned>(date.day());
  if (auto name = FixedDateName(month, day)) return name;
  if (auto name = WeekdayBasedName(month, day, weekday{sys_days{date}})) return name;
  // Easter-based feasts fall between 20 March (Good Friday) and 13 June.
  if (month >= 3 && month <= 6) return EasterBasedName(date);
  return std::nullopt;
}

bool IsPublicHoliday(std::chrono::year_month_day date) { return PublicHolidayName(date).has_value(); }

std::optional<std::string_view> EveName(std::chrono::year_month_day date) {
  if (!date.ok()) return std::nullopt;
  const unsigned month = static_cast<unsigned>(date.month());
  const unsigned day = static_cast<unsigned>(date.day());
  if (month == 12 && day == 24) return "Jouluaatto";
  if (month == 6 && weekday{sys_days{date}} == Friday && day >= 19 && day <= 25) return "Juhannusaatto";
  return std::nullopt;
}

}  // namespace yhteys::calendar
