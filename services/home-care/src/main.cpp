// yhteys-home-care: wiring only.
#include <cstdio>

#include "home_care_service.hpp"
#include "home_care_store.hpp"
#include "referral_outcomes.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/inbox_service.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/runtime.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  calendar::UseFinnishTimeZoneUnlessSet();
  server::ServiceSpec spec{"home-care", "hc", "127.0.0.1:50052", "127.0.0.1:9462", {}};
  auto runtime = server::Runtime::Create(spec, argc, argv);
  if (!runtime.ok()) {
    log::SetService("home-care");
    log::Error("cannot start", {{"error", std::string(runtime.status().message())}});
    return 2;
  }
  server::Runtime& rt = **runtime;

  homecare::HomeCareStore store(rt.redis(), rt.keyspace(), rt.pseudonymizer(),
                                {rt.event_source(), rt.config().GetBool("identity.accept_temporary_codes"),
                                 rt.idempotency_ttl(), &calendar::TodayLocal});
  homecare::HomeCareService home_care(store, rt.rpc_env(), &rt.relay());

  inbox::InboxStore inbox_store(rt.redis(), rt.keyspace(),
                                {common::v1::SERVICE_NAME_HOME_CARE, homecare::kTopic, rt.event_source(),
                                 rt.idempotency_ttl()});
  inbox::InboxService inbox(inbox_store, rt.rpc_env(), &rt.relay());

  kafka::ConsumerOptions consumer_options;
  consumer_options.bootstrap = rt.kafka_bootstrap();
  consumer_options.group_id = rt.config().GetString("kafka.consumer_group");
  consumer_options.client_id = "yhteys-home-care";
  consumer_options.topics = {homecare::kReferralsTopic};
  consumer_options.consumer_config = {{"log_level", "4"}};
  rt.AddConsumer(std::make_unique<kafka::Consumer>(
      consumer_options, [&store](const kafka::ConsumedRecord& r) { return homecare::HandleReferralEvent(store, r); },
      &rt.registry()));

  rt.AddService(&home_care);
  rt.AddService(&inbox);
  return rt.Run();
}
