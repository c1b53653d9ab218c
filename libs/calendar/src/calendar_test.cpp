#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/calendar/deadline.hpp"
#include "yhteys/calendar/holidays.hpp"
#include "yhteys/calendar/working_days.hpp"

namespace yhteys::calendar {
namespace {

using std::chrono::year;
using std::chrono::year_month_day;

// Expected values below were cross-checked with an independent Python model
// (dateutil.easter + datetime).
year_month_day D(std::string_view text) {
  auto parsed = ParseDate(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.value_or(year_month_day{});
}

// ---- Dates as text ---------------------------------------------------------

TEST(DateTextTest, FormatAndParseRoundTrip) {
  const year_month_day date{year{2026}, std::chrono::April, std::chrono::day{5}};
  EXPECT_EQ(FormatDate(date), "2026-04-05");
  auto parsed = ParseDate("2026-04-05");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, date);
  EXPECT_EQ(FormatDate(D("0999-12-31")), "0999-12-31");
  EXPECT_EQ(FormatDate(D("2024-02-29")), "2024-02-29");
}

TEST(DateTextTest, ParseRejectsBadText) {
  for (std::string_view bad : {"", "2026-4-05", "2026-04-5", "2026/04/05", "2026-04-05 ", " 2026-04-05",
                               "2026-04-05T00:00", "20260405", "abcd-ef-gh", "2026-02-29", "2026-13-01", "2026-00-10",
                               "2026-04-00", "2026-04-31", "+026-04-05", "2026--4-05"}) {
    auto parsed = ParseDate(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(DateTextTest, ParseErrorNamesTheText) {
  auto parsed = ParseDate("2026-02-30");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().ToString().find("\"2026-02-30\""), std::string::npos) << parsed.status();
}

TEST(DateTextTest, ParsePastDateBoundsAndNamesTheField) {
  const auto today = D("2026-11-23");
  EXPECT_EQ(*ParsePastDate("visit_date", "2026-11-23", today, 30), today);
  EXPECT_EQ(*ParsePastDate("visit_date", "2026-10-24", today, 30), D("2026-10-24"));  // 30 days ago
  EXPECT_EQ(ParsePastDate("visit_date", "2026-10-23", today, 30).status().message(),
            "visit_date: more than 30 days ago");
  EXPECT_EQ(ParsePastDate("visit_date", "2026-11-24", today, 30).status().message(), "visit_date: is in the future");
  EXPECT_EQ(ParsePastDate("visit_date", "", today).status().message(), "visit_date: required");
  EXPECT_EQ(ParsePastDate("visit_date", "23.11.2026", today).status().message(),
            "visit_date: must be a date YYYY-MM-DD");
  EXPECT_TRUE(ParsePastDate("started_on", "1990-01-01", today).ok());  // no lower bound by default
}

// ---- Easter ----------------------------------------------------------------

TEST(EasterSundayTest, KnownYears) {
  const std::vector<std::pair<int, std::string_view>> known = {
      {2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"}, {2027, "2027-03-28"},
      {2000, "2000-04-23"}, {2019, "2019-04-21"}, {2008, "2008-03-23"}, {2011, "2011-04-24"},
      {1961, "1961-04-02"}, {2100, "2100-03-28"}, {1818, "1818-03-22"},  // earliest possible date
      {2285, "2285-03-22"},                                              // earliest possible date
      {2038, "2038-04-25"},                                              // latest possible date
  };
  for (const auto& [y, expected] : known) {
    EXPECT_EQ(FormatDate(EasterSunday(year{y})), expected) << y;
  }
}

TEST(EasterSundayTest, AlwaysASundayBetween22MarchAnd25April) {
  for (int y = 1583; y <= 3000; ++y) {
    const year_month_day easter = EasterSunday(year{y});
    ASSERT_TRUE(easter.ok()) << y;
    EXPECT_EQ(std::chrono::weekday{std::chrono::sys_days{easter}}, std::chrono::Sunday) << y;
    const auto md = std::chrono::month_day{easter.month(), easter.day()};
    EXPECT_GE(md, std::chrono::March / 22) << y;
    EXPECT_LE(md, std::chrono::April / 25) << y;
  }
}

// ---- Holidays --------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> HolidaysIn(int y) {
  std::vector<std::pair<std::string, std::string>> found;
  const std::chrono::sys_days first{year{y} / std::chrono::January / 1};
  const std::chrono::sys_days last{year{y} / std::chrono::December / 31};
  for (auto day = first; day <= last; day += std::chrono::days{1}) {
    const year_month_day date{day};
    const auto name = PublicHolidayName(date);
    EXPECT_EQ(name.has_value(), IsPublicHoliday(date)) << FormatDate(date);
    if (name) found.emplace_back(FormatDate(date), std::string(*name));
  }
  return found;
}

TEST(HolidayTest, AllHolidaysOf2026) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"2026-01-01", "Uudenvuodenpäivä"}, {"2026-01-06", "Loppiainen"},       {"2026-04-03", "Pitkäperjantai"},
      {"2026-04-05", "Pääsiäispäivä"},    {"2026-04-06", "2. pääsiäispäivä"}, {"2026-05-01", "Vappu"},
      {"2026-05-14", "Helatorstai"},      {"2026-05-24", "Helluntaipäivä"},   {"2026-06-20", "Juhannuspäivä"},
      {"2026-10-31", "Pyhäinpäivä"},      {"2026-12-06", "Itsenäisyyspäivä"}, {"2026-12-25", "Joulupäivä"},
      {"2026-12-26", "Tapaninpäivä"},
  };
  EXPECT_EQ(HolidaysIn(2026), expected);
}

TEST(HolidayTest, AllHolidaysOf2027) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"2027-01-01", "Uudenvuodenpäivä"}, {"2027-01-06", "Loppiainen"},       {"2027-03-26", "Pitkäperjantai"},
      {"2027-03-28", "Pääsiäispäivä"},    {"2027-03-29", "2. pääsiäispäivä"}, {"2027-05-01", "Vappu"},
      {"2027-05-06", "Helatorstai"},      {"2027-05-16", "Helluntaipäivä"},   {"2027-06-26", "Juhannuspäivä"},
      {"2027-11-06", "Pyhäinpäivä"},      {"2027-12-06", "Itsenäisyyspäivä"}, {"2027-12-25", "Joulupäivä"},
      {"2027-12-26", "Tapaninpäivä"},
  };
  EXPECT_EQ(HolidaysIn(2027), expected);
}

