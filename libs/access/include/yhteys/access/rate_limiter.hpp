#pragma once
// Per-caller rate limits: a token bucket per caller identity (the
// certificate's SAN URI), refilled at the caller's role's rate up to its
// burst. Limits are configured per role ("<per second>/<burst>", e.g.
// "5/20"), with a default for roles not listed. Thread-safe.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "yhteys/access/identity.hpp"

namespace yhteys::access {

struct RateLimit {
  double per_second = 0;
  double burst = 0;
};

// "<per second>/<burst>": both positive numbers, burst >= 1. InvalidArgument
// naming `field` otherwise.
absl::StatusOr<RateLimit> ParseRateLimit(std::string_view field, std::string_view text);

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  RateLimiter(RateLimit default_limit, std::map<Role, RateLimit> per_role, Clock now = &std::chrono::steady_clock::now);

  // Takes one call's token from `caller`'s bucket: 0 when the call may go
  // ahead, otherwise how long until a token is there (the call is refused).
  std::chrono::milliseconds Take(const std::string& caller, Role role);
  RateLimit LimitOf(Role role) const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
    RateLimit limit;
  };
  static constexpr size_t kMaxBuckets = 100000;  // full buckets are dropped beyond this (they hold no state)

  RateLimit default_;
  std::map<Role, RateLimit> per_role_;
  Clock now_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace yhteys::access
