#pragma once
// Finnish dates. Deadlines, assessment dates and the days clocks start from
// are dates in Europe/Helsinki whatever the process's TZ says (a pod with
// TZ=UTC still dates an assessment made at 00:30 Helsinki time on the
// Finnish day). Services also set TZ=Europe/Helsinki at start-up unless TZ
// is set (UseFinnishTimeZoneUnlessSet), for anything else that reads local
// time. Thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace yhteys::calendar {

// Today in Europe/Helsinki (the local date only if tzdata is missing).
std::chrono::year_month_day TodayInFinland();
// Sets TZ=Europe/Helsinki when the environment names no time zone.
void UseFinnishTimeZoneUnlessSet();

// The Finnish date (Europe/Helsinki, whatever TZ says) of an RFC 3339
// instant such as a CloudEvents `time` ("2026-03-10T22:30:00Z" is
// 2026-03-11 in Helsinki). nullopt when the text is not RFC 3339 or the
// zone's rules (tzdata) cannot be loaded.
std::optional<std::chrono::year_month_day> FinnishDateOf(std::string_view rfc3339);
// The Finnish date of an instant given as milliseconds since the Unix epoch.
std::optional<std::chrono::year_month_day> FinnishDateOfMillis(int64_t unix_millis);
// Milliseconds since the Unix epoch at 00:00 Europe/Helsinki on `date`
// (the first instant of that Finnish day); nullopt when `date` is not a
// valid date or tzdata cannot be loaded.
std::optional<int64_t> StartOfFinnishDayMillis(std::chrono::year_month_day date);

}  // namespace yhteys::calendar