TEST(HolidayTest, MidsummerAndAllSaints2026) {
  EXPECT_EQ(PublicHolidayName(D("2026-06-19")), std::nullopt);  // Midsummer Eve: not a public holiday
  EXPECT_EQ(PublicHolidayName(D("2026-06-20")), "Juhannuspäivä");
  EXPECT_EQ(PublicHolidayName(D("2026-10-31")), "Pyhäinpäivä");
  EXPECT_FALSE(IsPublicHoliday(D("2026-11-01")));  // Sunday after All Saints
  EXPECT_FALSE(IsPublicHoliday(D("2026-06-26")));  // a Friday, but not 19-25 June
}

TEST(HolidayTest, VappuOnAscensionDay2008) {
  EXPECT_EQ(FormatDate(EasterSunday(year{2008})), "2008-03-23");
  EXPECT_EQ(PublicHolidayName(D("2008-05-01")), "Vappu");
  EXPECT_TRUE(IsPublicHoliday(D("2008-05-01")));
}

TEST(HolidayTest, OrdinaryDaysAreNotHolidays) {
  EXPECT_FALSE(IsPublicHoliday(D("2026-04-02")));  // Maundy Thursday
  EXPECT_FALSE(IsPublicHoliday(D("2026-04-04")));  // Holy Saturday
  EXPECT_FALSE(IsPublicHoliday(D("2026-12-31")));  // New Year's Eve
  EXPECT_FALSE(IsPublicHoliday(D("2026-03-07")));  // a Saturday
  EXPECT_EQ(PublicHolidayName(D("2026-07-15")), std::nullopt);
}

