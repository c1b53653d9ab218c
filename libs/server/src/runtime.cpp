#include "yhteys/server/runtime.hpp"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "yhteys/calendar/clock.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/credentials.hpp"
#include "yhteys/server/parse_failure.hpp"

namespace yhteys::server {
namespace {

using config::KeySpec;
using config::KeyType;

// The health service name that liveness probes ask for.
constexpr char kLivenessService[] = "liveness";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string s = buf.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Takes gRPC's server reflection plugin off a builder.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
      return plugin->name().find("reflection") != std::string::npos;
    });
  }
};

}  // namespace

std::vector<KeySpec> CommonKeys(const ServiceSpec& spec) {
  return {
      {"server.address", KeyType::kString, spec.default_address, "gRPC listen address host:port"},
      {"server.health_address", KeyType::kString, "",
       "Optional plaintext listener that serves only grpc.health.v1 (for Kubernetes probes under mTLS)"},
      {"server.tls.mode", KeyType::kString, "plaintext",
       "plaintext (local development only), tls, or mtls (client certificates required)"},
      {"server.tls.cert_file", KeyType::kString, "", "PEM server certificate (tls, mtls)"},
      {"server.tls.key_file", KeyType::kString, "", "PEM private key (tls, mtls)", true},
      {"server.tls.ca_file", KeyType::kString, "", "PEM CA bundle that signs client certificates (mtls)"},
      {"server.reflection", KeyType::kBool, "true", "Serve gRPC server reflection"},
      {"access.trust_domain", KeyType::kString, "",
       "Under TLS: the county's trust domain; a certificate naming another county is refused (empty: any county "
       "the CA signs)"},
      {"access.default_rate_limit", KeyType::kString, "200/400",
       "Under TLS: calls per second / burst allowed per caller identity, for roles without their own limit"},
      {"access.rate_limits.*", KeyType::kString, "",
       "Under TLS: calls per second / burst per caller identity of a role, e.g. feedback-kiosk: \"2/10\""},
      {"server.max_message_bytes", KeyType::kInt, "1048576", "Largest accepted request message"},
      {"server.workers", KeyType::kInt, "16", "Worker threads that run request bodies (Redis calls)"},
      {"server.max_queue", KeyType::kInt, "4096", "Queued requests before RESOURCE_EXHAUSTED"},
      {"server.shutdown_delay_ms", KeyType::kInt, "2000",
       "On SIGTERM, how long health reports NOT_SERVING while calls are still served (so that load balancers "
       "and health-checking clients move away) before the server stops accepting"},
      {"server.shutdown_grace_ms", KeyType::kInt, "10000", "Time in-flight calls get to finish on SIGTERM"},
      {"metrics.address", KeyType::kString, spec.default_metrics_address,
       "Prometheus /metrics listen address (empty: off)"},
      {"redis.host", KeyType::kString, "127.0.0.1", "Redis host"},
      {"redis.port", KeyType::kInt, "6379", "Redis port"},
      {"redis.pool_size", KeyType::kInt, "16", "Redis connections"},
      {"redis.connect_timeout_ms", KeyType::kInt, "500", "Redis connect timeout"},
      {"redis.command_timeout_ms", KeyType::kInt, "1000", "Redis command timeout"},
      {"redis.shards", KeyType::kInt, "4",
       "Shards (hash tags, outbox streams) of this service's keyspace; never change on live data"},
      {"outbox.max_backlog", KeyType::kInt, "100000",
       "Events that may wait in the outbox for Kafka (all shards); at the bound, writes that publish are "
       "refused with UNAVAILABLE and readiness is NOT_SERVING (0: unbounded)"},
      {"kafka.bootstrap", KeyType::kString, "127.0.0.1:9092", "Kafka bootstrap servers"},
      {"kafka.bootstrap_file", KeyType::kString, "",
       "If set, read the bootstrap servers from this file (written by yhteys-dev-broker)"},
      {"kafka.linger_ms", KeyType::kInt, "5", "Producer linger (batching)"},
      {"kafka.max_in_flight", KeyType::kInt, "10000",
       "Outbox events handed to the producer and not yet acknowledged, at most (the rest wait in the outbox)"},
      {"kafka.consumer_group", KeyType::kString, "yhteys-" + spec.name, "Consumer group of this service"},
      {"kafka.fetch_wait_max_ms", KeyType::kInt, "500",
       "Longest a fetch waits at the broker for data (the dev broker always waits it out when idle)"},
      {"kafka.session_timeout_ms", KeyType::kInt, "45000",
       "Consumer session timeout: how soon a dead member's partitions are handed to another"},
      {"pseudonym.key_file", KeyType::kString, "",
       "File holding the HMAC-SHA-256 pseudonym key (at least 32 bytes); shared by all services", true},
      {"identity.accept_temporary_codes", KeyType::kBool, "false",
       "Accept 900-series (temporary/test) identity codes; true only outside production"},
      {"idempotency.ttl_hours", KeyType::kInt, "168", "How long an idempotency key's first answer is kept"},
      {"log.level", KeyType::kString, "info", "debug, info, warn or error"},
  };
}

