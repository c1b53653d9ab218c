#include "yhteys/kafka/outbox_relay.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "yhteys/ids/ids.hpp"
#include "yhteys/kafka/cloud_event.hpp"
#include "yhteys/kafka/producer_config.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::kafka {

struct OutboxRelay::Pending {
  int shard;
  std::string entry_id;
};

struct OutboxRelay::Metrics {
  prometheus::Counter* delivered;
  prometheus::Counter* failed;
  prometheus::Counter* redriven;
  prometheus::Counter* rewinds;
  prometheus::Gauge* backlog;
  prometheus::Gauge* largest_shard;
};

OutboxRelay::OutboxRelay(redis::Pool& pool, const redis::Keyspace& keyspace, RelayOptions options,
                         prometheus::Registry* registry)
    : pool_(pool), keyspace_(keyspace), options_(std::move(options)) {
  int n = keyspace_.shards();
  last_id_.assign(n, "-");
  in_flight_.resize(n);
  acked_.resize(n);
  retry_at_.assign(n, std::chrono::steady_clock::time_point{});
  // One relay (replica) at a time publishes a shard's outbox entries.
  leases_ = std::make_unique<redis::ShardLeases>(pool_, keyspace_, "relay-lease", ids::NewUuid(), options_.lease_ttl);
  if (registry != nullptr) {
    metrics_ = std::make_unique<Metrics>();
    auto& events = prometheus::BuildCounter()
                       .Name("yhteys_outbox_events_total")
                       .Help("Outbox entries by delivery result")
                       .Register(*registry);
    metrics_->delivered = &events.Add({{"result", "delivered"}});
    metrics_->failed = &events.Add({{"result", "failed"}});
    metrics_->redriven = &prometheus::BuildCounter()
                              .Name("yhteys_outbox_redrives_total")
                              .Help("Times a shard's outbox was re-read after a failed delivery")
                              .Register(*registry)
                              .Add({});
    metrics_->rewinds = &prometheus::BuildCounter()
                             .Name("yhteys_outbox_rewinds_total")
                             .Help(
                                 "Times the relay purged its producer and re-sent every shard from the oldest "
                                 "undelivered event, to keep each key's events in order after a failed delivery")
                             .Register(*registry)
                             .Add({});
    metrics_->largest_shard =
        &prometheus::BuildGauge()
             .Name("yhteys_outbox_backlog_largest_shard")
             .Help("Outbox entries not yet acknowledged in the fullest shard (the bound is per shard)")
             .Register(*registry)
             .Add({});
    metrics_->backlog = &prometheus::BuildGauge()
                             .Name("yhteys_outbox_backlog")
                             .Help("Outbox entries not yet acknowledged by Kafka")
                             .Register(*registry)
                             .Add({});
  }
}

OutboxRelay::~OutboxRelay() { Stop(std::chrono::milliseconds(0)); }

void OutboxRelay::ErrorCallback(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<OutboxRelay*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[256];
    rd_kafka_fatal_error(rk, buf, sizeof buf);
    log::Error("kafka producer fatal error; re-creating the producer", {{"error", std::string(buf)}});
    self->fatal_.store(true);
    return;
  }
  // Transient (broker down, all brokers down): librdkafka retries by itself.
  log::Warn("kafka producer error",
            {{"error", rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err))}, {"reason", std::string(reason)}});
}

