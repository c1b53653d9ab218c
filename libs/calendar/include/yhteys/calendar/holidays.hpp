// Finnish public holidays, and apart from them the two Eves that are not
// public holidays but are usually non-working days, computed for any
// Gregorian year: fixed dates, Easter-based feasts (Gregorian computus) and
// the Saturday/Friday-based ones.
//
// Public holidays: 1 Jan Uudenvuodenpäivä, 6 Jan Loppiainen, Good Friday
// Pitkäperjantai, Easter Sunday Pääsiäispäivä, Easter Monday 2.
// pääsiäispäivä, 1 May Vappu, Ascension (Easter + 39) Helatorstai, Whit
// Sunday (Easter + 49) Helluntaipäivä, Midsummer Day (Sat 20-26 Jun)
// Juhannuspäivä, All Saints' Day (Sat 31 Oct-6 Nov) Pyhäinpäivä, 6 Dec
// Itsenäisyyspäivä, 25 Dec Joulupäivä, 26 Dec Tapaninpäivä.
//
// The Eves: Midsummer Eve (Fri 19-25 Jun) Juhannusaatto and 24 Dec
// Jouluaatto. They are not public holidays; the Act on the computation of
// statutory time limits (150/1930 § 5) names them beside the holy days (a
// time limit ending on one of them moves to the next weekday), which is why
// the working-day calendar (working_days.hpp) does not count them as working
// days by default, as a stated setting (WorkingDayPolicy). Yhteys applies
// this to counting working days only: a days:N or months:N due date that
// ends on a holiday or an Eve is not moved.
// New Year's Eve is an ordinary day.
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

// True for the public holidays listed above; false for the Eves.
bool IsPublicHoliday(std::chrono::year_month_day date);

// The Finnish name of the public holiday on `date` (UTF-8, e.g.
// "Pitkäperjantai"), or nullopt. When two coincide (1 May is also Ascension
// Day in some years, e.g. 2008) the fixed-date name ("Vappu") is returned.
std::optional<std::string_view> PublicHolidayName(std::chrono::year_month_day date);

// "Juhannusaatto" or "Jouluaatto" on Midsummer Eve or Christmas Eve, else
// nullopt. Never a public holiday.
std::optional<std::string_view> EveName(std::chrono::year_month_day date);

}  // namespace yhteys::calendar

#endif  // YHTEYS_CALENDAR_HOLIDAYS_HPP_
