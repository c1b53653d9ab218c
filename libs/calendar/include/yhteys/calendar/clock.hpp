#pragma once
// Today's date on the local calendar. Finnish deadlines run on Finnish
// dates: services set TZ=Europe/Helsinki at start-up unless TZ is set
// (see UseFinnishTimeZoneUnlessSet). Thread-safe.

#include <chrono>
#include <optional>
#include <string_view>

namespace yhteys::calendar {

std::chrono::year_month_day TodayLocal();
// Sets TZ=Europe/Helsinki when the environment names no time zone.
void UseFinnishTimeZoneUnlessSet();

// The Finnish date (Europe/Helsinki, whatever TZ says) of an RFC 3339
// instant such as a CloudEvents `time` ("2026-03-10T22:30:00Z" is
// 2026-03-11 in Helsinki). nullopt when the text is not RFC 3339 or the
// zone's rules (tzdata) cannot be loaded.
std::optional<std::chrono::year_month_day> FinnishDateOf(std::string_view rfc3339);

}  // namespace yhteys::calendar
