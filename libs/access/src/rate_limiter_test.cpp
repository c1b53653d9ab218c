#include "yhteys/access/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace yhteys::access {
namespace {

using std::chrono::milliseconds;

TEST(RateLimitTest, ParsesRateAndBurst) {
  auto limit = ParseRateLimit("access.default_rate_limit", "5/20");
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(limit->per_second, 5);
  EXPECT_EQ(limit->burst, 20);
  EXPECT_EQ(ParseRateLimit("x", "0.5/1")->per_second, 0.5);
  for (const char* bad : {"", "5", "5/", "/5", "0/5", "5/0", "5/0.5", "-1/5", "a/b", "5/20/1", "5 /20"}) {
    auto refused = ParseRateLimit("access.rate_limits.feedback-kiosk", bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().message().rfind("access.rate_limits.feedback-kiosk:", 0), 0u) << bad;
  }
}

TEST(RateLimiterTest, BurstThenTheRateAndTheWaitIsSaid) {
  auto now = std::chrono::steady_clock::time_point{};
  RateLimiter limiter({100, 100}, {{Role::kFeedbackKiosk, {2, 3}}}, [&] { return now; });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(0)) << i;
  EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(500));  // 2 per second: the next in 0.5 s
  // Another caller of the same role has its own bucket.
  EXPECT_EQ(limiter.Take("kiosk-2", Role::kFeedbackKiosk), milliseconds(0));
  now += milliseconds(250);
  EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(250));
  now += milliseconds(250);
  EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(0));
  EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(500));
  // Refills up to the burst only.
  now += std::chrono::seconds(60);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(0)) << i;
  EXPECT_GT(limiter.Take("kiosk-1", Role::kFeedbackKiosk), milliseconds(0));
  // A role without its own limit has the default.
  EXPECT_EQ(limiter.LimitOf(Role::kHomeCareNurse).per_second, 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Take("nurse", Role::kHomeCareNurse), milliseconds(0)) << i;
  EXPECT_EQ(limiter.Take("nurse", Role::kHomeCareNurse), milliseconds(10));
}

}  // namespace
}  // namespace yhteys::access
