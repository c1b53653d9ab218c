// Finnish working days (arkipäivä): Monday-Friday that is not a public
// holiday and, unless the policy says otherwise, not Midsummer Eve or
// Christmas Eve (see holidays.hpp), and arithmetic on them.
//
// Thread-safety: pure functions; safe to call concurrently.
// Failure modes: none; inputs must be valid dates (ok()). Cost is linear in
// the number of days walked.
#ifndef YHTEYS_CALENDAR_WORKING_DAYS_HPP_
#define YHTEYS_CALENDAR_WORKING_DAYS_HPP_

#include <chrono>

namespace yhteys::calendar {

// How the days that are neither weekends nor public holidays but are
// customarily off are counted. A stated choice, set in the router's config
// (`calendar.eves_are_non_working`).
struct WorkingDayPolicy {
  // Midsummer Eve and Christmas Eve are not public holidays, but the Act on
  // the computation of statutory time limits (150/1930 § 5) names them beside
  // the holy days (a time limit ending on one moves to the next weekday):
  // by default they are not counted as working days.
  bool eves_are_non_working = true;
};

bool IsWorkingDay(std::chrono::year_month_day date, const WorkingDayPolicy& policy = {});

// `date` if it is a working day, else the first working day after it.
std::chrono::year_month_day NextWorkingDayOnOrAfter(std::chrono::year_month_day date,
                                                    const WorkingDayPolicy& policy = {});

// The n-th working day after `start` (start itself is not counted).
// n == 0 gives NextWorkingDayOnOrAfter(start); n < 0 is treated as 0.
// Example: Thursday 2026-04-02 + 1 is Tuesday 2026-04-07 (Easter).
std::chrono::year_month_day AddWorkingDays(std::chrono::year_month_day start, int n,
                                           const WorkingDayPolicy& policy = {});

}  // namespace yhteys::calendar

#endif  // YHTEYS_CALENDAR_WORKING_DAYS_HPP_
