#include "yhteys/kafka/consumer.hpp"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "yhteys/kafka/producer_config.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::kafka {

struct Consumer::Metrics {
  prometheus::Family<prometheus::Counter>* records;
  prometheus::Counter* commit_failures;
};

namespace {

struct DlqDelivery {
  bool done = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void DlqReport(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* delivery = static_cast<DlqDelivery*>(msg->_private);
  if (delivery == nullptr) return;
  delivery->done = true;
  delivery->err = msg->err;
}

}  // namespace

Consumer::Consumer(ConsumerOptions options, Handler handler, prometheus::Registry* registry)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (registry != nullptr) {
    metrics_ = std::make_unique<Metrics>();
    metrics_->records = &prometheus::BuildCounter()
                             .Name("yhteys_consumer_records_total")
                             .Help("Consumed records by topic and result (done, duplicate, retry, dead_lettered)")
                             .Register(*registry);
    metrics_->commit_failures = &prometheus::BuildCounter()
                                     .Name("yhteys_consumer_commit_failures_total")
                                     .Help("Offset commits the group coordinator refused (the records are redelivered)")
                                     .Register(*registry)
                                     .Add({{"group", options_.group_id}});
  }
}

Consumer::~Consumer() { Stop(); }

void Consumer::CommitReport(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                            void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // _NO_OFFSET: nothing new was stored since the last commit.
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  // Not lost: the records after the last committed offset are delivered
  // again (to this member or the next owner) and deduplicated.
  self->commit_failures_.fetch_add(1);
  if (self->metrics_) self->metrics_->commit_failures->Increment();
  log::Warn("kafka offset commit failed; uncommitted records will be redelivered",
            {{"error", rd_kafka_err2str(err)}, {"partitions", offsets != nullptr ? offsets->cnt : 0}});
}