// The Eves are apart from the public holidays: named by EveName only.
TEST(HolidayTest, TheEvesAreNotPublicHolidays) {
  for (const auto& [date, name] :
       std::vector<std::pair<std::string_view, std::string_view>>{{"2026-06-19", "Juhannusaatto"},
                                                                  {"2026-12-24", "Jouluaatto"},
                                                                  {"2027-06-25", "Juhannusaatto"},
                                                                  {"2027-12-24", "Jouluaatto"}}) {
    EXPECT_FALSE(IsPublicHoliday(D(date))) << date;
    EXPECT_EQ(EveName(D(date)), name) << date;
  }
  EXPECT_EQ(EveName(D("2026-06-26")), std::nullopt);  // a Friday after 25 June
  EXPECT_EQ(EveName(D("2026-06-18")), std::nullopt);  // Thursday before Midsummer Eve
  EXPECT_EQ(EveName(D("2026-12-31")), std::nullopt);  // New Year's Eve is an ordinary day
  EXPECT_EQ(EveName(D("2026-06-20")), std::nullopt);  // Midsummer Day is a public holiday, not an Eve
}

// ---- Working days ----------------------------------------------------------

TEST(WorkingDayTest, WeekendsAreNotWorkingDays) {
  EXPECT_FALSE(IsWorkingDay(D("2026-03-07")));  // Saturday
  EXPECT_FALSE(IsWorkingDay(D("2026-03-08")));  // Sunday
  EXPECT_TRUE(IsWorkingDay(D("2026-03-06")));   // Friday
  EXPECT_TRUE(IsWorkingDay(D("2026-03-09")));   // Monday
}

TEST(WorkingDayTest, WeekdayHolidaysAreNotWorkingDays) {
  EXPECT_FALSE(IsWorkingDay(D("2026-04-03")));  // Good Friday
  EXPECT_FALSE(IsWorkingDay(D("2026-04-06")));  // Easter Monday
  EXPECT_FALSE(IsWorkingDay(D("2026-05-14")));  // Ascension Day
  EXPECT_FALSE(IsWorkingDay(D("2026-06-19")));  // Midsummer Eve
  EXPECT_FALSE(IsWorkingDay(D("2026-12-24")));  // Christmas Eve
  EXPECT_FALSE(IsWorkingDay(D("2027-01-06")));  // Epiphany
  EXPECT_TRUE(IsWorkingDay(D("2026-04-02")));   // Maundy Thursday
  EXPECT_TRUE(IsWorkingDay(D("2026-12-31")));   // New Year's Eve
}

// The Eves' treatment is a setting: by default non-working, and working days
// when a region sets eves_are_non_working = false; public holidays never move.
TEST(WorkingDayTest, EvesFollowThePolicy) {
  const WorkingDayPolicy eves_work{.eves_are_non_working = false};
  EXPECT_FALSE(IsWorkingDay(D("2026-06-19")));
  EXPECT_TRUE(IsWorkingDay(D("2026-06-19"), eves_work));
  EXPECT_FALSE(IsWorkingDay(D("2026-12-24")));
  EXPECT_TRUE(IsWorkingDay(D("2026-12-24"), eves_work));
  EXPECT_FALSE(IsWorkingDay(D("2026-12-25"), eves_work));  // Christmas Day stays a holiday
  // Tuesday 2026-12-22 + 2 working days: Thursday 24th is an Eve.
  EXPECT_EQ(AddWorkingDays(D("2026-12-22"), 2), D("2026-12-28"));
  EXPECT_EQ(AddWorkingDays(D("2026-12-22"), 2, eves_work), D("2026-12-24"));
  // Through DeadlineFor as the router uses it.
  const auto rule = ParseDeadlineRule("working_days:1");
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(DeadlineFor(*rule, D("2026-06-18")), D("2026-06-22"));
  EXPECT_EQ(DeadlineFor(*rule, D("2026-06-18"), eves_work), D("2026-06-19"));
}

TEST(WorkingDayTest, CountPerYear) {
  for (const auto& [y, expected] : {std::pair{2026, 252}, std::pair{2027, 253}}) {
    int count = 0;
    const std::chrono::sys_days first{year{y} / std::chrono::January / 1};
    const std::chrono::sys_days last{year{y} / std::chrono::December / 31};
    for (auto day = first; day <= last; day += std::chrono::days{1}) {
      if (IsWorkingDay(year_month_day{day})) ++count;
    }
    EXPECT_EQ(count, expected) << y;
  }
}

