// yhteys-family-centre: wiring only.
#include "family_service.hpp"
#include "family_store.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/domain_service_main.hpp"
#include "yhteys/validate/validate.hpp"

namespace {

using namespace yhteys;

struct Family {
  explicit Family(server::Runtime& rt)
      : store(rt.redis(), rt.keyspace(), rt.pseudonymizer(),
              {rt.event_source(),
               rt.config().GetBool("identity.accept_temporary_codes"),
               rt.idempotency_ttl(),
               &calendar::TodayInFinland,
               validate::IdList(rt.config().GetString("family_centre.units")),
               {static_cast<int>(rt.config().GetInt("family_centre.epds_possible_from")),
                static_cast<int>(rt.config().GetInt("family_centre.epds_probable_from"))}}),
        service(store, rt.rpc_env(), &rt.relay()) {}
  familycentre::FamilyStore store;
  familycentre::FamilyService service;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<config::KeySpec> keys = {
      {"family_centre.units", config::KeyType::kString,
       "fc-lahti-1,fc-heinola-1,fc-rovaniemi-1,fc-inari-1,fc-seinajoki-1,fc-kokkola-1",
       "Comma-separated ids of the family-centre units this service serves; any other unit_id is refused"},
      {"family_centre.epds_possible_from", config::KeyType::kInt, "10",
       "EPDS total from which depression is possible (project default)"},
      {"family_centre.epds_probable_from", config::KeyType::kInt, "13",
       "EPDS total from which depression is probable: the router's rule refers the parent to the intake"},
  };
  inbox::DomainService domain{{"family-centre", "fc", "127.0.0.1:50051", "127.0.0.1:9461", keys},
                              common::v1::SERVICE_NAME_FAMILY_CENTRE,
                              familycentre::kTopic};
  return inbox::RunDomainService(domain, argc, argv, [](server::Runtime& rt) {
    auto family = std::make_shared<Family>(rt);
    rt.AddService(&family->service);
    rt.AddRecordUnitLookup(
        "yhteys.familycentre.v1.FamilyCentre",
        [store = &family->store](const std::string& case_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
          auto family_case = store->GetCase(case_id);
          if (!family_case.ok()) return family_case.status();
          server::AuditLog::RecordOwner owner{family_case->unit_id(), {}};
          for (const auto& m : family_case->members()) owner.clients.push_back(m.member_id());
          return owner;
        });
    return std::static_pointer_cast<void>(family);
  });
}