void OutboxRelay::DeliveryReport(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<OutboxRelay*>(opaque);
  std::unique_ptr<Pending> pending(static_cast<Pending*>(msg->_private));
  if (!pending) return;
  self->in_flight_[pending->shard].erase(pending->entry_id);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->acked_[pending->shard].push_back(pending->entry_id);
    self->delivered_.fetch_add(1);
    if (self->metrics_) self->metrics_->delivered->Increment();
    return;
  }
  if (msg->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || msg->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    // Purged by the relay itself (a rewind or a stop): the entry stays in
    // the outbox; RecreateProducer re-reads every shard from its start.
    return;
  }
  // Not delivered. With no delivery timeout the producer retries whatever
  // can be retried, so this is an error it gives up on (a record too large,
  // a topic it may not write, a fatal idempotence error) or
  // POSSIBLY_PERSISTED. Entries produced after this one may still be
  // queued or in flight; had any of them been delivered before this one is
  // re-sent, a client's events would reach Kafka out of order. So the relay
  // rewinds: it purges everything the producer holds and, after a back-off
  // that doubles while the failures go on, re-sends every shard from its
  // oldest entry. An entry that can never be delivered therefore stops the
  // relay (the backlog grows, YhteysOutboxNotDraining fires) rather than
  // being dropped or overtaken: an operator must act on it.
  // Consumers deduplicate what was delivered twice on (ce_source, ce_id).
  self->failed_.fetch_add(1);
  if (self->metrics_) self->metrics_->failed->Increment();
  if (!self->rewind_.exchange(true)) {
    log::Warn("outbox delivery failed; re-sending from the oldest undelivered event",
              {{"error", rd_kafka_err2str(msg->err)}, {"shard", pending->shard}});
  }
}

absl::StatusOr<rd_kafka_t*> OutboxRelay::CreateProducer() {
  std::map<std::string, std::string> props = IdempotentProducerConfig(options_.bootstrap, options_.client_id);
  for (const auto& [k, v] : options_.producer_config) props[k] = v;
  // Never time an event out: the idempotent producer retries it, in order,
  // for as long as Kafka is away, and the relay bounds what it hands over
  // (max_in_flight) instead. A timeout would let an early event of a key
  // fail while a later one, sent a moment after, is delivered: out of
  // order. Not configurable for that reason.
  props["message.timeout.ms"] = "0";
  auto conf = MakeConf(props);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(*conf, this);
  rd_kafka_conf_set_dr_msg_cb(*conf, &OutboxRelay::DeliveryReport);
  rd_kafka_conf_set_error_cb(*conf, &OutboxRelay::ErrorCallback);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, *conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return absl::InvalidArgumentError(std::string("kafka producer: ") + err);
  }
  return rk;
}