TEST(WorkingDayTest, NextWorkingDayOnOrAfter) {
  EXPECT_EQ(NextWorkingDayOnOrAfter(D("2026-04-02")), D("2026-04-02"));
  EXPECT_EQ(NextWorkingDayOnOrAfter(D("2026-04-03")), D("2026-04-07"));
  EXPECT_EQ(NextWorkingDayOnOrAfter(D("2026-03-07")), D("2026-03-09"));
  EXPECT_EQ(NextWorkingDayOnOrAfter(D("2026-12-24")), D("2026-12-28"));
}

TEST(AddWorkingDaysTest, AcrossEaster2026) {
  EXPECT_EQ(AddWorkingDays(D("2026-04-02"), 1), D("2026-04-07"));
  EXPECT_EQ(AddWorkingDays(D("2026-04-01"), 2), D("2026-04-07"));
  EXPECT_EQ(AddWorkingDays(D("2026-04-02"), 7), D("2026-04-15"));
}

TEST(AddWorkingDaysTest, AcrossChristmasAndNewYear) {
  EXPECT_EQ(AddWorkingDays(D("2026-12-23"), 1), D("2026-12-28"));
  EXPECT_EQ(AddWorkingDays(D("2026-12-23"), 3), D("2026-12-30"));
  EXPECT_EQ(AddWorkingDays(D("2026-12-31"), 1), D("2027-01-04"));
  EXPECT_EQ(AddWorkingDays(D("2026-12-31"), 3), D("2027-01-07"));  // skips 6 Jan
  EXPECT_EQ(AddWorkingDays(D("2027-12-23"), 1), D("2027-12-27"));
  EXPECT_EQ(AddWorkingDays(D("2027-12-31"), 2), D("2028-01-04"));
}

TEST(AddWorkingDaysTest, OtherHolidaysAndWeekends) {
  EXPECT_EQ(AddWorkingDays(D("2026-06-18"), 1), D("2026-06-22"));  // Midsummer
  EXPECT_EQ(AddWorkingDays(D("2026-05-13"), 1), D("2026-05-15"));  // Ascension
  EXPECT_EQ(AddWorkingDays(D("2026-03-02"), 5), D("2026-03-09"));
  EXPECT_EQ(AddWorkingDays(D("2026-03-07"), 1), D("2026-03-09"));  // from Saturday
  EXPECT_EQ(AddWorkingDays(D("2026-01-01"), 250), D("2026-12-29"));
}

TEST(AddWorkingDaysTest, ZeroAndNegative) {
  EXPECT_EQ(AddWorkingDays(D("2026-04-02"), 0), D("2026-04-02"));
  EXPECT_EQ(AddWorkingDays(D("2026-04-03"), 0), D("2026-04-07"));
  EXPECT_EQ(AddWorkingDays(D("2026-03-07"), 0), D("2026-03-09"));
  EXPECT_EQ(AddWorkingDays(D("2026-12-24"), 0), D("2026-12-28"));
  EXPECT_EQ(AddWorkingDays(D("2026-03-07"), -3), D("2026-03-09"));
}

// ---- Deadline rules --------------------------------------------------------

TEST(ParseDeadlineRuleTest, GoodInputs) {
  struct Case {
    std::string_view text;
    DeadlineKind kind;
    int amount;
  };
  for (const Case& c :
       {Case{"same_day", DeadlineKind::kSameDay, 0}, Case{"same_working_day", DeadlineKind::kSameWorkingDay, 0},
        Case{"working_days:7", DeadlineKind::kWorkingDays, 7}, Case{"days:14", DeadlineKind::kCalendarDays, 14},
        Case{"months:3", DeadlineKind::kMonths, 3}, Case{"days:1", DeadlineKind::kCalendarDays, 1},
        Case{"days:3650", DeadlineKind::kCalendarDays, 3650},
        Case{"working_days:007", DeadlineKind::kWorkingDays, 7}}) {
    auto rule = ParseDeadlineRule(c.text);
    ASSERT_TRUE(rule.ok()) << c.text << ": " << rule.status();
    EXPECT_EQ(rule->kind, c.kind) << c.text;
    EXPECT_EQ(rule->amount, c.amount) << c.text;
  }
}

