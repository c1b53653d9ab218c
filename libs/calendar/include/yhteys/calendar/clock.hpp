#pragma once
// Today's date on the local calendar. Finnish deadlines run on Finnish
// dates: services set TZ=Europe/Helsinki at start-up unless TZ is set
// (see UseFinnishTimeZoneUnlessSet). Thread-safe.

#include <chrono>

namespace yhteys::calendar {

std::chrono::year_month_day TodayLocal();
// Sets TZ=Europe/Helsinki when the environment names no time zone.
void UseFinnishTimeZoneUnlessSet();

}  // namespace yhteys::calendar
