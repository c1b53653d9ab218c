// libFuzzer target: the personal identity code parser and validator
// (libs/hetu). The input is the code as typed, any bytes. It is normalised
// and parsed under several validation options, and every documented promise
// is checked: what is accepted is eleven characters with the right check
// character and a real, not future birth date; errors start with
// "identity_code: " and never repeat the code; synthetic codes for the
// accepted birth date parse again.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/hetu/synthetic.hpp"

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "identity_code_fuzz: broken promise: %s\n", what);
    std::abort();
  }
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

void ParseAndCheck(std::string_view code, const yhteys::hetu::ValidationOptions& options) {
  auto parsed = yhteys::hetu::ParseIdentityCode(code, options);
  if (!parsed.ok()) {
    const std::string message(parsed.status().message());
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument, "rejections are INVALID_ARGUMENT");
    Check(message.starts_with("identity_code: "), "messages start with identity_code:");
    // No part of the code in the message: the messages are fixed texts
    // without digit runs, so a six-digit birth date must never appear.
    if (code.size() >= 6 && IsDigits(code.substr(0, 6))) {
      Check(message.find(code.substr(0, 6)) == std::string::npos, "message repeats the birth date");
    }
    return;
  }
  const yhteys::hetu::IdentityCode& id = *parsed;
  Check(code.size() == 11, "accepted codes are eleven characters");
  Check(IsDigits(code.substr(0, 6)) && IsDigits(code.substr(7, 3)), "accepted codes have digits");
  constexpr std::string_view kTable = "0123456789ABCDEFHJKLMNPRSTUVWXY";
  const long long value = std::atoll(std::string(code.substr(0, 6)).c_str()) * 1000 + id.individual_number;
  Check(kTable[static_cast<std::size_t>(value % 31)] == code[10], "check character");
  Check(id.birth_date.ok(), "birth date is a real date");
  Check(std::chrono::sys_days{id.birth_date} <= std::chrono::sys_days{options.today}, "birth date not in the future");
  Check(id.individual_number >= 2 && id.individual_number <= 999, "individual number 2..999");
  Check(id.temporary == (id.individual_number >= 900), "temporary means 900-999");
  Check(options.allow_temporary || !id.temporary, "temporary codes only when allowed");
  Check(id.female_by_number == (id.individual_number % 2 == 0), "sex by number");
  Check(yhteys::hetu::AgeOn(id, options.today) >= 0, "age on a day not before birth is not negative");

  // A synthetic code for the same birth date (the generator covers
  // 1900-2099) is itself valid and has that birth date.
  if (static_cast<int>(id.birth_date.year()) >= 1900) {
    const std::string synthetic = yhteys::hetu::SyntheticIdentityCodeBornOn(id.birth_date, id.individual_number);
    auto again = yhteys::hetu::ParseIdentityCode(synthetic, {options.today, /*allow_temporary=*/true});
    Check(again.ok(), "a synthetic code for an accepted birth date parses");
    Check(again->birth_date == id.birth_date, "the synthetic code keeps the birth date");
    Check(again->temporary, "synthetic codes are temporary");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const yhteys::hetu::ValidationOptions kOptions[] = {
      {year_month_day{year{2025}, month{6}, day{1}}, true},
      {year_month_day{year{2025}, month{6}, day{1}}, false},
      {year_month_day{year{2099}, month{12}, day{31}}, true},
      {year_month_day{year{1900}, month{1}, day{1}}, true},
  };
  for (const auto& options : kOptions) ParseAndCheck(input, options);

  const std::string normalized = yhteys::hetu::NormalizeIdentityCode(input);
  Check(yhteys::hetu::NormalizeIdentityCode(normalized) == normalized, "normalising twice changes nothing");
  Check(input.find(normalized) != std::string_view::npos, "normalising only trims");
  ParseAndCheck(normalized, kOptions[0]);

  // An impossible 'today' is refused whatever the code.
  const yhteys::hetu::ValidationOptions bad_today{year_month_day{year{2025}, month{2}, day{30}}, true};
  Check(!yhteys::hetu::ParseIdentityCode(input, bad_today).ok(), "an invalid today is refused");
  return 0;
}
