// yhteys-home-care: wiring only.
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "home_care_service.hpp"
#include "home_care_store.hpp"
#include "referral_outcomes.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/domain_service_main.hpp"
#include "yhteys/validate/validate.hpp"

namespace {

using namespace yhteys;

struct HomeCare {
  HomeCare(server::Runtime& rt)
      : disagreements(prometheus::BuildCounter()
                          .Name("yhteys_rai_scale_disagreements_total")
                          .Help("Assessments whose scale from the certified RAI software differs from Yhteys' "
                                "cross-check, by scale (the certified value stands)")
                          .Register(rt.registry())),
        store(rt.redis(), rt.keyspace(), rt.pseudonymizer(),
              {rt.event_source(), rt.config().GetBool("identity.accept_temporary_codes"), rt.idempotency_ttl(),
               &calendar::TodayInFinland, static_cast<int>(rt.config().GetInt("homecare.missed_visits_alert_after")),
               validate::IdList(rt.config().GetString("homecare.units")),
               [this](const std::string& scale) {
                 disagreements.Add({{"scale", scale}}).Increment();
               }}),
        service(store, rt.rpc_env(), &rt.relay()) {
    for (const char* scale : {"drs", "cps", "adl_hierarchy", "chess", "maple"}) disagreements.Add({{"scale", scale}});
  }
  prometheus::Family<prometheus::Counter>& disagreements;
  homecare::HomeCareStore store;
  homecare::HomeCareService service;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<config::KeySpec> keys = {
      {"homecare.units", config::KeyType::kString,
       "hc-lahti-1,hc-heinola-1,hc-rovaniemi-1,hc-inari-1,hc-seinajoki-1,hc-kokkola-1,hc-bench",
       "Comma-separated ids of the home-care units this service serves; any other unit_id is refused"},
      {"homecare.missed_visits_alert_after", config::KeyType::kInt, "2",
       "Missed visits in a row that raise a VisitsMissedAlert (once, until a visit is done)"},
  };
  inbox::DomainService domain{{"home-care", "hc", "127.0.0.1:50052", "127.0.0.1:9462", keys},
                              common::v1::SERVICE_NAME_HOME_CARE,
                              homecare::kTopic};
  return inbox::RunDomainService(domain, argc, argv, [](server::Runtime& rt) {
    auto home_care = std::make_shared<HomeCare>(rt);
    rt.AddService(&home_care->service);
    rt.AddRecordUnitLookup(
        "yhteys.homecare.v1.HomeCare",
        [store = &home_care->store](const std::string& client) -> absl::StatusOr<server::AuditLog::RecordOwner> {
          auto unit = store->UnitOfClient(client);
          if (!unit.ok()) return unit.status();
          return server::AuditLog::RecordOwner{*unit, {client}};
        });
    // The closed loop: outcomes of the referrals home care caused.
    kafka::ConsumerOptions options = rt.consumer_options("yhteys-home-care", {homecare::kReferralsTopic});
    homecare::HomeCareStore* store = &home_care->store;
    rt.AddConsumer(std::make_unique<kafka::Consumer>(
        options, [store](const kafka::ConsumedRecord& r) { return homecare::HandleReferralEvent(*store, r); },
        &rt.registry()));
    return std::static_pointer_cast<void>(home_care);
  });
}