absl::Status Consumer::Start() {
  if (running_.load()) return absl::OkStatus();
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options_.bootstrap},
      {"group.id", options_.group_id},
      {"client.id", options_.client_id},
      {"enable.auto.commit", "true"},
      {"auto.commit.interval.ms", "500"},
      // Offsets are stored by hand after the effect; auto-commit commits
      // only those.
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"max.poll.interval.ms", "600000"},
  };
  for (const auto& [k, v] : options_.consumer_config) props[k] = v;
  auto conf = MakeConf(props);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(*conf, this);
  rd_kafka_conf_set_offset_commit_cb(*conf, &Consumer::CommitReport);
  char err[512];
  consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof err);
  if (consumer_ == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return absl::InvalidArgumentError(std::string("kafka consumer: ") + err);
  }
  rd_kafka_poll_set_consumer(consumer_);

  auto pconf = MakeConf(IdempotentProducerConfig(options_.bootstrap, options_.client_id + "-dlq"));
  if (!pconf.ok()) return pconf.status();
  rd_kafka_conf_set_dr_msg_cb(*pconf, &DlqReport);
  dlq_producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, *pconf, err, sizeof err);
  if (dlq_producer_ == nullptr) {
    rd_kafka_conf_destroy(*pconf);
    return absl::InvalidArgumentError(std::string("kafka dlq producer: ") + err);
  }

  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size()));
  for (const auto& t : options_.topics) rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t serr = rd_kafka_subscribe(consumer_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (serr != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(std::string("kafka subscribe: ") + rd_kafka_err2str(serr));
  }
  running_.store(true);
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

bool Consumer::DeadLetter(const rd_kafka_message_t* msg, const std::string& error_class) {
  std::string topic = std::string(rd_kafka_topic_name(msg->rkt)) + ".dlq";
  std::string partition = std::to_string(msg->partition);
  std::string offset = std::to_string(msg->offset);
  rd_kafka_headers_t* headers = rd_kafka_headers_new(8);
  rd_kafka_header_add(headers, "yhteys_dlq_topic", -1, rd_kafka_topic_name(msg->rkt), -1);
  rd_kafka_header_add(headers, "yhteys_dlq_partition", -1, partition.data(), static_cast<ssize_t>(partition.size()));
  rd_kafka_header_add(headers, "yhteys_dlq_offset", -1, offset.data(), static_cast<ssize_t>(offset.size()));
  rd_kafka_header_add(headers, "yhteys_dlq_error_class", -1, error_class.data(),
                      static_cast<ssize_t>(error_class.size()));
  rd_kafka_headers_t* original = nullptr;
  if (rd_kafka_message_headers(msg, &original) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (const char* name : {"ce_id", "ce_source", "ce_type"}) {
      std::string v = HeaderValue(original, name);
      if (!v.empty()) rd_kafka_header_add(headers, name, -1, v.data(), static_cast<ssize_t>(v.size()));
    }
  }
  DlqDelivery delivery;
  rd_kafka_resp_err_t err =
      rd_kafka_producev(dlq_producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                        RD_KAFKA_V_KEY(msg->key, msg->key_len), RD_KAFKA_V_VALUE(msg->payload, msg->len),
                        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(&delivery), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(headers);
    log::Error("dead-letter produce refused", {{"error", rd_kafka_err2str(err)}});
    return false;
  }
  rd_kafka_flush(dlq_producer_, 10000);
  rd_kafka_poll(dlq_producer_, 0);
  if (!delivery.done || delivery.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // The DLQ write is not confirmed: keep the record uncommitted and retry.
    if (!delivery.done) {
      rd_kafka_purge(dlq_producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_poll(dlq_producer_, 0);
    }
    log::Error("dead-letter delivery failed", {{"error", rd_kafka_err2str(delivery.err)}});
    return false;
  }
  return true;
}

bool Consumer::Process(rd_kafka_message_t* msg) {
  ConsumedRecord record;
  record.topic = rd_kafka_topic_name(msg->rkt);
  record.partition = msg->partition;
  record.offset = msg->offset;
  if (msg->key) record.key.assign(static_cast<const char*>(msg->key), msg->key_len);
  if (msg->payload) record.value.assign(static_cast<const char*>(msg->payload), msg->len);
  rd_kafka_headers_t* headers = nullptr;
  rd_kafka_message_headers(msg, &headers);
  auto event = FromHeaders(headers);
  HandleResult result;
  if (!event.ok()) {
    result = {Outcome::kPoison, "missing-cloudevents-attributes"};
  } else if (msg->payload == nullptr) {
    // A null value (a tombstone, or a broken producer) carries no event.
    result = {Outcome::kPoison, "null-value"};
  } else {
    record.event = *event;
  }
  auto backoff = options_.min_backoff;
  while (true) {
    if (result.outcome != Outcome::kPoison) result = handler_(record);
    if (result.outcome == Outcome::kPoison) {
      if (DeadLetter(msg, result.error_class)) {
        dead_lettered_.fetch_add(1);
        log::Warn("record dead-lettered", {{"topic", record.topic},
                                           {"partition", record.partition},
                                           {"offset", static_cast<int64_t>(record.offset)},
                                           {"error_class", result.error_class}});
        if (metrics_) metrics_->records->Add({{"topic", record.topic}, {"result", "dead_lettered"}}).Increment();
        break;
      }
    } else if (result.outcome == Outcome::kRetry) {
      if (metrics_) metrics_->records->Add({{"topic", record.topic}, {"result", "retry"}}).Increment();
      log::Warn("record effect failed; retrying", {{"topic", record.topic},
                                                   {"error_class", result.error_class},
                                                   {"backoff_ms", static_cast<int64_t>(backoff.count())}});
    } else {
      if (result.outcome == Outcome::kDuplicate) {
        duplicates_.fetch_add(1);
        if (metrics_) metrics_->records->Add({{"topic", record.topic}, {"result", "duplicate"}}).Increment();
      } else if (metrics_) {
        metrics_->records->Add({{"topic", record.topic}, {"result", "done"}}).Increment();
      }
      break;
    }
    // Retry the same record after a back-off, unless stopping (then it is
    // redelivered to whoever consumes next).
    auto until = std::chrono::steady_clock::now() + backoff;
    while (running_.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!running_.load()) return false;
    backoff = std::min(backoff * 2, options_.max_backoff);
    if (result.outcome == Outcome::kPoison) continue;  // the DLQ write failed: try it again
  }
  // The committed offset is the next one to read. The legacy
  // rd_kafka_offset_store() adds 1 to what it is given, so it would be
  // called with msg->offset; the list API stores exactly what it is given,
  // which says what it means.
  rd_kafka_topic_partition_list_t* next = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(next, record.topic.c_str(), msg->partition)->offset = msg->offset + 1;
  if (rd_kafka_resp_err_t err = rd_kafka_offsets_store(consumer_, next); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // The partition was revoked meanwhile: its next owner gets the record
    // again and deduplicates it.
    log::Warn("kafka offset not stored",
              {{"topic", record.topic}, {"partition", record.partition}, {"error", rd_kafka_err2str(err)}});
  }
  rd_kafka_topic_partition_list_destroy(next);
  processed_.fetch_add(1);
  return true;
}

void Consumer::CheckCluster() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_cluster_check_) return;
  next_cluster_check_ = now + std::chrono::seconds(1);
  char* id = rd_kafka_clusterid(consumer_, 0);  // the cached value: never blocks
  if (id == nullptr) return;
  std::string current(id);
  rd_kafka_mem_free(consumer_, id);
  if (cluster_id_.empty() || current == cluster_id_) {
    cluster_id_ = current;
    return;
  }
  // Another cluster behind the same addresses (the dev broker restarted, a
  // cluster rebuilt): its partitions start again at offset 0, so positions
  // from the old one would skip records. Read the assigned partitions from
  // their beginning; effects already applied are deduplicated.
  log::Warn("kafka cluster replaced; reading assigned partitions from the beginning", {{"group", options_.group_id}});
  cluster_id_ = current;
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(consumer_, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR || assigned == nullptr) return;
  for (int i = 0; i < assigned->cnt; ++i) assigned->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
  if (assigned->cnt > 0) {
    if (rd_kafka_error_t* error = rd_kafka_seek_partitions(consumer_, assigned, 5000)) {
      log::Warn("kafka seek after a cluster change failed", {{"error", rd_kafka_error_string(error)}});
      rd_kafka_error_destroy(error);
    }
    // The offsets stored for the old cluster must not be committed to the
    // new one (a later owner would start there): store "next is 0" now.
    for (int i = 0; i < assigned->cnt; ++i) assigned->elems[i].offset = 0;
    rd_kafka_offsets_store(consumer_, assigned);
  }
  rd_kafka_topic_partition_list_destroy(assigned);
}

