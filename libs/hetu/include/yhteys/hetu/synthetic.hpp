#pragma once
// Synthetic identity codes for tests, demos and benchmarks: always in the
// temporary 900-999 individual-number range, never a real person's code.

#include <chrono>
#include <string>

namespace yhteys::hetu {

// A valid synthetic code for index i in [0, 672000): birth dates 1930-1949
// (days 1-28), individual numbers 900-999, with the right check character.
std::string SyntheticIdentityCode(int i);

// A valid synthetic code born on `birth` (1900-2099) with individual number
// `number` (clamped to 900-999), e.g. for a test that needs a client of a
// given age.
std::string SyntheticIdentityCodeBornOn(std::chrono::year_month_day birth, int number = 900);

}  // namespace yhteys::hetu
