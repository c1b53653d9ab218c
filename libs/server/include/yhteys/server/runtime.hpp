#pragma once
// The wiring every Yhteys service shares: configuration, logging, the Redis
// pool, the outbox relay, Prometheus metrics, the pseudonymizer, and a gRPC
// server (callback API) with health, reflection, message-size limits, TLS
// and graceful shutdown on SIGTERM/SIGINT:
//   health NOT_SERVING, calls still served for server.shutdown_delay_ms ->
//   stop accepting, finish in-flight calls (server.shutdown_grace_ms) ->
//   stop consumers (commit) -> flush the producer -> exit 0.
// Health (readiness, service name "") means "can take writes": SERVING while
// Redis answers, its data is there (the keyspace markers), and the outbox is
// below outbox.max_backlog. Kafka being away is a degraded state, not a
// reason to refuse traffic: writes go on into the outbox, and
// yhteys_dependency_up{dependency="kafka"} and the outbox backlog show it.
// A service whose dependencies are down at start-up keeps running, logs it,
// and retries. Liveness (service name "liveness") is SERVING while the
// process runs.
//
// Redis data loss (FLUSHALL, a restart without its AOF): each shard of the
// keyspace holds a marker (a random generation) written when the service
// first meets its Redis. Every atomic step checks its shard's marker, so no
// write (an RPC's, a consumer's, a worker's) lands in an emptied store. The
// health loop (each second) also notices a marker gone or replaced: the
// service logs it, counts yhteys_redis_data_loss_total, sets
// yhteys_redis_data_lost, reports NOT_SERVING and answers every RPC
// UNAVAILABLE until an operator restores the data and restarts it (reads in
// the second before the loop notices can still answer "not found"). A
// restart starts on whatever Redis holds and writes new markers.
//
// main.cpp creates a Runtime, builds its service objects from the parts the
// Runtime exposes, registers them, and calls Run().

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/access/rate_limiter.hpp"
#include "yhteys/config/config.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/store_settings.hpp"
#include "yhteys/server/access_control.hpp"
#include "yhteys/server/executor.hpp"
#include "yhteys/server/rpc.hpp"

namespace prometheus {
class Exposer;
}

namespace yhteys::server {

struct ServiceSpec {
  std::string name;                         // "home-care": logs, metrics, ce_source "/yhteys/home-care"
  std::string keyspace_prefix;              // "hc"
  std::string default_address;              // "127.0.0.1:50052"
  std::string default_metrics_address;      // "127.0.0.1:9102"
  std::vector<config::KeySpec> extra_keys;  // service-specific config keys
};

// The config keys every service has (server.*, redis.*, kafka.*, ...).
std::vector<config::KeySpec> CommonKeys(const ServiceSpec& spec);

class Runtime {
 public:
  // Parses "--config PATH" (or YHTEYS_CONFIG), "--help" prints the keys.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const ServiceSpec& spec, int argc, char** argv);
  // A main's first line: Finnish local time unless TZ is set, then Create;
  // on failure logs why (as the service) and returns nullptr (exit 2).
  static std::unique_ptr<Runtime> Start(const ServiceSpec& spec, int argc, char** argv);
  ~Runtime();

  // Logs `what` with the error and returns the exit code of a service that
  // cannot start (2): `return rt->Refuse("invalid configuration", st);`.
  int Refuse(std::string_view what, const absl::Status& error) const;

  const config::Config& config() const { return config_; }
  const std::string& service_name() const { return spec_.name; }
  std::string event_source() const { return "/yhteys/" + spec_.name; }
  redis::Pool& redis() { return *pool_; }
  const redis::Keyspace& keyspace() const { return *keyspace_; }
  kafka::OutboxRelay& relay() { return *relay_; }
  prometheus::Registry& registry() { return *registry_; }
  RpcEnv rpc_env() { return RpcEnv{*executor_, *rpc_metrics_, &gate_, audit_.get()}; }
  const AuditLog& audit() const { return *audit_; }
  const hetu::Pseudonymizer& pseudonymizer() const { return *pseudonymizer_; }
  const std::string& kafka_bootstrap() const { return kafka_bootstrap_; }
  std::chrono::seconds idempotency_ttl() const;
  // What every store shares: event source, idempotency TTL, today in
  // Finland, identity.accept_temporary_codes.
  redis::StoreSettings store_settings() const;

  void AddService(grpc::Service* service);
  // How unit scope finds the unit of a record a call acts on (see
  // AuditLog::AddRecordUnitLookup); before Run().
  void AddRecordUnitLookup(std::string grpc_service, AuditLog::RecordUnitLookup lookup) {
    audit_->AddRecordUnitLookup(std::move(grpc_service), std::move(lookup));
  }
  // Consumer options from the kafka.* keys: bootstrap, this service's
  // group, fetch wait and session timeout.
  kafka::ConsumerOptions consumer_options(std::string client_id, std::vector<std::string> topics) const;
  // Started after the server, stopped (offsets committed) before the relay.
  void AddConsumer(std::unique_ptr<kafka::Consumer> consumer);
  // Background loops owned by the service (e.g. the router's dispatcher):
  // `run` is called on its own thread with a stop flag.
  void AddWorker(std::string name, std::function<void(const std::atomic<bool>& stop)> run);
  // Called on SIGHUP (e.g. the router reloads its service directory); with
  // none registered, SIGHUP keeps its default action.
  void OnReload(std::function<void()> reload);

  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int Run();

  // Writes the keyspace markers that are missing; logs what it found. Run
  // does it when it first meets Redis; a service that writes to its store
  // before Run (a restore) calls it first, else its writes are refused as
  // data loss.
  absl::Status EnsureMarkers();

 private:
  Runtime() = default;
  // OK while every marker is there; DATA_LOSS naming the shards otherwise.
  absl::Status CheckMarkers();

  ServiceSpec spec_;
  config::Config config_;
  std::unique_ptr<redis::Pool> pool_;
  std::unique_ptr<redis::Keyspace> keyspace_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<kafka::OutboxRelay> relay_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<RpcMetrics> rpc_metrics_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<access::RateLimiter> rate_limiter_;
  std::unique_ptr<hetu::Pseudonymizer> pseudonymizer_;
  std::string kafka_bootstrap_;
  std::vector<grpc::Service*> services_;
  std::vector<std::unique_ptr<kafka::Consumer>> consumers_;
  std::vector<std::pair<std::string, std::function<void(const std::atomic<bool>&)>>> workers_;
  std::vector<std::function<void()>> reloads_;
  ServingGate gate_;
  std::vector<std::string> generations_;  // the keyspace markers' values, health thread only
};

}  // namespace yhteys::server
