#pragma once
// Moves outbox entries (Redis streams, one per shard) to Kafka with the
// idempotent producer, and deletes an entry only after a delivery report
// without error. Anything not acknowledged is sent again: after a restart,
// and after a failed delivery. Consumers deduplicate on (ce_source, ce_id).
//
// Order: one key's events reach Kafka in the order they were written. The
// producer never times an event out (message.timeout.ms=0, whatever
// producer_config says) and retries in order while Kafka is away; at most
// `max_in_flight` events are handed to it, the rest wait in the outbox. If a
// delivery fails anyway (an error the producer gives up on, a fatal
// idempotence error), the relay rewinds: it purges the producer and, after a
// back-off that grows while failures repeat (up to a minute), re-sends every
// shard from its oldest undelivered entry. An entry that can never be
// delivered (too large, a topic the producer may not write) stops the relay
// instead of being dropped or overtaken; the backlog and its alerts show it.
//
// Replicas: each shard is relayed by one relay at a time, the holder of the
// shard's lease in Redis ("{prefix:N}:relay-lease", renewed every
// lease_ttl/5, released on Stop). A replica that dies leaves its shards to
// the others after lease_ttl; the new holder re-sends the shard from its
// oldest entry, and consumers deduplicate what the old one had sent.
//
// One relay thread; Start/Stop/Notify may be called from any thread.
// A fatal producer error destroys and re-creates the producer.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/shard_leases.hpp"

namespace prometheus {
class Registry;
}

namespace yhteys::kafka {

struct RelayOptions {
  std::string bootstrap;
  std::string client_id = "yhteys";
  // Further librdkafka producer properties (e.g. "linger.ms";
  // "message.timeout.ms" is always 0, see above).
  std::map<std::string, std::string> producer_config;
  int batch = 256;
  std::chrono::milliseconds idle_wait{50};
  std::chrono::milliseconds retry_backoff{500};
  // Events handed to the producer and not yet acknowledged, at most.
  size_t max_in_flight = 10000;
  // How long a shard's lease outlives its holder's last renewal.
  std::chrono::milliseconds lease_ttl{5000};
};

class OutboxRelay {
 public:
  // `registry` may be null; otherwise the relay registers its metrics there.
  OutboxRelay(redis::Pool& pool, const redis::Keyspace& keyspace, RelayOptions options, prometheus::Registry* registry);
  ~OutboxRelay();

  // Creates the producer and starts the relay thread. Fails on invalid
  // producer configuration (not on an unreachable broker).
  absl::Status Start();
  // Stops reading, flushes for at most `flush_timeout`, deletes what was
  // delivered, and logs what is left for the next start.
  void Stop(std::chrono::milliseconds flush_timeout);
  // Wakes the relay (call after a successful atomic step).
  void Notify();
  // OK when a broker answered a metadata request within `timeout`.
  absl::Status CheckKafka(std::chrono::milliseconds timeout);

  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }
  // Events handed to the producer and not yet acknowledged (as of the
  // relay's last pass).
  size_t in_flight() const { return in_flight_count_.load(); }
  // Times the producer was purged and every shard re-sent (failed
  // deliveries and fatal errors).
  uint64_t rewinds() const { return rewinds_.load(); }
  // Shards whose lease this relay holds (as of its last renewal).
  size_t owned_shards() const { return owned_count_.load(); }
  // Outbox entries not yet acknowledged, all shards (read about once a
  // second; -1 before the first read).
  int64_t backlog() const { return backlog_.load(); }
  // The fullest shard's entries (the outbox bound applies per shard).
  int64_t largest_shard_backlog() const { return largest_shard_backlog_.load(); }

 private:
  struct Pending;
  static void DeliveryReport(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  static void ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  absl::StatusOr<rd_kafka_t*> CreateProducer();
  void Run();
  // Hands at most `room` of the shard's next entries to the producer;
  // returns how many it handed over.
  size_t ReadAndProduce(int shard, size_t room);
  void AckDelivered();
  void RecreateProducer();
  void UpdateBacklog();
  void RenewLeases();
  void ReleaseLeases();

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  RelayOptions options_;

  std::mutex producer_mutex_;  // guards producer_ swaps against CheckKafka
  rd_kafka_t* producer_ = nullptr;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> fatal_{false};
  std::atomic<bool> rewind_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool notified_ = false;

  // Relay-thread state.
  std::vector<std::string> last_id_;
  std::vector<std::set<std::string>> in_flight_;
  std::vector<std::vector<std::string>> acked_;
  std::vector<std::chrono::steady_clock::time_point> retry_at_;
  std::unique_ptr<redis::ShardLeases> leases_;  // "{prefix:N}:relay-lease"
  std::atomic<size_t> owned_count_{0};
  std::chrono::steady_clock::time_point next_backlog_update_{};

  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<size_t> in_flight_count_{0};
  std::atomic<uint64_t> rewinds_{0};
  std::chrono::milliseconds rewind_backoff_{0};  // relay thread only
  uint64_t delivered_at_last_rewind_ = 0;        // relay thread only
  std::atomic<int64_t> backlog_{-1};
  std::atomic<int64_t> largest_shard_backlog_{-1};

  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace yhteys::kafka
