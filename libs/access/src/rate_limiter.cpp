#include "yhteys/access/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace yhteys::access {
namespace {

bool ParsePositive(std::string_view text, double* out) {
  std::string s(text);
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out) && *out > 0;
}

}  // namespace

absl::StatusOr<RateLimit> ParseRateLimit(std::string_view field, std::string_view text) {
  auto slash = text.find('/');
  RateLimit limit;
  if (slash == std::string_view::npos || !ParsePositive(text.substr(0, slash), &limit.per_second) ||
      !ParsePositive(text.substr(slash + 1), &limit.burst) || limit.burst < 1) {
    return absl::InvalidArgumentError(std::string(field) +
                                      ": expected \"<calls per second>/<burst>\", both positive, burst at least 1");
  }
  return limit;
}

RateLimiter::RateLimiter(RateLimit default_limit, std::map<Role, RateLimit> per_role, Clock now)
    : default_(default_limit), per_role_(std::move(per_role)), now_(std::move(now)) {}

RateLimit RateLimiter::LimitOf(Role role) const {
  auto it = per_role_.find(role);
  return it == per_role_.end() ? default_ : it->second;
}

std::chrono::milliseconds RateLimiter::Take(const std::string& caller, Role role) {
  const RateLimit limit = LimitOf(role);
  std::lock_guard lock(mutex_);
  const auto now = now_();  // read under the lock, so a bucket's time never runs backwards
  auto it = buckets_.find(caller);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxBuckets) {
      // Drop the buckets that have refilled: forgetting them changes nothing.
      std::erase_if(buckets_, [&](const auto& entry) {
        const Bucket& b = entry.second;
        const double refill = std::chrono::duration<double>(now - b.at).count() * b.limit.per_second;
        return b.tokens + refill >= b.limit.burst;
      });
    }
    it = buckets_.emplace(caller, Bucket{limit.burst, now, limit}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(limit.burst, b.tokens + std::max(0.0, elapsed) * limit.per_second);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::chrono::milliseconds(0);
  }
  const double wait_s = (1 - b.tokens) / limit.per_second;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait_s * 1000)));
}

}  // namespace yhteys::access