Runtime::~Runtime() = default;

kafka::ConsumerOptions Runtime::consumer_options(std::string client_id, std::vector<std::string> topics) const {
  kafka::ConsumerOptions options;
  options.bootstrap = kafka_bootstrap_;
  options.group_id = config_.GetString("kafka.consumer_group");
  options.client_id = std::move(client_id);
  options.topics = std::move(topics);
  options.consumer_config = {
      {"log_level", "4"},
      {"fetch.wait.max.ms", std::to_string(config_.GetInt("kafka.fetch_wait_max_ms"))},
      {"session.timeout.ms", std::to_string(config_.GetInt("kafka.session_timeout_ms"))},
  };
  return options;
}

std::chrono::seconds Runtime::idempotency_ttl() const {
  return std::chrono::hours(config_.GetInt("idempotency.ttl_hours"));
}

std::unique_ptr<Runtime> Runtime::Start(const ServiceSpec& spec, int argc, char** argv) {
  calendar::UseFinnishTimeZoneUnlessSet();
  auto runtime = Create(spec, argc, argv);
  if (!runtime.ok()) {
    log::SetService(spec.name);
    log::Error("cannot start", {{"error", std::string(runtime.status().message())}});
    return nullptr;
  }
  return std::move(*runtime);
}

redis::StoreSettings Runtime::store_settings() const {
  redis::StoreSettings settings;
  settings.source = event_source();
  settings.idempotency_ttl = idempotency_ttl();
  settings.today = &calendar::TodayInFinland;
  settings.accept_temporary_codes = config_.GetBool("identity.accept_temporary_codes");
  return settings;
}

