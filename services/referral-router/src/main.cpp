// yhteys-referral-router: wiring only.
#include <grpcpp/grpcpp.h>

#include "dispatcher.hpp"
#include "event_handler.hpp"
#include "referral_store.hpp"
#include "router_service.hpp"
#include "rules.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/working_days.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/credentials.hpp"
#include "yhteys/server/runtime.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  using config::KeySpec;
  using config::KeyType;
  calendar::UseFinnishTimeZoneUnlessSet();
  server::ServiceSpec spec{
      "referral-router",
      "rr",
      "127.0.0.1:50055",
      "127.0.0.1:9465",
      {
          {"router.rules_file", KeyType::kString, "services/referral-router/config/rules.yaml",
           "The cross-sector rules (YAML)"},
          {"router.targets.*", KeyType::kString, "", "gRPC address of each target service's ReferralInbox"},
          {"router.offer_timeout_ms", KeyType::kInt, "2000", "Deadline of one offer call"},
          {"router.dispatch_interval_ms", KeyType::kInt, "200", "How often pending offers are looked at when idle"},
          {"router.offer_max_backoff_ms", KeyType::kInt, "60000", "Longest wait between offer attempts"},
          {"router.dedup_ttl_hours", KeyType::kInt, "336", "How long processed event ids are remembered"},
          {"calendar.eves_are_non_working", KeyType::kBool, "true",
           "Midsummer Eve and Christmas Eve are not working days when counting working-day clocks (they are not "
           "public holidays; Act 150/1930 § 5 names them beside the holy days)"},
          {"router.client_tls.mode", KeyType::kString, "plaintext",
           "Offers to the targets: plaintext (local development only), tls, or mtls (present the router's "
           "certificate)"},
          {"router.client_tls.ca_file", KeyType::kString, "", "PEM CA bundle that signs the targets' certificates"},
          {"router.client_tls.cert_file", KeyType::kString, "", "PEM client certificate of the router (mtls)"},
          {"router.client_tls.key_file", KeyType::kString, "", "PEM private key of the router (mtls)", true},
      }};
  auto runtime = server::Runtime::Create(spec, argc, argv);
  if (!runtime.ok()) {
    log::SetService("referral-router");
    log::Error("cannot start", {{"error", std::string(runtime.status().message())}});
    return 2;
  }
  server::Runtime& rt = **runtime;
  const auto& config = rt.config();

  auto rules = router::LoadRulesFile(config.GetString("router.rules_file"));
  if (!rules.ok()) {
    log::Error("cannot load the rules", {{"error", std::string(rules.status().message())}});
    return 2;
  }
  log::Info("rules loaded", {{"rules", static_cast<int>(rules->size())}});

  router::ReferralStore store(rt.redis(), rt.keyspace(), rt.event_source(),
                              std::chrono::hours(config.GetInt("router.dedup_ttl_hours")));
  router::SharingStore sharing(rt.redis(), rt.keyspace(), rt.event_source(), rt.idempotency_ttl());

  auto channel_credentials = server::ChannelCredentialsFrom(config, "router.client_tls");
  if (!channel_credentials.ok()) {
    log::Error("invalid TLS configuration", {{"error", std::string(channel_credentials.status().message())}});
    return 2;
  }
  router::Dispatcher::Stubs stubs;
  for (const auto& [name, address] : config.Children("router.targets")) {
    auto service = router::ServiceFromName(name);
    if (service == common::v1::SERVICE_NAME_UNSPECIFIED || service == common::v1::SERVICE_NAME_REFERRAL_ROUTER ||
        service == common::v1::SERVICE_NAME_AUDIT_INDEX || service == common::v1::SERVICE_NAME_EXTERNAL) {
      log::Error("config key router.targets: not a service that takes offers", {{"service", name}});
      return 2;
    }
    stubs[service] = referral::v1::ReferralInbox::NewStub(grpc::CreateChannel(address, *channel_credentials));
  }
  router::DispatcherOptions dispatch_options;
  dispatch_options.offer_timeout = std::chrono::milliseconds(config.GetInt("router.offer_timeout_ms"));
  dispatch_options.interval = std::chrono::milliseconds(config.GetInt("router.dispatch_interval_ms"));
  dispatch_options.max_backoff = std::chrono::milliseconds(config.GetInt("router.offer_max_backoff_ms"));
  dispatch_options.sharing = &sharing;
  for (const router::Rule& rule : *rules) dispatch_options.under_denial[rule.id] = rule.under_denial;
  router::Dispatcher dispatcher(
      store, std::move(stubs), dispatch_options, [&rt] { rt.relay().Notify(); }, &rt.registry());

  calendar::WorkingDayPolicy calendar_policy{.eves_are_non_working = config.GetBool("calendar.eves_are_non_working")};
  router::EventHandler handler(
      store, sharing, std::move(*rules), calendar_policy,
      [&rt, &dispatcher] {
        rt.relay().Notify();
        dispatcher.Notify();
      },
      &rt.registry());
  kafka::ConsumerOptions consumer_options = rt.consumer_options("yhteys-referral-router", router::kDomainTopics);
  rt.AddConsumer(std::make_unique<kafka::Consumer>(
      consumer_options, [&handler](const kafka::ConsumedRecord& r) { return handler.Handle(r); }, &rt.registry()));
  rt.AddWorker("dispatcher", [&dispatcher](const std::atomic<bool>& stop) { dispatcher.Run(stop); });

  router::SharingSettings sharing_settings{&rt.pseudonymizer(), config.GetBool("identity.accept_temporary_codes"),
                                           &calendar::TodayInFinland};
  router::RouterService router_service(store, sharing, sharing_settings, rt.rpc_env(), [&rt] { rt.relay().Notify(); });
  rt.AddService(&router_service);
  return rt.Run();
}
