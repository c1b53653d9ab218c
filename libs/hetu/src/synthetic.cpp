#include "yhteys/hetu/synthetic.hpp"

#include <cstdio>
#include <cstdlib>

namespace yhteys::hetu {

std::string SyntheticIdentityCode(int i) {
  static constexpr char kCheck[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";
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

}  // namespace yhteys::hetu
