#include "app.hpp"

#include <prometheus/registry.h>

#include "referral_outcomes.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {
namespace {

HomeCareSettings Counting(HomeCareSettings settings, prometheus::Family<prometheus::Counter>& disagreements) {
  settings.count_disagreement = [&disagreements](const std::string& scale) {
    disagreements.Add({{"scale", scale}}).Increment();
  };
  return settings;
}

}  // namespace

server::ServiceSpec Spec() {
  using config::KeyType;
  return {"home-care",
          "hc",
          "127.0.0.1:50052",
          "127.0.0.1:9462",
          {
              {"homecare.units", KeyType::kString,
               "hc-lahti-1,hc-heinola-1,hc-rovaniemi-1,hc-inari-1,hc-seinajoki-1,hc-kokkola-1,hc-bench",
               "Comma-separated ids of the home-care units this service serves; any other unit_id is refused"},
              {"homecare.missed_visits_alert_after", KeyType::kInt, "2",
               "Missed visits in a row that raise a VisitsMissedAlert (once, until a visit is done)"},
          }};
}

absl::StatusOr<HomeCareSettings> SettingsFrom(const server::Runtime& rt) {
  const config::Config& c = rt.config();
  HomeCareSettings settings;
  static_cast<redis::StoreSettings&>(settings) = rt.store_settings();
  settings.missed_visits_alert_after = static_cast<int>(c.GetInt("homecare.missed_visits_alert_after"));
  settings.units = validate::IdList(c.GetString("homecare.units"));
  return settings;
}

HomeCare::HomeCare(server::Runtime& rt, HomeCareSettings settings)
    : disagreements(prometheus::BuildCounter()
                        .Name("yhteys_rai_scale_disagreements_total")
                        .Help("Assessments whose scale from the certified RAI software differs from Yhteys' "
                              "cross-check, by scale (the certified value stands)")
                        .Register(rt.registry())),
      store(rt.redis(), rt.keyspace(), rt.pseudonymizer(), Counting(std::move(settings), disagreements)),
      service(store, rt.rpc_env(), &rt.relay()) {
  for (const char* scale : {"drs", "cps", "adl_hierarchy", "chess", "maple"}) disagreements.Add({{"scale", scale}});
}

server::AuditLog::RecordUnitLookup HomeCare::ClientOwner() {
  return [this](const std::string& client) -> absl::StatusOr<server::AuditLog::RecordOwner> {
    auto unit = store.UnitOfClient(client);
    if (!unit.ok()) return unit.status();
    return server::AuditLog::RecordOwner{*unit, {client}};
  };
}

std::unique_ptr<kafka::Consumer> HomeCare::ReferralOutcomeConsumer(server::Runtime& rt) {
  return std::make_unique<kafka::Consumer>(
      rt.consumer_options("yhteys-home-care", {kReferralsTopic}),
      [this](const kafka::ConsumedRecord& r) { return HandleReferralEvent(store, r); }, &rt.registry());
}

}  // namespace yhteys::homecare
