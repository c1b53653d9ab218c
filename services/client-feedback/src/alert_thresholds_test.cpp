#include "alert_thresholds.hpp"

#include <gtest/gtest.h>

namespace yhteys::feedback {
namespace {

TEST(AlertThresholdsTest, BothWatched) {
  auto t = ParseAlertThresholds("0", "3.5", 8);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->nps, 0.0);
  ASSERT_EQ(t->statement_means.size(), 8u);
  for (const auto& mean : t->statement_means) EXPECT_EQ(mean, 3.5);
}

TEST(AlertThresholdsTest, EmptyMeansNotWatched) {
  auto t = ParseAlertThresholds("", "", 8);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->nps, std::nullopt);
  EXPECT_TRUE(t->statement_means.empty());
}

TEST(AlertThresholdsTest, NegativeNpsAndRangeEnds) {
  EXPECT_EQ(ParseAlertThresholds("-20", "", 8)->nps, -20.0);
  EXPECT_TRUE(ParseAlertThresholds("-100", "1", 8).ok());
  EXPECT_TRUE(ParseAlertThresholds("100", "5", 8).ok());
}

TEST(AlertThresholdsTest, ErrorsNameTheConfigKey) {
  for (const char* bad : {"abc", "101", "-101", "nan", "inf", "1e9"}) {
    auto t = ParseAlertThresholds(bad, "", 8);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find(kNpsThresholdKey), std::string::npos) << t.status();
  }
  for (const char* bad : {"0.9", "5.1", "three"}) {
    auto t = ParseAlertThresholds("", bad, 8);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find(kStatementThresholdKey), std::string::npos) << t.status();
  }
}

}  // namespace
}  // namespace yhteys::feedback
