#include "yhteys/ids/ids.hpp"

#include <gtest/gtest.h>
#include <vector>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <set>

namespace yhteys::ids {
namespace {

TEST(IdsTest, UuidIsVersion4AndUnique) {
  std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// Tokens: the asked length, hex only, never repeated, and every hex digit
// turns up at every position (a generator stuck on some bits would not).
TEST(IdsTest, RandomHexHasTheLengthAskedAndIsNeverRepeated) {
  EXPECT_EQ(RandomHex(0), "");
  std::set<std::string> seen;
  std::vector<std::set<char>> digits(32);
  for (int i = 0; i < 2000; ++i) {
    std::string token = RandomHex(16);
    ASSERT_EQ(token.size(), 32u);
    EXPECT_TRUE(IsLowerHex(token));
    EXPECT_TRUE(seen.insert(token).second);
    for (size_t p = 0; p < token.size(); ++p) digits[p].insert(token[p]);
  }
  for (size_t p = 0; p < digits.size(); ++p) EXPECT_EQ(digits[p].size(), 16u) << p;
}

TEST(IdsTest, DigestsMatchKnownAnswers) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(IdsTest, FnvIsStable) {
  EXPECT_EQ(Fnv1a64(""), 14695981039346656037ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(IdsTest, TimeShape) {
  std::regex shape(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  EXPECT_TRUE(std::regex_match(NowRfc3339(), shape));
}

TEST(ShardedIdTest, TheShardKeyRoundTripsAndMalformedIdsHaveNone) {
  const std::string key = "0123456789abcdef";
  std::string id = ShardedId("case", key, "fedcba9876543210");
  EXPECT_EQ(id, "case-0123456789abcdef-fedcba9876543210");
  EXPECT_EQ(ShardKeyOfId(id, "case"), key);
  EXPECT_EQ(ShardKeyOfId(id, "con"), "");                                         // another prefix
  EXPECT_EQ(ShardKeyOfId("case-0123456789abcdef_fedcba9876543210", "case"), "");  // separator
  EXPECT_EQ(ShardKeyOfId("case-0123456789ABCDEF-fedcba9876543210", "case"), "");  // upper case
  EXPECT_EQ(ShardKeyOfId("case-0123456789abcdef-fedcba987654321", "case"), "");   // short tail
  EXPECT_EQ(ShardKeyOfId("", "case"), "");
  EXPECT_TRUE(IsLowerHex("09af"));
  EXPECT_FALSE(IsLowerHex("09ag"));
}

}  // namespace
}  // namespace yhteys::ids

#include "yhteys/ids/proto_time.hpp"

namespace yhteys::ids {
namespace {

TEST(ProtoTimeTest, HasSubSecondPrecisionAndIsNow) {
  bool saw_fraction = false;
  for (int i = 0; i < 5 && !saw_fraction; ++i) saw_fraction = NowTimestamp().nanos() != 0;
  EXPECT_TRUE(saw_fraction);
  auto ts = NowTimestamp();
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::abs(ts.seconds() - now), 1);
  EXPECT_GE(ts.nanos(), 0);
  EXPECT_LT(ts.nanos(), 1000000000);
}

}  // namespace
}  // namespace yhteys::ids
