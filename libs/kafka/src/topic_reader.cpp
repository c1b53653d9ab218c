#include "yhteys/kafka/topic_reader.hpp"

#include <algorithm>
#include <vector>

#include "yhteys/kafka/cloud_event.hpp"
#include "yhteys/kafka/producer_config.hpp"

namespace yhteys::kafka {

absl::StatusOr<std::unique_ptr<TopicReader>> TopicReader::Open(const std::map<std::string, std::string>& config,
                                                               const std::string& topic, const Positions& from,
                                                               Start start) {
  std::map<std::string, std::string> props = config;
  // librdkafka wants a group id for a consumer; nothing is committed under it.
  props["group.id"] = "yhteys-topic-reader";
  props["enable.auto.commit"] = "false";
  props["enable.auto.offset.store"] = "false";
  props["enable.partition.eof"] = "false";
  // A position that falls out of range while reading is an error, not a jump.
  props["auto.offset.reset"] = "error";
  auto conf = MakeConf(props);
  if (!conf.ok()) return conf.status();
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return absl::InvalidArgumentError(std::string("kafka reader: ") + err);
  }
  rd_kafka_poll_set_consumer(rk);
  std::unique_ptr<TopicReader> reader(new TopicReader(rk, topic, {}));

  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  rd_kafka_resp_err_t md_err = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
  rd_kafka_topic_destroy(rkt);
  if (md_err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    return absl::UnavailableError("kafka: no metadata for topic " + topic);
  }
  std::vector<int32_t> partitions;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) partitions.push_back(md->topics[0].partitions[i].id);
  rd_kafka_metadata_destroy(md);
  for (const auto& [partition, offset] : from) {
    if (std::find(partitions.begin(), partitions.end(), partition) == partitions.end()) {
      return absl::InvalidArgumentError("cursor: partition " + std::to_string(partition) + " is not in " + topic);
    }
    (void)offset;
  }

  Positions positions;
  Positions ends;
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (int32_t partition : partitions) {
    int64_t low = 0;
    int64_t high = 0;
    rd_kafka_resp_err_t w = rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, 5000);
    if (w != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(assignment);
      return absl::UnavailableError(std::string("kafka: watermarks of ") + topic + ": " + rd_kafka_err2str(w));
    }
    int64_t at = start == Start::kNow ? high : low;
    if (auto it = from.find(partition); it != from.end()) {
      if (it->second < low) {
        rd_kafka_topic_partition_list_destroy(assignment);
        return absl::OutOfRangeError("cursor: partition " + std::to_string(partition) +
                                     " no longer holds the records after this position (retention)");
      }
      if (it->second > high) {
        rd_kafka_topic_partition_list_destroy(assignment);
        return absl::InvalidArgumentError("cursor: partition " + std::to_string(partition) +
                                          " has no such position yet");
      }
      at = it->second;
    }
    positions[partition] = at;
    ends[partition] = high;
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), partition)->offset = at;
  }
  rd_kafka_resp_err_t a = rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (a != RD_KAFKA_RESP_ERR_NO_ERROR)
    return absl::UnavailableError(std::string("kafka assign: ") + rd_kafka_err2str(a));
  reader->positions_ = std::move(positions);
  reader->ends_ = std::move(ends);
  return reader;
}

TopicReader::~TopicReader() {
  if (rk_ != nullptr) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

absl::StatusOr<std::optional<ConsumedRecord>> TopicReader::Next(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk_, static_cast<int>(timeout.count()));
  if (msg == nullptr) return std::nullopt;
  struct Destroy {
    rd_kafka_message_t* m;
    ~Destroy() { rd_kafka_message_destroy(m); }
  } destroy{msg};
  if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (msg->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || msg->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
      return absl::OutOfRangeError("cursor: the topic no longer holds the records after this position (retention)");
    }
    // Transient (a broker gone for a moment): librdkafka goes on by itself.
    return std::nullopt;
  }
  ConsumedRecord record;
  record.topic = topic_;
  record.partition = msg->partition;
  record.offset = msg->offset;
  if (msg->key != nullptr) record.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload != nullptr) record.value.assign(static_cast<const char*>(msg->payload), msg->len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (auto event = FromHeaders(headers); event.ok()) record.event = std::move(*event);
  }
  positions_[msg->partition] = msg->offset + 1;
  return std::optional<ConsumedRecord>(std::move(record));
}

}  // namespace yhteys::kafka