void Consumer::Run() {
  while (running_.load()) {
    CheckCluster();
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(consumer_, 100);
    if (msg == nullptr) continue;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        log::Warn("kafka consumer error", {{"error", rd_kafka_message_errstr(msg)}});
      }
      rd_kafka_message_destroy(msg);
      continue;
    }
    Process(msg);
    rd_kafka_message_destroy(msg);
  }
}

void Consumer::Stop() {
  if (running_.exchange(false)) {
    if (thread_.joinable()) thread_.join();
  }
  if (consumer_ != nullptr) {
    // Close (commits the stored offsets and leaves the group) on a queue of
    // our own, so that an unreachable broker cannot hold shutdown forever:
    // what was not committed is redelivered and deduplicated.
    rd_kafka_queue_t* queue = rd_kafka_queue_new(consumer_);
    if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(consumer_, queue)) {
      log::Warn("kafka consumer close failed", {{"error", rd_kafka_error_string(error)}});
      rd_kafka_error_destroy(error);
    }
    auto deadline = std::chrono::steady_clock::now() + options_.close_timeout;
    while (!rd_kafka_consumer_closed(consumer_) && std::chrono::steady_clock::now() < deadline) {
      if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 100)) rd_kafka_event_destroy(event);
    }
    rd_kafka_queue_destroy(queue);
    if (rd_kafka_consumer_closed(consumer_)) {
      rd_kafka_destroy(consumer_);
    } else {
      log::Warn("kafka consumer did not close in time; uncommitted records will be redelivered");
      rd_kafka_destroy_flags(consumer_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    }
    consumer_ = nullptr;
  }
  if (dlq_producer_ != nullptr) {
    rd_kafka_flush(dlq_producer_, 5000);
    rd_kafka_destroy(dlq_producer_);
    dlq_producer_ = nullptr;
  }
}

}  // namespace yhteys::kafka
