#pragma once
// A reader of one topic from given offsets, without a consumer group: it
// commits nothing and every reader is on its own. For server streams that
// resume from a client's cursor (the positions the client last saw): what
// follows a position is delivered once, in each partition's order.
//
// Not thread-safe: one thread reads. Blocking.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "yhteys/kafka/consumer.hpp"

namespace yhteys::kafka {

// partition -> the offset of the next record to read there.
using Positions = std::map<int32_t, int64_t>;

class TopicReader {
 public:
  enum class Start { kNow, kBeginning };

  // Opens `topic` at `from`; a partition `from` leaves out starts where
  // `start` says (after the last record now, or at the first still held).
  // A position before the first record the topic still holds is
  // OUT_OF_RANGE naming the partition (retention removed what follows
  // it: reading on would skip records); a partition the topic does not
  // have is INVALID_ARGUMENT. `config` carries bootstrap.servers and any
  // security settings.
  static absl::StatusOr<std::unique_ptr<TopicReader>> Open(const std::map<std::string, std::string>& config,
                                                           const std::string& topic, const Positions& from,
                                                           Start start);
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  // The next record, waiting up to `timeout`; nullopt when none came.
  // Broker errors that librdkafka recovers from are not reported.
  absl::StatusOr<std::optional<ConsumedRecord>> Next(std::chrono::milliseconds timeout);

  // Every partition's position: after the last record Next returned.
  const Positions& positions() const { return positions_; }
  // Every partition's end when the reader was opened (after its last record then).
  const Positions& ends_at_open() const { return ends_; }

 private:
  TopicReader(rd_kafka_t* rk, std::string topic, Positions positions)
      : rk_(rk), topic_(std::move(topic)), positions_(std::move(positions)) {}

  rd_kafka_t* rk_;
  std::string topic_;
  Positions positions_;
  Positions ends_;
};

}  // namespace yhteys::kafka