absl::Status OutboxRelay::Start() {
  if (running_.load()) return absl::OkStatus();
  auto rk = CreateProducer();
  if (!rk.ok()) return rk.status();
  {
    std::lock_guard lock(producer_mutex_);
    producer_ = *rk;
  }
  running_.store(true);
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void OutboxRelay::Notify() {
  {
    std::lock_guard lock(wake_mutex_);
    notified_ = true;
  }
  wake_.notify_one();
}

absl::Status OutboxRelay::CheckKafka(std::chrono::milliseconds timeout) {
  std::lock_guard lock(producer_mutex_);
  if (producer_ == nullptr) return absl::UnavailableError("kafka: producer not started");
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(producer_, 0, nullptr, &md, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(std::string("kafka: ") + rd_kafka_err2str(err));
  }
  rd_kafka_metadata_destroy(md);
  return absl::OkStatus();
}

size_t OutboxRelay::ReadAndProduce(int shard, size_t room) {
  std::string start = last_id_[shard] == "-" ? "-" : "(" + last_id_[shard];
  size_t count = std::min(static_cast<size_t>(options_.batch), room);
  auto reply = pool_.Command({"XRANGE", keyspace_.OutboxStream(shard), start, "+", "COUNT", std::to_string(count)});
  if (!reply.ok()) {
    retry_at_[shard] = std::chrono::steady_clock::now() + options_.retry_backoff;
    return 0;
  }
  const redisReply* r = reply->get();
  if (r->type == REDIS_REPLY_ERROR) {
    // Not an empty outbox: say so, and back off as for an unreachable Redis.
    log::Error("outbox read refused", {{"error", redis::ReplyString(r)}, {"shard", shard}});
    retry_at_[shard] = std::chrono::steady_clock::now() + options_.retry_backoff;
    return 0;
  }
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return 0;
  size_t produced = 0;
  for (size_t i = 0; i < r->elements; ++i) {
    const redisReply* entry = r->element[i];
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
    std::string entry_id = redis::ReplyString(entry->element[0]);
    last_id_[shard] = entry_id;
    if (in_flight_[shard].count(entry_id) > 0) continue;
    std::map<std::string, std::string> fields;
    const redisReply* kv = entry->element[1];
    for (size_t j = 0; j + 1 < kv->elements; j += 2) {
      fields[redis::ReplyString(kv->element[j])] = redis::ReplyString(kv->element[j + 1]);
    }
    CloudEvent event{fields["ce_id"], fields["ce_source"], fields["ce_type"], fields["ce_time"], fields["ce_subject"]};
    const std::string& topic = fields["topic"];
    const std::string& key = fields["key"];
    const std::string& payload = fields["payload"];
    auto* pending = new Pending{shard, entry_id};
    while (true) {
      rd_kafka_headers_t* headers = ToHeaders(event);
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(pending), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        // The header list now belongs to librdkafka.
        in_flight_[shard].insert(entry_id);
        ++produced;
        break;
      }
      rd_kafka_headers_destroy(headers);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && running_.load()) {
        rd_kafka_poll(producer_, 50);
        continue;
      }
      delete pending;
      log::Error("outbox produce refused", {{"error", rd_kafka_err2str(err)}, {"shard", shard}});
      last_id_[shard] = "-";
      retry_at_[shard] = std::chrono::steady_clock::now() + options_.retry_backoff;
      return produced;
    }
  }
  return produced;
}

void OutboxRelay::RenewLeases() {
  for (int shard : leases_->Renew()) {
    // Taking a shard over: start from its oldest entry (the previous
    // holder's unacknowledged ones included; consumers deduplicate).
    last_id_[shard] = "-";
    log::Info(leases_->Owns(shard) ? "outbox shard taken" : "outbox shard held by another relay", {{"shard", shard}});
  }
  owned_count_.store(leases_->owned_count());
}

void OutboxRelay::ReleaseLeases() {
  leases_->Release();
  owned_count_.store(0);
}

void OutboxRelay::AckDelivered() {
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    if (acked_[shard].empty()) continue;
    std::vector<std::string> argv = {"XDEL", keyspace_.OutboxStream(shard)};
    argv.insert(argv.end(), acked_[shard].begin(), acked_[shard].end());
    auto reply = pool_.Command(argv);
    // If Redis is unreachable the entries stay and are sent again later:
    // a duplicate the consumers absorb, never a loss.
    if (reply.ok()) acked_[shard].clear();
  }
}

void OutboxRelay::UpdateBacklog() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_backlog_update_) return;
  next_backlog_update_ = now + std::chrono::seconds(1);
  std::vector<std::vector<std::string>> cmds;
  for (int shard = 0; shard < keyspace_.shards(); ++shard) cmds.push_back({"XLEN", keyspace_.OutboxStream(shard)});
  auto replies = pool_.Pipeline(cmds);
  if (!replies.ok()) return;
  long long total = 0, largest = 0;
  for (const auto& r : *replies) {
    // An error reply leaves the last count standing rather than report a
    // smaller backlog than there is.
    if (r->type != REDIS_REPLY_INTEGER) return;
    total += r->integer;
    largest = std::max(largest, r->integer);
  }
  backlog_.store(total);
  largest_shard_backlog_.store(largest);
  if (metrics_) {
    metrics_->backlog->Set(static_cast<double>(total));
    metrics_->largest_shard->Set(static_cast<double>(largest));
  }
}