TEST(ParseDeadlineRuleTest, FormatRoundTrips) {
  for (std::string_view text : {"same_day", "same_working_day", "working_days:7", "days:14", "months:3"}) {
    auto rule = ParseDeadlineRule(text);
    ASSERT_TRUE(rule.ok()) << text;
    EXPECT_EQ(FormatDeadlineRule(*rule), text);
  }
}

TEST(ParseDeadlineRuleTest, BadInputs) {
  for (std::string_view bad : {"",
                               "same_day:1",
                               "Same_Day",
                               "same_working_day:1",
                               "Same_Working_Day",
                               "working_days",
                               "working_days:",
                               "working_days:0",
                               "working_days:-1",
                               "working_days:+7",
                               "working_days: 7",
                               "working_days:7 ",
                               " days:14",
                               "days:3651",
                               "days:99999999999999999999",
                               "days:1.5",
                               "days:14d",
                               "months:0",
                               "weeks:2",
                               "hours:4",
                               "month:3"}) {
    auto rule = ParseDeadlineRule(bad);
    ASSERT_FALSE(rule.ok()) << bad;
    EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ParseDeadlineRuleTest, ErrorNamesTheBadText) {
  auto unknown = ParseDeadlineRule("weeks:2");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().ToString().find("\"weeks:2\""), std::string::npos) << unknown.status();
  auto range = ParseDeadlineRule("days:0");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().ToString().find("\"days:0\""), std::string::npos) << range.status();
  EXPECT_NE(range.status().ToString().find("1..3650"), std::string::npos) << range.status();
}

DeadlineRule Rule(std::string_view text) {
  auto rule = ParseDeadlineRule(text);
  EXPECT_TRUE(rule.ok()) << text;
  return rule.value_or(DeadlineRule{});
}

TEST(DeadlineForTest, SameDayIsTodayEvenOnAHoliday) {
  EXPECT_EQ(DeadlineFor(Rule("same_day"), D("2026-03-09")), D("2026-03-09"));
  EXPECT_EQ(DeadlineFor(Rule("same_day"), D("2026-03-07")), D("2026-03-07"));  // Sat
  EXPECT_EQ(DeadlineFor(Rule("same_day"), D("2026-12-25")), D("2026-12-25"));  // Christmas Day
}

TEST(DeadlineForTest, SameWorkingDay) {
  EXPECT_EQ(DeadlineFor(Rule("same_working_day"), D("2026-03-09")), D("2026-03-09"));
  EXPECT_EQ(DeadlineFor(Rule("same_working_day"), D("2026-03-07")), D("2026-03-09"));  // Sat
  EXPECT_EQ(DeadlineFor(Rule("same_working_day"), D("2026-04-04")), D("2026-04-07"));  // Easter Sat
  EXPECT_EQ(DeadlineFor(Rule("same_working_day"), D("2026-06-19")), D("2026-06-22"));  // Midsummer Eve
}

TEST(DeadlineForTest, WorkingDays) {
  EXPECT_EQ(DeadlineFor(Rule("working_days:7"), D("2026-03-02")), D("2026-03-11"));
  EXPECT_EQ(DeadlineFor(Rule("working_days:7"), D("2026-04-02")), D("2026-04-15"));
  EXPECT_EQ(DeadlineFor(Rule("working_days:7"), D("2026-12-18")), D("2026-12-31"));
}

TEST(DeadlineForTest, CalendarDays) {
  EXPECT_EQ(DeadlineFor(Rule("days:14"), D("2026-03-02")), D("2026-03-16"));
  EXPECT_EQ(DeadlineFor(Rule("days:14"), D("2026-12-20")), D("2027-01-03"));
  EXPECT_EQ(DeadlineFor(Rule("days:1"), D("2024-02-28")), D("2024-02-29"));
  EXPECT_EQ(DeadlineFor(Rule("days:365"), D("2024-01-01")), D("2024-12-31"));
}

