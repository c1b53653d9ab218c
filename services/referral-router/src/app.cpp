#include "app.hpp"

#include <grpcpp/grpcpp.h>

#include <fstream>

#include "yhteys/calendar/clock.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/credentials.hpp"

namespace yhteys::router {
namespace {

// Milliseconds in the test clock's file; 0 when it is missing or not a number.
int64_t TestClockOffsetMs(const std::string& file) {
  std::ifstream in(file);
  int64_t offset = 0;
  if (!(in >> offset)) return 0;
  return offset;
}

DispatcherOptions WithSharing(DispatcherOptions options, const SharingStore& sharing, const std::vector<Rule>& rules) {
  options.sharing = &sharing;
  for (const Rule& rule : rules) options.under_denial[rule.id] = rule.under_denial;
  return options;
}

}  // namespace

server::ServiceSpec Spec() {
  using config::KeyType;
  return {"referral-router",
          "rr",
          "127.0.0.1:50055",
          "127.0.0.1:9465",
          {
              {"router.rules_file", KeyType::kString, "services/referral-router/config/rules.yaml",
               "The cross-sector rules (YAML)"},
              {"router.directory_dir", KeyType::kString, "services/referral-router/config/directory",
               "The service directory: one YAML file per wellbeing services county"},
              {"router.directory_poll_ms", KeyType::kInt, "10000",
               "How often the directory's files are checked for a change (SIGHUP reloads at once)"},
              {"router.offer_expiry_urgent_seconds", KeyType::kInt, "14400",
               "An URGENT offer left unanswered this long (4 h) expires and goes to the next candidate unit"},
              {"router.offer_expiry_non_urgent_seconds", KeyType::kInt, "259200",
               "A non-urgent offer left unanswered this long (3 days) expires and goes to the next candidate unit"},
              {"router.max_offers_in_flight", KeyType::kInt, "64", "Calls to units' inboxes at once"},
              {"router.test_clock_offset_file", KeyType::kString, "",
               "Tests and demos only: a file holding milliseconds to add to the deadline watcher's clock, read at "
               "every pass (to make clocks overdue without waiting). Refused unless server.tls.mode is plaintext "
               "and identity.accept_temporary_codes is true, which production configuration never has"},
              {"router.targets.*", KeyType::kString, "", "gRPC address of each target service's ReferralInbox"},
              {"router.offer_timeout_ms", KeyType::kInt, "2000", "Deadline of one offer call"},
              {"router.dispatch_interval_ms", KeyType::kInt, "200", "How often pending offers are looked at when idle"},
              {"router.offer_max_backoff_ms", KeyType::kInt, "60000", "Longest wait between offer attempts"},
              {"router.dispatch_lease_ttl_ms", KeyType::kInt, "5000",
               "Of several router replicas one dispatches a shard's referrals, the holder of its lease; a replica "
               "that stops without releasing them leaves its shards to another after this long (1000..60000)"},
              {"router.dedup_ttl_hours", KeyType::kInt, "336", "How long processed event ids are remembered"},
              {"router.restore_from_changelog", KeyType::kBool, "false",
               "At start-up, rebuild an empty Redis from the changelog topic (yhteys.router.changelog.v1) before "
               "serving; refused when Redis holds referrals. See the router README, Rebuilding from the topics"},
              {"router.max_watches", KeyType::kInt, "32",
               "WatchReferrals streams open at once (each reads the referrals topic on a thread of its own)"},
              {"router.watch_keepalive_ms", KeyType::kInt, "10000",
               "A WatchReferrals stream whose filter let nothing through this long sends its moved cursor"},
              {"calendar.eves_are_non_working", KeyType::kBool, "true",
               "Midsummer Eve and Christmas Eve are not working days when counting working-day clocks (they are "
               "not public holidays; Act 150/1930 § 5 names them beside the holy days)"},
              {"router.client_tls.mode", KeyType::kString, "plaintext",
               "Offers to the targets: plaintext (local development only), tls, or mtls (present the router's "
               "certificate)"},
              {"router.client_tls.ca_file", KeyType::kString, "", "PEM CA bundle that signs the targets' certificates"},
              {"router.client_tls.cert_file", KeyType::kString, "", "PEM client certificate of the router (mtls)"},
              {"router.client_tls.key_file", KeyType::kString, "", "PEM private key of the router (mtls)", true},
          }};
}

absl::StatusOr<RouterSettings> SettingsFrom(const server::Runtime& rt) {
  const config::Config& config = rt.config();
  RouterSettings settings;
  auto rules = LoadRulesFile(config.GetString("router.rules_file"));
  if (!rules.ok()) return rules.status();
  log::Info("rules loaded", {{"rules", static_cast<int>(rules->size())}});
  settings.rules = std::move(*rules);
  settings.directory_dir = config.GetString("router.directory_dir");
  auto directory = LoadDirectoryFolder(settings.directory_dir);
  if (!directory.ok()) return directory.status();
  log::Info("service directory loaded",
            {{"folder", settings.directory_dir}, {"units", static_cast<int>(directory->directory.units.size())}});
  settings.directory = std::move(*directory);
  settings.directory_poll = std::chrono::milliseconds(config.GetInt("router.directory_poll_ms"));
  if (settings.directory_poll.count() < 100) {
    return absl::InvalidArgumentError("config key router.directory_poll_ms: at least 100");
  }
  const auto urgent = config.GetInt("router.offer_expiry_urgent_seconds");
  const auto non_urgent = config.GetInt("router.offer_expiry_non_urgent_seconds");
  if (urgent < 1 || non_urgent < 1) {
    return absl::InvalidArgumentError("config key router.offer_expiry_*_seconds: at least 1");
  }
  settings.offer_expiry = {std::chrono::seconds(urgent), std::chrono::seconds(non_urgent)};
  if (const std::string offset_file = config.GetString("router.test_clock_offset_file"); !offset_file.empty()) {
    if (config.GetString("server.tls.mode") != "plaintext" || !config.GetBool("identity.accept_temporary_codes")) {
      return absl::InvalidArgumentError(
          "config key router.test_clock_offset_file: a test clock only with server.tls.mode plaintext and "
          "identity.accept_temporary_codes true (never in production)");
    }
    log::Warn("TEST CLOCK: the deadline watcher's clock is moved by the offset in a file", {{"file", offset_file}});
    settings.dispatch.deadline_now = [offset_file] { return ids::NowMillis() + TestClockOffsetMs(offset_file); };
  }
  settings.dispatch.max_in_flight = static_cast<int>(config.GetInt("router.max_offers_in_flight"));
  if (settings.dispatch.max_in_flight < 1) {
    return absl::InvalidArgumentError("config key router.max_offers_in_flight: at least 1");
  }

  auto credentials = server::ChannelCredentialsFrom(config, "router.client_tls");
  if (!credentials.ok()) return credentials.status();
  for (const auto& [name, address] : config.Children("router.targets")) {
    auto service = ServiceFromName(name);
    if (service == common::v1::SERVICE_NAME_UNSPECIFIED || service == common::v1::SERVICE_NAME_REFERRAL_ROUTER ||
        service == common::v1::SERVICE_NAME_AUDIT_INDEX || service == common::v1::SERVICE_NAME_EXTERNAL) {
      return absl::InvalidArgumentError("config key router.targets." + name + ": not a service that takes offers");
    }
    settings.targets[service] = referral::v1::ReferralInbox::NewStub(grpc::CreateChannel(address, *credentials));
  }
  settings.dispatch.offer_timeout = std::chrono::milliseconds(config.GetInt("router.offer_timeout_ms"));
  settings.dispatch.interval = std::chrono::milliseconds(config.GetInt("router.dispatch_interval_ms"));
  settings.dispatch.max_backoff = std::chrono::milliseconds(config.GetInt("router.offer_max_backoff_ms"));
  settings.dispatch.lease_ttl = std::chrono::milliseconds(config.GetInt("router.dispatch_lease_ttl_ms"));
  if (settings.dispatch.lease_ttl < std::chrono::seconds(1) || settings.dispatch.lease_ttl > std::chrono::minutes(1)) {
    return absl::InvalidArgumentError("config key router.dispatch_lease_ttl_ms: 1000..60000");
  }
  if (settings.dispatch.interval * 5 > settings.dispatch.lease_ttl) {
    // The leases are renewed on the dispatcher's passes: at most ttl/5 apart.
    return absl::InvalidArgumentError(
        "config key router.dispatch_interval_ms: at most a fifth of router.dispatch_lease_ttl_ms");
  }
  settings.dedup_ttl = std::chrono::hours(config.GetInt("router.dedup_ttl_hours"));
  settings.restore_from_changelog = config.GetBool("router.restore_from_changelog");
  settings.watch.max_watches = static_cast<int>(config.GetInt("router.max_watches"));
  settings.watch.keepalive = std::chrono::milliseconds(config.GetInt("router.watch_keepalive_ms"));
  if (settings.watch.max_watches < 1 || settings.watch.keepalive.count() < 100) {
    return absl::InvalidArgumentError(
        "config key router.max_watches: at least 1; router.watch_keepalive_ms: at least 100");
  }
  {
    const kafka::ConsumerOptions kafka = rt.consumer_options("yhteys-referral-router-watch", {});
    settings.watch.kafka_config = kafka.consumer_config;
    settings.watch.kafka_config.erase("session.timeout.ms");
    settings.watch.kafka_config["bootstrap.servers"] = kafka.bootstrap;
    settings.watch.kafka_config["client.id"] = kafka.client_id;
  }
  settings.calendar.eves_are_non_working = config.GetBool("calendar.eves_are_non_working");
  settings.sharing = {&rt.pseudonymizer(), config.GetBool("identity.accept_temporary_codes"),
                      &calendar::TodayInFinland};
  return settings;
}

ReferralRouter::ReferralRouter(server::Runtime& rt, RouterSettings settings)
    : directory(settings.directory_dir, std::move(settings.directory), &rt.registry()),
      directory_poll(settings.directory_poll),
      store(rt.redis(), rt.keyspace(), rt.event_source(), settings.dedup_ttl, settings.offer_expiry, &rt.registry()),
      sharing(rt.redis(), rt.keyspace(), rt.event_source(), rt.idempotency_ttl()),
      units(rt.redis(), rt.keyspace(), rt.event_source(), rt.idempotency_ttl()),
      dispatcher(
          store, std::move(settings.targets), WithSharing(settings.dispatch, sharing, settings.rules),
          [&rt] { rt.relay().Notify(); }, &rt.registry()),
      handler(
          store, sharing, directory, units, std::move(settings.rules), settings.calendar,
          [&rt, this] {
            rt.relay().Notify();
            dispatcher.Notify();
          },
          &rt.registry()),
      service(store, sharing, directory, units, handler, rt.event_source(), std::move(settings.sharing),
              std::move(settings.watch), rt.rpc_env(), [&rt] { rt.relay().Notify(); }) {}

absl::Status ReferralRouter::Restore() {
  log::Info("rebuilding Redis from the changelog", {{"topic", kafka::topics::kRouterChangelog}});
  auto counts = RestoreFromChangelog(service.watch_settings().kafka_config, store, sharing, units);
  if (!counts.ok()) return counts.status();
  log::Info("rebuilt from the changelog", {{"records", counts->records},
                                           {"referrals", counts->referrals},
                                           {"sharing_decisions", counts->sharing},
                                           {"unit_reports", counts->units}});
  return absl::OkStatus();
}

void ReferralRouter::WatchDirectory(const std::atomic<bool>& stop) { directory.Watch(stop, directory_poll); }

std::unique_ptr<kafka::Consumer> ReferralRouter::DomainEventConsumer(server::Runtime& rt) {
  std::vector<std::string> topics(kafka::topics::kDomain.begin(), kafka::topics::kDomain.end());
  return std::make_unique<kafka::Consumer>(
      rt.consumer_options("yhteys-referral-router", std::move(topics)),
      [this](const kafka::ConsumedRecord& r) { return handler.Handle(r); }, &rt.registry());
}

}  // namespace yhteys::router