int Runtime::Refuse(std::string_view what, const absl::Status& error) const {
  log::Error(what, {{"error", std::string(error.message())}});
  return 2;
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const ServiceSpec& spec, int argc, char** argv) {
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->spec_ = spec;
  log::SetService(spec.name);
  std::vector<KeySpec> schema = CommonKeys(spec);
  schema.insert(schema.end(), spec.extra_keys.begin(), spec.extra_keys.end());

  std::string config_path;
  if (const char* env = std::getenv("YHTEYS_CONFIG")) config_path = env;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: %s [--config FILE]\n\nconfig keys (environment: YHTEYS_<KEY>):\n", argv[0]);
      for (const auto& k : schema) {
        std::printf("  %-34s %s (default: %s)\n", k.name.c_str(), k.help.c_str(),
                    k.secret ? "<secret>" : (k.default_value.empty() ? "\"\"" : k.default_value.c_str()));
      }
      std::exit(0);
    } else {
      return absl::InvalidArgumentError("unknown argument " + arg + " (try --help)");
    }
  }
  auto config = config::Config::Load(config_path, schema, config::EnvironmentMap());
  if (!config.ok()) return config.status();
  rt->config_ = std::move(*config);
  const auto& c = rt->config_;

  log::Level level;
  if (!log::ParseLevel(c.GetString("log.level"), &level)) {
    return absl::InvalidArgumentError("config key log.level: expected debug, info, warn or error");
  }
  log::SetLevel(level);

  auto default_limit =
      access::ParseRateLimit("config key access.default_rate_limit", c.GetString("access.default_rate_limit"));
  if (!default_limit.ok()) return default_limit.status();
  std::map<access::Role, access::RateLimit> role_limits;
  for (const auto& [role_name, text] : c.Children("access.rate_limits")) {
    auto role = access::RoleFromName(role_name);
    if (!role) return absl::InvalidArgumentError("config key access.rate_limits." + role_name + ": no such role");
    auto limit = access::ParseRateLimit("config key access.rate_limits." + role_name, text);
    if (!limit.ok()) return limit.status();
    role_limits[*role] = *limit;
  }
  rt->rate_limiter_ = std::make_unique<access::RateLimiter>(*default_limit, std::move(role_limits));

  const std::string& key_file = c.GetString("pseudonym.key_file");
  if (key_file.empty()) return absl::InvalidArgumentError("config key pseudonym.key_file: required");
  auto pseudonymizer = hetu::Pseudonymizer::FromKeyFile(key_file);
  if (!pseudonymizer.ok()) {
    return absl::InvalidArgumentError("config key pseudonym.key_file: " +
                                      std::string(pseudonymizer.status().message()));
  }
  rt->pseudonymizer_ = std::make_unique<hetu::Pseudonymizer>(std::move(*pseudonymizer));

  rt->kafka_bootstrap_ = c.GetString("kafka.bootstrap");
  if (const auto& file = c.GetString("kafka.bootstrap_file"); !file.empty()) {
    auto content = ReadFile(file);
    if (!content.ok() || content->empty()) {
      return absl::InvalidArgumentError("config key kafka.bootstrap_file: cannot read " + file);
    }
    rt->kafka_bootstrap_ = *content;
  }

  redis::PoolOptions redis_options;
  redis_options.host = c.GetString("redis.host");
  redis_options.port = static_cast<int>(c.GetInt("redis.port"));
  redis_options.size = static_cast<int>(c.GetInt("redis.pool_size"));
  redis_options.connect_timeout = std::chrono::milliseconds(c.GetInt("redis.connect_timeout_ms"));
  redis_options.command_timeout = std::chrono::milliseconds(c.GetInt("redis.command_timeout_ms"));
  rt->pool_ = std::make_unique<redis::Pool>(redis_options);
  const int shards = static_cast<int>(c.GetInt("redis.shards"));
  const int64_t max_backlog = c.GetInt("outbox.max_backlog");
  if (shards < 1) return absl::InvalidArgumentError("config key redis.shards: must be at least 1");
  if (max_backlog < 0) return absl::InvalidArgumentError("config key outbox.max_backlog: must be 0 or more");
  rt->keyspace_ = std::make_unique<redis::Keyspace>(spec.keyspace_prefix, shards, (max_backlog + shards - 1) / shards,
                                                    /*marker_required=*/true);

  rt->registry_ = std::make_shared<prometheus::Registry>();
  if (const auto& addr = c.GetString("metrics.address"); !addr.empty()) {
    try {
      rt->exposer_ = std::make_unique<prometheus::Exposer>(addr);
      rt->exposer_->RegisterCollectable(rt->registry_);
    } catch (const std::exception& e) {
      return absl::UnavailableError("config key metrics.address: cannot listen on " + addr);
    }
  }

  kafka::RelayOptions relay_options;
  relay_options.bootstrap = rt->kafka_bootstrap_;
  relay_options.client_id = "yhteys-" + spec.name;
  relay_options.max_in_flight = static_cast<size_t>(std::max<int64_t>(1, c.GetInt("kafka.max_in_flight")));
  relay_options.producer_config = {{"linger.ms", std::to_string(c.GetInt("kafka.linger_ms"))}, {"log_level", "4"}};
  rt->relay_ = std::make_unique<kafka::OutboxRelay>(*rt->pool_, *rt->keyspace_, relay_options, rt->registry_.get());
  rt->executor_ = std::make_unique<Executor>(static_cast<int>(c.GetInt("server.workers")),
                                             static_cast<size_t>(c.GetInt("server.max_queue")));
  rt->rpc_metrics_ = std::make_unique<RpcMetrics>(*rt->registry_, spec.name);
  rt->audit_ = std::make_unique<AuditLog>(*rt->pool_, *rt->keyspace_, rt->event_source(), spec.name,
                                          [relay = rt->relay_.get()] { relay->Notify(); });
  return rt;
}