void OutboxRelay::RecreateProducer() {
  log::Warn("re-creating the kafka producer");
  rd_kafka_t* old;
  {
    std::lock_guard lock(producer_mutex_);
    old = producer_;
    producer_ = nullptr;
  }
  rd_kafka_purge(old, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(old, 0);  // serves the purge reports: entries go back to pending
  rd_kafka_destroy(old);
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    in_flight_[shard].clear();
    last_id_[shard] = "-";
  }
  fatal_.store(false);
  rewind_.store(false);
  rewinds_.fetch_add(1);
  if (metrics_) metrics_->rewinds->Increment();
  auto rk = CreateProducer();
  std::lock_guard lock(producer_mutex_);
  if (rk.ok()) producer_ = *rk;
}

void OutboxRelay::Run() {
  while (running_.load()) {
    if (fatal_.load() || producer_ == nullptr) {
      RecreateProducer();
      if (producer_ == nullptr) {
        std::this_thread::sleep_for(options_.retry_backoff);
        continue;
      }
    }
    if (rewind_.load()) {
      RecreateProducer();
      // Back off longer while rewinds follow one another (an entry that
      // keeps failing), up to a minute; reset once deliveries succeed.
      auto now = std::chrono::steady_clock::now();
      rewind_backoff_ =
          delivered_.load() > delivered_at_last_rewind_
              ? options_.retry_backoff
              : std::min(std::max(rewind_backoff_ * 2, options_.retry_backoff), std::chrono::milliseconds(60000));
      delivered_at_last_rewind_ = delivered_.load();
      for (auto& t : retry_at_) t = now + rewind_backoff_;
      continue;
    }
    RenewLeases();
    bool produced = false;
    auto now = std::chrono::steady_clock::now();
    size_t in_flight = 0;
    for (const auto& entries : in_flight_) in_flight += entries.size();
    for (int shard = 0; shard < keyspace_.shards(); ++shard) {
      if (!leases_->Owns(shard) || now < retry_at_[shard]) continue;
      // Bounded: while Kafka is away, at most max_in_flight events wait in
      // the producer; the rest wait in the outbox.
      if (in_flight >= options_.max_in_flight) break;
      if (last_id_[shard] == "-" && retry_at_[shard] != std::chrono::steady_clock::time_point{}) {
        if (metrics_) metrics_->redriven->Increment();
        retry_at_[shard] = {};
      }
      size_t handed = ReadAndProduce(shard, options_.max_in_flight - in_flight);
      in_flight += handed;
      produced = produced || handed > 0;
    }
    in_flight_count_.store(in_flight);
    bool any_in_flight = in_flight > 0;
    rd_kafka_poll(producer_, any_in_flight && !produced ? 5 : 0);
    AckDelivered();
    UpdateBacklog();
    if (!produced && !any_in_flight) {
      std::unique_lock lock(wake_mutex_);
      wake_.wait_for(lock, options_.idle_wait, [this] { return notified_ || !running_.load(); });
      notified_ = false;
    }
  }
  // Shutting down: give what is in flight a chance to be acknowledged.
}

void OutboxRelay::Stop(std::chrono::milliseconds flush_timeout) {
  if (!running_.exchange(false)) return;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  rd_kafka_t* rk;
  {
    std::lock_guard lock(producer_mutex_);
    rk = producer_;
    producer_ = nullptr;
  }
  if (rk == nullptr) {
    ReleaseLeases();
    return;
  }
  rd_kafka_flush(rk, static_cast<int>(flush_timeout.count()));
  rd_kafka_poll(rk, 0);
  AckDelivered();
  // Another replica takes the shards over at once, not after the lease ttl.
  ReleaseLeases();
  int left = rd_kafka_outq_len(rk);
  if (left > 0) {
    log::Warn("outbox relay stopped with undelivered events; they stay in the outbox", {{"undelivered", left}});
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk, 0);
  } else {
    log::Info("outbox relay stopped; producer flushed");
  }
  rd_kafka_destroy(rk);
}

}  // namespace yhteys::kafka
