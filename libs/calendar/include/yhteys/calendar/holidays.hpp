// Finnish public holidays and the days treated like them (Midsummer Eve,
// Christmas Eve), computed for any Gregorian year: fixed dates, Easter-based
// feasts (Gregorian computus) and the Saturday/Friday-based ones.
//
// Holidays: 1 Jan Uudenvuodenpäivä, 6 Jan Loppiainen, Good Friday
// Pitkäperjantai, Easter Sunday Pääsiäispäivä, Easter Monday 2. pääsiäispäivä,
// 1 May Vappu, Ascension (Easter + 39) Helatorstai, Whit Sunday (Easter + 49)
// Helluntaipäivä, Midsummer Eve (Fri 19-25 Jun) Juhannusaatto, Midsummer Day
// (Sat 20-26 Jun) Juhannuspäivä, All Saints' Day (Sat 31 Oct-6 Nov)
// Pyhäinpäivä, 6 Dec Itsenäisyyspäivä, 24 Dec Jouluaatto, 25 Dec Joulupäivä,
// 26 Dec Tapaninpäivä.
//
// Thread-safety: pure functions; safe to call concurrently.
// Failure modes: none. Results are meaningful for Gregorian years (1583 and
// later); an invalid date (!ok()) is never a holiday.
#ifndef YHTEYS_CALENDAR_HOLIDAYS_HPP_
#define YHTEYS_CALENDAR_HOLIDAYS_HPP_

#include <chrono>
#include <optional>
#include <string_view>

namespace yhteys::calendar {

// Easter Sunday of year `y` (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
std::chrono::year_month_day EasterSunday(std::chrono::year y);

// True for every holiday listed above (including Midsummer Eve and Christmas
// Eve, which are never working days).
bool IsPublicHoliday(std::chrono::year_month_day date);

// The Finnish name of the holiday on `date` (UTF-8, e.g. "Pitkäperjantai",
// "Juhannusaatto"), or nullopt. When two coincide (1 May is also Ascension Day
// in some years, e.g. 2008) the fixed-date name ("Vappu") is returned.
std::optional<std::string_view> HolidayName(std::chrono::year_month_day date);

}  // namespace yhteys::calendar

#endif  // YHTEYS_CALENDAR_HOLIDAYS_HPP_
