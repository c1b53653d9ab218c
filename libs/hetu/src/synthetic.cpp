#include "yhteys/hetu/synthetic.hpp"

#include <cstdio>
#include <cstdlib>

namespace yhteys::hetu {

namespace {
constexpr char kCheck[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
}  // namespace

std::string SyntheticIdentityCode(int i) {
  int day = 1 + (i % 28);
  int month = 1 + (i / 28) % 12;
  int year = 30 + (i / (28 * 12)) % 20;
  int number = 900 + (i / (28 * 12 * 20)) % 100;
  char digits[16];
  std::snprintf(digits, sizeof digits, "%02d%02d%02d%03d", day, month, year, number);
  long long value = std::atoll(digits);
  char code[16];
  std::snprintf(code, sizeof code, "%02d%02d%02d-%03d%c", day, month, year, number, kCheck[value % 31]);
  return code;
}

std::string SyntheticIdentityCodeBornOn(std::chrono::year_month_day birth, int number) {
  number = number < 900 ? 900 : number > 999 ? 999 : number;
  const int y = static_cast<int>(birth.year());
  const int day = static_cast<int>(static_cast<unsigned>(birth.day()));
  const int month = static_cast<int>(static_cast<unsigned>(birth.month()));
  char digits[16];
  std::snprintf(digits, sizeof digits, "%02d%02d%02d%03d", day, month, y % 100, number);
  long long value = std::atoll(digits);
  char code[16];
  std::snprintf(code, sizeof code, "%02d%02d%02d%c%03d%c", day, month, y % 100, y >= 2000 ? 'A' : '-', number,
                kCheck[value % 31]);
  return code;
}

}  // namespace yhteys::hetu
