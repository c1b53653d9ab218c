// The topic reader against librdkafka's mock cluster: a reader stopped
// part-way and another opened at its positions together read every record
// exactly once, each partition in order; a start "now" reads only what
// comes after; a position the topic cannot serve is refused, not skipped.
#include "yhteys/kafka/topic_reader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "yhteys/testing/fixtures.hpp"

namespace yhteys::kafka {
namespace {

using namespace std::chrono_literals;

constexpr char kTopic[] = "yhteys.test.reader.v1";
constexpr int kPartitions = 4;

class TopicReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { kafka_.CreateTopic(kTopic, kPartitions); }

  // Produces records "<tag>-0".."<tag>-(n-1)" under 8 keys.
  void Produce(const std::string& tag, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = tag + "-" + std::to_string(i);
      ASSERT_TRUE(testing::ProduceRecord(
          kafka_.bootstrap(), kTopic, "key-" + std::to_string(i % 8), id,
          {{"ce_specversion", "1.0"}, {"ce_id", id}, {"ce_source", "/test"}, {"ce_type", "test.Event"}}));
    }
  }
  std::map<std::string, std::string> Config() { return {{"bootstrap.servers", kafka_.bootstrap()}}; }

  // Reads until `n` records came (or 20 s passed).
  static std::vector<ConsumedRecord> Read(TopicReader& reader, size_t n) {
    std::vector<ConsumedRecord> out;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      auto next = reader.Next(100ms);
      EXPECT_TRUE(next.ok()) << next.status();
      if (next.ok() && next->has_value()) out.push_back(std::move(**next));
    }
    return out;
  }

  testing::MockKafka kafka_;
};

TEST_F(TopicReaderTest, AReaderOpenedAtAnothersPositionsReadsTheRestOnceInOrder) {
  Produce("a", 60);
  auto first = TopicReader::Open(Config(), kTopic, {}, TopicReader::Start::kBeginning);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->positions().size(), static_cast<size_t>(kPartitions));
  int64_t held = 0;
  for (const auto& [partition, end] : (*first)->ends_at_open()) held += end - (*first)->positions().at(partition);
  EXPECT_EQ(held, 60) << "the ends at opening: after the 60 records written";
  std::vector<ConsumedRecord> read = Read(**first, 25);
  ASSERT_EQ(read.size(), 25u);
  const Positions cut = (*first)->positions();
  first->reset();
  Produce("b", 40);  // written while nobody reads

  auto second = TopicReader::Open(Config(), kTopic, cut, TopicReader::Start::kNow);
  ASSERT_TRUE(second.ok()) << second.status();
  std::vector<ConsumedRecord> rest = Read(**second, 75);
  ASSERT_EQ(rest.size(), 75u);
  // Nothing more: 100 written, 100 read.
  auto extra = (*second)->Next(500ms);
  ASSERT_TRUE(extra.ok());
  EXPECT_FALSE(extra->has_value());

  read.insert(read.end(), rest.begin(), rest.end());
  std::set<std::string> ids;
  std::map<int32_t, int64_t> last_offset;
  for (const auto& r : read) {
    EXPECT_TRUE(ids.insert(r.event.id).second) << "twice: " << r.event.id;
    EXPECT_EQ(r.event.id, r.value);
    if (auto it = last_offset.find(r.partition); it != last_offset.end()) {
      EXPECT_EQ(r.offset, it->second + 1) << "partition " << r.partition << " out of order or with a gap";
    }
    last_offset[r.partition] = r.offset;
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(TopicReaderTest, StartingNowReadsOnlyWhatComesAfter) {
  Produce("old", 10);
  auto reader = TopicReader::Open(Config(), kTopic, {}, TopicReader::Start::kNow);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Produce("new", 10);
  std::vector<ConsumedRecord> read = Read(**reader, 10);
  ASSERT_EQ(read.size(), 10u);
  for (const auto& r : read) EXPECT_EQ(r.value.rfind("new-", 0), 0u) << r.value;
}

TEST_F(TopicReaderTest, APositionTheTopicCannotServeIsRefused) {
  Produce("a", 4);
  auto beyond = TopicReader::Open(Config(), kTopic, {{0, 1000}}, TopicReader::Start::kNow);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kInvalidArgument);
  auto no_partition = TopicReader::Open(Config(), kTopic, {{kPartitions, 0}}, TopicReader::Start::kNow);
  ASSERT_FALSE(no_partition.ok());
  EXPECT_EQ(no_partition.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace yhteys::kafka