absl::Status Runtime::EnsureMarkers() {
  // Each marker holds a generation: this pod's if it writes the marker,
  // another pod's otherwise. Remembering the value (not only that a marker
  // exists) means that a pod which starts on an emptied Redis and writes new
  // markers does not hide the loss from the pods already running.
  std::vector<std::vector<std::string>> cmds;
  const std::string generation = ids::NewUuid();
  for (int shard = 0; shard < keyspace_->shards(); ++shard) {
    cmds.push_back({"SET", keyspace_->Marker(shard), generation, "NX"});
    cmds.push_back({"GET", keyspace_->Marker(shard)});
  }
  auto replies = pool_->Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  int written = 0;
  std::vector<std::string> generations;
  for (int shard = 0; shard < keyspace_->shards(); ++shard) {
    const redisReply* set = (*replies)[2 * shard].get();
    const redisReply* get = (*replies)[2 * shard + 1].get();
    if (set->type == REDIS_REPLY_ERROR) return absl::UnavailableError("redis: " + redis::ReplyString(set));
    if (get->type != REDIS_REPLY_STRING) return absl::UnavailableError("redis: keyspace marker unreadable");
    if (set->type == REDIS_REPLY_STATUS) ++written;  // OK; nil when the marker was there
    generations.push_back(redis::ReplyString(get));
  }
  if (written == keyspace_->shards()) {
    log::Info("keyspace markers written: a new Redis, or one whose data was lost before this start",
              {{"shards", written}});
  } else if (written > 0) {
    log::Error("keyspace markers missing on some shards at start: part of the data was lost before this start",
               {{"shards_missing", written}, {"shards", keyspace_->shards()}});
  }
  generations_ = std::move(generations);
  return absl::OkStatus();
}

absl::Status Runtime::CheckMarkers() {
  std::vector<std::vector<std::string>> cmds;
  for (int shard = 0; shard < keyspace_->shards(); ++shard) cmds.push_back({"GET", keyspace_->Marker(shard)});
  auto replies = pool_->Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  std::string lost;
  for (int shard = 0; shard < keyspace_->shards(); ++shard) {
    const redisReply* r = (*replies)[shard].get();
    if (r->type == REDIS_REPLY_ERROR) return absl::UnavailableError("redis: " + redis::ReplyString(r));
    if (r->type != REDIS_REPLY_STRING || redis::ReplyString(r) != generations_[shard]) {
      lost += (lost.empty() ? "" : ",") + std::to_string(shard);
    }
  }
  if (!lost.empty()) return absl::DataLossError("redis: keyspace marker missing or replaced on shard(s) " + lost);
  return absl::OkStatus();
}

void Runtime::AddService(grpc::Service* service) { services_.push_back(service); }

void Runtime::AddConsumer(std::unique_ptr<kafka::Consumer> consumer) { consumers_.push_back(std::move(consumer)); }

void Runtime::AddWorker(std::string name, std::function<void(const std::atomic<bool>&)> run) {
  workers_.emplace_back(std::move(name), std::move(run));
}

void Runtime::OnReload(std::function<void()> reload) { reloads_.push_back(std::move(reload)); }

