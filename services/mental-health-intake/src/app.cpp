#include "app.hpp"

#include "yhteys/validate/validate.hpp"

namespace yhteys::mentalhealth {

server::ServiceSpec Spec() {
  using config::KeyType;
  return {"mental-health-intake",
          "mhi",
          "127.0.0.1:50053",
          "127.0.0.1:9463",
          {
              {"intake.units", KeyType::kString,
               "mhi-lahti-1,mhi-heinola-1,mhi-rovaniemi-1,mhi-inari-1,mhi-seinajoki-1,mhi-kokkola-1",
               "Comma-separated ids of the intake units this service serves; any other unit_id is refused"},
              {"intake.audit_c_threshold_men", KeyType::kInt, "6",
               "AUDIT-C total at or above which a man's alcohol use is risky (Käypä hoito: alcohol problems)"},
              {"intake.audit_c_threshold_women", KeyType::kInt, "5",
               "AUDIT-C total at or above which a woman's alcohol use is risky; also used when the sex is not known"},
          }};
}

absl::StatusOr<IntakeSettings> SettingsFrom(const server::Runtime& rt) {
  const config::Config& c = rt.config();
  IntakeSettings settings;
  static_cast<redis::StoreSettings&>(settings) = rt.store_settings();
  settings.audit_c = {static_cast<int>(c.GetInt("intake.audit_c_threshold_men")),
                      static_cast<int>(c.GetInt("intake.audit_c_threshold_women"))};
  settings.units = validate::IdList(c.GetString("intake.units"));
  return settings;
}

MentalHealthIntake::MentalHealthIntake(server::Runtime& rt, IntakeSettings settings)
    : store(rt.redis(), rt.keyspace(), rt.pseudonymizer(), std::move(settings)),
      service(store, rt.rpc_env(), &rt.relay()) {}

server::AuditLog::RecordUnitLookup MentalHealthIntake::IntakeOwner() {
  return [this](const std::string& intake_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
    auto record = store.GetIntake(intake_id);
    if (!record.ok()) return record.status();
    return server::AuditLog::RecordOwner{record->unit_id(), {record->client_id()}};
  };
}

}  // namespace yhteys::mentalhealth
