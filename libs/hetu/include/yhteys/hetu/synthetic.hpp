#pragma once
// Synthetic identity codes for tests, demos and benchmarks: always in the
// temporary 900-999 individual-number range, never a real person's code.

#include <string>

namespace yhteys::hetu {

// A valid synthetic code for index i in [0, 672000): birth dates 1930-1949
// (days 1-28), individual numbers 900-999, with the right check character.
std::string SyntheticIdentityCode(int i);

}  // namespace yhteys::hetu