int Runtime::Run() {
  // A peer (Redis, a broker, a client) that closes while we write must be an
  // error on that connection, never the end of the process.
  signal(SIGPIPE, SIG_IGN);
  // Block the termination signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (!reloads_.empty()) sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const auto& c = config_;
  auto credentials = ServerCredentialsFrom(c, "server.tls");
  if (!credentials.ok()) {
    log::Error("invalid TLS configuration", {{"error", std::string(credentials.status().message())}});
    return 2;
  }
  // Under TLS every call passes the access table before any handler runs
  // (plaintext is for local development: no identity, no roles).
  if (c.GetString("server.tls.mode") != "plaintext") {
    (*credentials)
        ->SetAuthMetadataProcessor(std::make_shared<AccessProcessor>(*audit_, *registry_, rate_limiter_.get(),
                                                                     c.GetString("access.trust_domain")));
  } else {
    log::Warn("plaintext gRPC: no caller identity, every role allowed (local development only)");
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Loading gRPC's reflection library registers its plugin for every server
  // of the process: reflection is taken out again unless configured.
  if (!c.GetBool("server.reflection")) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(c.GetString("server.address"), *credentials, &bound_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(c.GetInt("server.max_message_bytes")));
  for (auto* s : services_) builder.RegisterService(s);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ParseFailureInterceptorFactory>(*rpc_metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    log::Error("cannot listen", {{"address", c.GetString("server.address")}});
    return 2;
  }
  // Every other method on the health port: gRPC's generic service, which
  // answers UNIMPLEMENTED (and gives the server the callback queue it needs).
  grpc::CallbackGenericService unimplemented;
  std::unique_ptr<grpc::Server> health_server;
  if (const auto& addr = c.GetString("server.health_address"); !addr.empty()) {
    grpc::ServerBuilder hb;
    hb.SetOption(std::make_unique<WithoutReflection>());  // health and nothing else
    hb.RegisterCallbackGenericService(&unimplemented);
    hb.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    int hp = 0;
    hb.AddListeningPort(addr, grpc::InsecureServerCredentials(), &hp);
    health_server = hb.BuildAndStart();
    if (!health_server || hp == 0) {
      log::Error("cannot listen for health", {{"address", addr}});
      return 2;
    }
  }
  // Readiness is the overall status (service name ""): SERVING only while
  // the dependencies answer. Liveness ("liveness") stays SERVING while the
  // process runs, so an outage of Redis or Kafka takes pods out of
  // rotation without restarting them.
  auto set_health = [&](bool serving) {
    for (grpc::Server* s : {server.get(), health_server.get()}) {
      if (s == nullptr) continue;
      s->GetHealthCheckService()->SetServingStatus("", serving);
      s->GetHealthCheckService()->SetServingStatus(kLivenessService, true);
    }
  };
  set_health(false);
  // Until the service has met its Redis and its keyspace markers, calls are
  // refused (UNAVAILABLE) rather than answered from an unknown store.
  gate_.Close("starting: Redis not reached yet");

  if (auto st = relay_->Start(); !st.ok()) {
    log::Error("cannot start the outbox relay", {{"error", std::string(st.message())}});
    return 2;
  }
  for (auto& consumer : consumers_) {
    if (auto st = consumer->Start(); !st.ok()) {
      log::Error("cannot start a consumer", {{"error", std::string(st.message())}});
      return 2;
    }
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> worker_threads;
  for (auto& [name, run] : workers_) {
    worker_threads.emplace_back([&stop, fn = run] { fn(stop); });
  }

  log::Info("serving", {{"address", c.GetString("server.address")},
                        {"port", bound_port},
                        {"tls", c.GetString("server.tls.mode")},
                        {"metrics", c.GetString("metrics.address")}});

  // Health: readiness means "can take writes" (see runtime.hpp).
  auto& up = prometheus::BuildGauge()
                 .Name("yhteys_dependency_up")
                 .Help("1 when the dependency answered its last check")
                 .Register(*registry_);
  auto& redis_up = up.Add({{"dependency", "redis"}});
  auto& kafka_up = up.Add({{"dependency", "kafka"}});
  auto& data_loss = prometheus::BuildCounter()
                        .Name("yhteys_redis_data_loss_total")
                        .Help("Times this service found its Redis data gone (a keyspace marker missing) while running")
                        .Register(*registry_)
                        .Add({});
  auto& data_lost_gauge = prometheus::BuildGauge()
                              .Name("yhteys_redis_data_lost")
                              .Help("1 once this service found its Redis data gone; it refuses calls until restarted")
                              .Register(*registry_)
                              .Add({});
  auto& backlog_limit = prometheus::BuildGauge()
                            .Name("yhteys_outbox_backlog_limit")
                            .Help(
                                "Events one shard's outbox may hold (outbox.max_backlog / redis.shards) before its "
                                "writes are refused; 0: unbounded")
                            .Register(*registry_)
                            .Add({});
  backlog_limit.Set(static_cast<double>(keyspace_->outbox_limit()));
  std::thread health([&] {
    int last = -1;
    int last_kafka = -1;
    std::string last_reason;
    bool markers_ready = false;
    bool data_lost = false;
    while (!stop.load()) {
      absl::Status redis_status = pool_->Ping();
      if (redis_status.ok() && !markers_ready) {
        redis_status = EnsureMarkers();
        markers_ready = redis_status.ok();
        if (markers_ready) gate_.Open();
      } else if (redis_status.ok() && markers_ready && !data_lost) {
        if (absl::Status markers = CheckMarkers(); absl::IsDataLoss(markers)) {
          data_lost = true;
          data_loss.Increment();
          data_lost_gauge.Set(1);
          std::string reason = std::string(markers.message()) +
                               "; every call is refused until the data is restored and the service restarted";
          log::Error("redis data lost while running", {{"reason", reason}});
          gate_.Close("redis: data lost; an operator must restore it (this service refuses calls until restarted)");
        } else if (!markers.ok()) {
          redis_status = markers;
        }
      }
      absl::Status kafka_status = relay_->CheckKafka(std::chrono::milliseconds(1500));
      redis_up.Set(redis_status.ok() ? 1 : 0);
      kafka_up.Set(kafka_status.ok() ? 1 : 0);
      if (static_cast<int>(kafka_status.ok()) != last_kafka) {
        if (kafka_status.ok()) {
          log::Info("kafka reachable");
        } else {
          log::Warn("kafka unreachable: degraded, writes go on into the outbox",
                    {{"reason", std::string(kafka_status.message())}});
        }
        last_kafka = kafka_status.ok();
      }
      // The bound is per shard (the atomic step enforces it there): one full
      // shard already refuses writes.
      int64_t backlog = relay_->largest_shard_backlog();
      bool outbox_full = keyspace_->outbox_limit() > 0 && backlog >= keyspace_->outbox_limit();
      bool serving = redis_status.ok() && !gate_.closed() && !outbox_full;
      std::string reason = !redis_status.ok() ? std::string(redis_status.message())
                           : gate_.closed()   ? std::string(gate_.Check().message())
                           : outbox_full      ? "outbox: a shard holds " + std::to_string(backlog) +
                                               " events waiting for Kafka, its share of outbox.max_backlog"
                                         : std::string();
      if (!stop.load() && (static_cast<int>(serving) != last || reason != last_reason)) {
        set_health(serving);
        if (serving) {
          log::Info("health SERVING: can take writes");
        } else {
          log::Warn("health NOT_SERVING; retrying", {{"reason", reason}});
        }
        last = serving;
        last_reason = reason;
      }
      for (int i = 0; i < 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    log::Info("SIGHUP: reloading");
    for (const auto& reload : reloads_) reload();
  }
  auto delay = std::chrono::milliseconds(c.GetInt("server.shutdown_delay_ms"));
  log::Info("shutting down: health NOT_SERVING, still serving calls",
            {{"signal", sig}, {"delay_ms", static_cast<int64_t>(delay.count())}});
  stop.store(true);
  // NOT_SERVING at once, not after the health thread's current check (up to
  // its Kafka timeout); and again after the join, in case that check was
  // just setting SERVING.
  set_health(false);
  health.join();
  set_health(false);
  // Load balancers and clients that watch health move away meanwhile;
  // whoever still calls is answered.
  std::this_thread::sleep_for(delay);
  log::Info("shutting down: no longer accepting calls; finishing those in flight");
  for (grpc::Server* s : {server.get(), health_server.get()}) {
    if (s != nullptr) s->GetHealthCheckService()->SetServingStatus(kLivenessService, false);
  }
  auto grace = std::chrono::milliseconds(c.GetInt("server.shutdown_grace_ms"));
  server->Shutdown(std::chrono::system_clock::now() + grace);
  if (health_server) health_server->Shutdown(std::chrono::system_clock::now());
  executor_->Shutdown();
  for (auto& t : worker_threads) t.join();
  for (auto& consumer : consumers_) consumer->Stop();
  relay_->Stop(grace);
  log::Info("stopped");
  return 0;
}

}  // namespace yhteys::server
