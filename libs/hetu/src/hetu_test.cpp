#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "yhteys/hetu/identity_code.hpp"

namespace yhteys::hetu {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

// Only synthetic codes (individual number 900-999) appear here. Every check
// character was computed independently (Python: table[int(DDMMYYNNN) % 31]),
// and TestCheckCharacter below recomputes it as a second opinion.
constexpr std::string_view kTable = "0123456789ABCDEFHJKLMNPRSTUVWXY";

char TestCheckCharacter(std::string_view code) {
  const std::string digits = std::string(code.substr(0, 6)) + std::string(code.substr(7, 3));
  return kTable[std::stoll(digits) % 31];
}

ValidationOptions Options(bool allow_temporary = true) {
  return ValidationOptions{year_month_day{year{2025}, month{6}, day{1}}, allow_temporary};
}

year_month_day Ymd(int y, unsigned m, unsigned d) { return year_month_day{year{y}, month{m}, day{d}}; }

struct ValidCase {
  std::string_view code;
  year_month_day birth_date;
  int individual_number;
};

const std::vector<ValidCase>& ValidCases() {
  static const std::vector<ValidCase> cases = {
      {"010185+900D", Ymd(1885, 1, 1), 900},
      {"170599+911X", Ymd(1899, 5, 17), 911},
      {"010594-9032", Ymd(1994, 5, 1), 903},
      {"010594Y9032", Ymd(1994, 5, 1), 903},
      {"120361X950J", Ymd(1961, 3, 12), 950},
      {"290288W9688", Ymd(1988, 2, 29), 968},
      {"311270V925K", Ymd(1970, 12, 31), 925},
      {"150745U9995", Ymd(1945, 7, 15), 999},
      {"010100A902J", Ymd(2000, 1, 1), 902},
      {"290200A904F", Ymd(2000, 2, 29), 904},
      {"030410B9125", Ymd(2010, 4, 3), 912},
      {"280223C937U", Ymd(2023, 2, 28), 937},
      {"071115D944P", Ymd(2015, 11, 7), 944},
      {"300605E9814", Ymd(2005, 6, 30), 981},
      {"110920F990E", Ymd(2020, 9, 11), 990},
      {"010625A930X", Ymd(2025, 6, 1), 930},  // born "today": not in the future
  };
  return cases;
}

TEST(ParseIdentityCodeTest, TestVectorsHaveCorrectCheckCharacters) {
  for (const auto& c : ValidCases()) {
    EXPECT_EQ(TestCheckCharacter(c.code), c.code[10]) << c.code;
  }
}

TEST(ParseIdentityCodeTest, AcceptsEveryCenturySign) {
  std::string signs_seen;
  for (const auto& c : ValidCases()) {
    SCOPED_TRACE(c.code);
    auto parsed = ParseIdentityCode(c.code, Options());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->birth_date, c.birth_date);
    EXPECT_EQ(parsed->individual_number, c.individual_number);
    EXPECT_TRUE(parsed->temporary);
    EXPECT_EQ(parsed->female_by_number, c.individual_number % 2 == 0);
    signs_seen.push_back(c.code[6]);
  }
  for (char sign : std::string_view("+-YXWVUABCDEF")) {
    EXPECT_NE(signs_seen.find(sign), std::string::npos) << sign;
  }
}

TEST(ParseIdentityCodeTest, CenturySignsOfTheSameDateAgree) {
  auto dash = ParseIdentityCode("010594-9032", Options());
  auto y = ParseIdentityCode("010594Y9032", Options());
  ASSERT_TRUE(dash.ok());
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(dash->birth_date, y->birth_date);
  EXPECT_EQ(dash->individual_number, y->individual_number);
}

TEST(ParseIdentityCodeTest, SexByIndividualNumber) {
  auto odd = ParseIdentityCode("010594Y9032", Options());   // 903
  auto even = ParseIdentityCode("010100A902J", Options());  // 902
  ASSERT_TRUE(odd.ok());
  ASSERT_TRUE(even.ok());
  EXPECT_FALSE(odd->female_by_number);
  EXPECT_TRUE(even->female_by_number);
}

struct RejectCase {
  std::string_view name;
  std::string_view code;
  std::string_view message;
  bool allow_temporary = true;
};