TEST(DeadlineForTest, MonthsWithClamping) {
  EXPECT_EQ(DeadlineFor(Rule("months:3"), D("2026-01-15")), D("2026-04-15"));
  EXPECT_EQ(DeadlineFor(Rule("months:3"), D("2025-11-30")), D("2026-02-28"));
  EXPECT_EQ(DeadlineFor(Rule("months:3"), D("2023-11-30")), D("2024-02-29"));
  EXPECT_EQ(DeadlineFor(Rule("months:1"), D("2026-01-31")), D("2026-02-28"));
  EXPECT_EQ(DeadlineFor(Rule("months:1"), D("2026-03-31")), D("2026-04-30"));
  EXPECT_EQ(DeadlineFor(Rule("months:4"), D("2026-10-31")), D("2027-02-28"));
  EXPECT_EQ(DeadlineFor(Rule("months:12"), D("2024-02-29")), D("2025-02-28"));
  EXPECT_EQ(DeadlineFor(Rule("months:3"), D("2026-12-15")), D("2027-03-15"));
}

}  // namespace
}  // namespace yhteys::calendar

namespace yhteys::calendar {
namespace {

// A CloudEvents time is an instant; the clocks run on the Finnish date of
// it, in winter (UTC+2) and summer (UTC+3) time alike, whatever TZ says.
TEST(FinnishDateOfTest, InstantsBecomeHelsinkiDates) {
  EXPECT_EQ(FinnishDateOf("2026-03-10T21:59:59Z"), D("2026-03-10"));
  EXPECT_EQ(FinnishDateOf("2026-03-10T22:00:00Z"), D("2026-03-11"));  // midnight in Helsinki (EET)
  EXPECT_EQ(FinnishDateOf("2026-06-30T20:59:59.123Z"), D("2026-06-30"));
  EXPECT_EQ(FinnishDateOf("2026-06-30T21:00:00Z"), D("2026-07-01"));  // midnight in Helsinki (EEST)
  EXPECT_EQ(FinnishDateOf("2026-06-30T23:30:00+02:00"), D("2026-07-01"));
  EXPECT_EQ(FinnishDateOf(""), std::nullopt);
  EXPECT_EQ(FinnishDateOf("2026-06-30"), std::nullopt);
  EXPECT_EQ(FinnishDateOf("yesterday"), std::nullopt);
}

// A Finnish day starts at 22:00 UTC in winter and 21:00 UTC in summer; the
// two conversions agree on both sides of midnight.
TEST(FinnishDateOfTest, StartOfAFinnishDayInMillis) {
  // 2026-03-11T00:00 EET = 2026-03-10T22:00:00Z = 1773180000 s.
  EXPECT_EQ(StartOfFinnishDayMillis(D("2026-03-11")), int64_t{1773180000} * 1000);
  // 2026-07-01T00:00 EEST = 2026-06-30T21:00:00Z = 1782853200 s.
  EXPECT_EQ(StartOfFinnishDayMillis(D("2026-07-01")), int64_t{1782853200} * 1000);
  const int64_t start = *StartOfFinnishDayMillis(D("2026-07-01"));
  EXPECT_EQ(FinnishDateOfMillis(start), D("2026-07-01"));
  EXPECT_EQ(FinnishDateOfMillis(start - 1), D("2026-06-30"));
  EXPECT_EQ(StartOfFinnishDayMillis(
                std::chrono::year_month_day{std::chrono::year(2026), std::chrono::month(2), std::chrono::day(30)}),
            std::nullopt);
}

// Today is the Helsinki date even when the process runs on UTC: it agrees
// with the Finnish date of the current instant.
TEST(FinnishDateOfTest, TodayIsTheHelsinkiDateWhateverTz) {
  setenv("TZ", "UTC", 1);
  tzset();
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::time_t now = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    const auto today = TodayInFinland();
    if (std::time(nullptr) != now) continue;  // a second boundary in between: try again
    EXPECT_EQ(today, FinnishDateOf(text));
    return;
  }
}

}  // namespace
}  // namespace yhteys::calendar
