#include "yhteys/log/log.hpp"

#include <gtest/gtest.h>

namespace yhteys::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting(&sink_);
    SetService("unit-test");
    SetLevel(Level::kInfo);
  }
  void TearDown() override { SetSinkForTesting(nullptr); }
  std::string sink_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Info("referral offered", {{"referral", "r-1"}, {"attempt", 2}, {"urgent", false}});
  ASSERT_FALSE(sink_.empty());
  EXPECT_EQ(sink_.back(), '\n');
  EXPECT_EQ(sink_.find('\n'), sink_.size() - 1);
  EXPECT_NE(sink_.find("\"level\":\"info\""), std::string::npos);
  EXPECT_NE(sink_.find("\"service\":\"unit-test\""), std::string::npos);
  EXPECT_NE(sink_.find("\"msg\":\"referral offered\""), std::string::npos);
  EXPECT_NE(sink_.find("\"referral\":\"r-1\""), std::string::npos);
  EXPECT_NE(sink_.find("\"attempt\":2"), std::string::npos);
  EXPECT_NE(sink_.find("\"urgent\":false"), std::string::npos);
}

TEST_F(LogTest, EscapesControlCharactersAndQuotes) {
  Warn("a \"quoted\"\nline", {{"k", "tab\there"}});
  EXPECT_NE(sink_.find(R"("msg":"a \"quoted\"\nline")"), std::string::npos);
  EXPECT_NE(sink_.find(R"("k":"tab\there")"), std::string::npos);
  EXPECT_EQ(sink_.find('\n'), sink_.size() - 1);
}

TEST_F(LogTest, LevelFiltersLowerLevels) {
  SetLevel(Level::kWarn);
  Info("hidden");
  EXPECT_TRUE(sink_.empty());
  Error("shown");
  EXPECT_NE(sink_.find("\"level\":\"error\""), std::string::npos);
}

TEST(LogLevelTest, ParsesKnownNamesOnly) {
  Level level;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

}  // namespace
}  // namespace yhteys::log