const std::vector<RejectCase>& RejectCases() {
  static const std::vector<RejectCase> cases = {
      {"too short", "010594Y903", "identity_code: must be exactly eleven characters"},
      {"too long", "010594Y90322", "identity_code: must be exactly eleven characters"},
      {"empty", "", "identity_code: must be exactly eleven characters"},
      {"surrounding space", " 010594Y9032", "identity_code: must be exactly eleven characters"},
      {"lower-case century sign", "010594y9032", "identity_code: lower-case letters are not accepted"},
      {"lower-case 2000s sign", "010100a902J", "identity_code: lower-case letters are not accepted"},
      {"lower-case check char", "120361x950j", "identity_code: lower-case letters are not accepted"},
      {"lower-case check char only", "120361X950j", "identity_code: lower-case letters are not accepted"},
      {"unknown separator Z", "010594Z9032", "identity_code: unknown century sign"},
      {"unknown separator G", "010594G9032", "identity_code: unknown century sign"},
      {"unknown separator slash", "010594/9032", "identity_code: unknown century sign"},
      {"unknown separator space", "010594 9032", "identity_code: unknown century sign"},
      {"letter in date", "01O594Y9032", "identity_code: birth date must be digits"},
      {"letter in number", "010594Y9O32", "identity_code: individual number must be digits"},
      {"31 February", "310299-910H", "identity_code: impossible birth date"},
      {"29 February 1900", "290200-9200", "identity_code: impossible birth date"},
      {"29 February 2023", "290223A920X", "identity_code: impossible birth date"},
      {"month 13", "011394-930C", "identity_code: impossible birth date"},
      {"day 00", "000594-9309", "identity_code: impossible birth date"},
      {"individual number 000", "010594-000X", "identity_code: individual number is not in use"},
      {"individual number 001", "010594-001Y", "identity_code: individual number is not in use"},
      {"wrong check char", "010594Y9033", "identity_code: check character does not match"},
      {"check char not in table", "010594Y903Z", "identity_code: check character does not match"},
      {"check char G", "010594Y903G", "identity_code: check character does not match"},
      {"future birth date", "020625A930K", "identity_code: birth date is in the future"},
      {"temporary in production", "010594Y9032", "identity_code: temporary (900-series) codes are not accepted", false},
      {"temporary 999 in production", "150745U9995", "identity_code: temporary (900-series) codes are not accepted",
       false},
  };
  return cases;
}

TEST(ParseIdentityCodeTest, RejectsWithSpecificMessage) {
  for (const auto& c : RejectCases()) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseIdentityCode(c.code, Options(c.allow_temporary));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(parsed.status().message()), c.message);
  }
}

// The rejection vectors with the intended flaw only: apart from it, each has a
// correct check character (so the test really exercises the named rule).
TEST(ParseIdentityCodeTest, RejectionVectorsHaveOnlyTheIntendedFlaw) {
  for (std::string_view code : {"310299-910H", "290200-9200", "290223A920X", "011394-930C", "000594-9309",
                                "010594-000X", "010594-001Y", "020625A930K"}) {
    EXPECT_EQ(TestCheckCharacter(code), code[10]) << code;
  }
}

TEST(ParseIdentityCodeTest, ErrorMessagesNeverContainTheCode) {
  for (const auto& c : RejectCases()) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseIdentityCode(c.code, Options(c.allow_temporary));
    ASSERT_FALSE(parsed.ok());
    const std::string message(parsed.status().message());
    EXPECT_EQ(message.rfind("identity_code: ", 0), 0u);
    if (c.code.size() >= 6) {
      EXPECT_EQ(message.find(c.code.substr(0, 6)), std::string::npos);  // DDMMYY
    }
    if (c.code.size() >= 10) {
      EXPECT_EQ(message.find(c.code.substr(7, 3)), std::string::npos);  // NNN
    }
    // No 4-character run of the input appears in the message.
    for (std::size_t i = 0; i + 4 <= c.code.size(); ++i) {
      EXPECT_EQ(message.find(c.code.substr(i, 4)), std::string::npos) << "at " << i;
    }
    // Apart from the fixed "(900-series)" wording, messages hold no digits.
    std::string rest = message;
    if (auto pos = rest.find("(900-series)"); pos != std::string::npos) rest.erase(pos, 12);
    EXPECT_EQ(rest.find_first_of("0123456789"), std::string::npos) << message;
  }
}

TEST(ParseIdentityCodeTest, AcceptsBirthDateEqualToToday) {
  EXPECT_TRUE(ParseIdentityCode("010625A930X", Options()).ok());
  auto parsed = ParseIdentityCode("010625A930X", ValidationOptions{Ymd(2025, 5, 31), true});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(std::string(parsed.status().message()), "identity_code: birth date is in the future");
}

