// yhteys-mental-health-intake: wiring only.
#include "intake_service.hpp"
#include "intake_store.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/domain_service_main.hpp"
#include "yhteys/validate/validate.hpp"

namespace {

using namespace yhteys;

struct Intake {
  explicit Intake(server::Runtime& rt)
      : store(rt.redis(), rt.keyspace(), rt.pseudonymizer(),
              {rt.event_source(),
               rt.config().GetBool("identity.accept_temporary_codes"),
               rt.idempotency_ttl(),
               &calendar::TodayInFinland,
               {static_cast<int>(rt.config().GetInt("intake.audit_c_threshold_men")),
                static_cast<int>(rt.config().GetInt("intake.audit_c_threshold_women"))},
               validate::IdList(rt.config().GetString("intake.units"))}),
        service(store, rt.rpc_env(), &rt.relay()) {}
  mentalhealth::IntakeStore store;
  mentalhealth::IntakeService service;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<config::KeySpec> keys = {
      {"intake.units", config::KeyType::kString,
       "mhi-lahti-1,mhi-heinola-1,mhi-rovaniemi-1,mhi-inari-1,mhi-seinajoki-1,mhi-kokkola-1",
       "Comma-separated ids of the intake units this service serves; any other unit_id is refused"},
      {"intake.audit_c_threshold_men", config::KeyType::kInt, "6",
       "AUDIT-C total at or above which a man's alcohol use is risky (Käypä hoito: alcohol problems)"},
      {"intake.audit_c_threshold_women", config::KeyType::kInt, "5",
       "AUDIT-C total at or above which a woman's alcohol use is risky; also used when the sex is not known"},
  };
  inbox::DomainService domain{{"mental-health-intake", "mhi", "127.0.0.1:50053", "127.0.0.1:9463", keys},
                              common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE,
                              mentalhealth::kTopic};
  return inbox::RunDomainService(domain, argc, argv, [](server::Runtime& rt) {
    auto intake = std::make_shared<Intake>(rt);
    rt.AddService(&intake->service);
    rt.AddRecordUnitLookup(
        "yhteys.mentalhealth.v1.MentalHealthIntake",
        [store = &intake->store](const std::string& intake_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
          auto record = store->GetIntake(intake_id);
          if (!record.ok()) return record.status();
          return server::AuditLog::RecordOwner{record->unit_id(), {record->client_id()}};
        });
    return std::static_pointer_cast<void>(intake);
  });
}
