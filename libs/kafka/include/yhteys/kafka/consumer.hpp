#pragma once
// An at-least-once Kafka consumer in a consumer group.
//
// For each record the handler runs the effect; the record's offset is stored
// for commit only after the handler returns kDone or kDuplicate, so a crash
// before that means redelivery, and handlers must be idempotent (use the
// atomic step's event mode keyed on ce_source + ce_id).
//  * kRetry: a transient failure (e.g. Redis down). The same record is
//    retried with exponential back-off; nothing is committed meanwhile.
//  * kPoison: the record can never be processed (undecodable, unknown type,
//    missing CloudEvents attributes). It is written to "<topic>.dlq" with
//    its original topic/partition/offset and an error class in headers
//    (never payload text in headers), and then committed.
// Records without the required CloudEvents headers, or with a null value,
// are poison before the handler sees them.
//
// The offset stored after a record is the next one to read (record + 1),
// which is what Kafka's committed offset means. Stored offsets are committed
// every 500 ms and on Stop: a restarted or rebalanced consumer starts at the
// last commit, never past a record whose effect was not stored; the records
// between that commit and the last effect are delivered again and
// deduplicated by the handler.
//
// One consumer thread; Start/Stop from any thread. Stop commits what was
// stored and leaves the group.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "yhteys/kafka/cloud_event.hpp"

namespace prometheus {
class Registry;
}

namespace yhteys::kafka {

struct ConsumedRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  CloudEvent event;
};

enum class Outcome { kDone, kDuplicate, kRetry, kPoison };

struct HandleResult {
  Outcome outcome = Outcome::kDone;
  // For kRetry/kPoison: a short error class such as "undecodable-payload".
  // Never data from the record.
  std::string error_class;
};

using Handler = std::function<HandleResult(const ConsumedRecord&)>;

struct ConsumerOptions {
  std::string bootstrap;
  std::string group_id;
  std::string client_id = "yhteys";
  std::vector<std::string> topics;
  std::map<std::string, std::string> consumer_config;  // further librdkafka properties
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  // How long Stop waits to commit and leave the group.
  std::chrono::milliseconds close_timeout{10000};
};

class Consumer {
 public:
  Consumer(ConsumerOptions options, Handler handler, prometheus::Registry* registry);
  ~Consumer();

  absl::Status Start();
  void Stop();

  uint64_t processed() const { return processed_.load(); }
  uint64_t duplicates() const { return duplicates_.load(); }
  uint64_t dead_lettered() const { return dead_lettered_.load(); }
  uint64_t commit_failures() const { return commit_failures_.load(); }

 private:
  static void CommitReport(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                           void* opaque);
  void Run();
  // Notices a different cluster id behind the bootstrap addresses.
  void CheckCluster();
  bool Process(rd_kafka_message_t* msg);
  bool DeadLetter(const rd_kafka_message_t* msg, const std::string& error_class);

  ConsumerOptions options_;
  Handler handler_;
  rd_kafka_t* consumer_ = nullptr;
  rd_kafka_t* dlq_producer_ = nullptr;
  std::thread thread_;
  std::string cluster_id_;  // consumer thread only
  std::chrono::steady_clock::time_point next_cluster_check_{};
  std::atomic<bool> running_{false};
  std::atomic<uint64_t> processed_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> dead_lettered_{0};
  std::atomic<uint64_t> commit_failures_{0};

  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace yhteys::kafka