TEST(ParseIdentityCodeTest, InvalidTodayIsRejected) {
  auto parsed = ParseIdentityCode("010594Y9032", ValidationOptions{Ymd(2025, 2, 30), true});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NormalizeIdentityCodeTest, TrimsWhitespaceOnly) {
  EXPECT_EQ(NormalizeIdentityCode("  010594Y9032\t\r\n"), "010594Y9032");
  EXPECT_EQ(NormalizeIdentityCode("010594Y9032"), "010594Y9032");
  EXPECT_EQ(NormalizeIdentityCode(" 010594y9032 "), "010594y9032");  // case kept
  EXPECT_EQ(NormalizeIdentityCode(" \t "), "");
  EXPECT_EQ(NormalizeIdentityCode(""), "");
}

TEST(NormalizeIdentityCodeTest, NormalizedInputParses) {
  auto parsed = ParseIdentityCode(NormalizeIdentityCode(" 010594Y9032\n"), Options());
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  auto lower = ParseIdentityCode(NormalizeIdentityCode(" 010594y9032\n"), Options());
  EXPECT_FALSE(lower.ok());
}

TEST(AgeOnTest, AcrossBirthday) {
  auto parsed = ParseIdentityCode("010594Y9032", Options());  // born 1994-05-01
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(AgeOn(*parsed, Ymd(2024, 4, 30)), 29);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2024, 5, 1)), 30);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2024, 5, 2)), 30);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2025, 4, 30)), 30);
  EXPECT_EQ(AgeOn(*parsed, Ymd(1994, 5, 1)), 0);
  EXPECT_EQ(AgeOn(*parsed, Ymd(1995, 4, 30)), 0);
}

TEST(AgeOnTest, LeapDayBirthday) {
  auto parsed = ParseIdentityCode("290200A904F", Options());  // born 2000-02-29
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(AgeOn(*parsed, Ymd(2023, 2, 28)), 22);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2023, 3, 1)), 23);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2024, 2, 28)), 23);
  EXPECT_EQ(AgeOn(*parsed, Ymd(2024, 2, 29)), 24);
}

TEST(AgeOnTest, EighteenEightiesCentury) {
  auto parsed = ParseIdentityCode("170599+911X", Options());  // born 1899-05-17
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(AgeOn(*parsed, Ymd(1999, 5, 16)), 99);
  EXPECT_EQ(AgeOn(*parsed, Ymd(1999, 5, 17)), 100);
}

}  // namespace
}  // namespace yhteys::hetu

#include "yhteys/hetu/synthetic.hpp"

namespace yhteys::hetu {
namespace {

TEST(SyntheticIdentityCodeTest, EveryCodeIsValidTemporaryAndDistinct) {
  std::set<std::string> seen;
  ValidationOptions options{std::chrono::year(2026) / 11 / 23, true};
  for (int i = 0; i < 672000; i += 97) {
    std::string code = SyntheticIdentityCode(i);
    auto parsed = ParseIdentityCode(code, options);
    ASSERT_TRUE(parsed.ok()) << code << " " << parsed.status();
    EXPECT_TRUE(parsed->temporary);
    EXPECT_TRUE(seen.insert(code).second);
  }
}

TEST(SyntheticIdentityCodeTest, BornOnAGivenDayInEitherCentury) {
  ValidationOptions options{std::chrono::year(2026) / 11 / 26, true};
  for (auto birth :
       {std::chrono::year(2005) / 11 / 27, std::chrono::year(1951) / 2 / 1, std::chrono::year(2020) / 1 / 1}) {
    std::string code = SyntheticIdentityCodeBornOn(birth, 951);
    auto parsed = ParseIdentityCode(code, options);
    ASSERT_TRUE(parsed.ok()) << code << " " << parsed.status();
    EXPECT_EQ(parsed->birth_date, birth) << code;
    EXPECT_EQ(parsed->individual_number, 951);
    EXPECT_TRUE(parsed->temporary);
  }
  EXPECT_EQ(SyntheticIdentityCodeBornOn(std::chrono::year(2020) / 1 / 1),
            "010120A900" + std::string(1, "0123456789ABCDEFHJKLMNPRSTUVWXY"[10120900 % 31]));
  EXPECT_EQ(AgeOn(*ParseIdentityCode(SyntheticIdentityCodeBornOn(std::chrono::year(2003) / 11 / 27), options),
                  std::chrono::year(2026) / 11 / 26),
            22);
}

}  // namespace
}  // namespace yhteys::hetu
