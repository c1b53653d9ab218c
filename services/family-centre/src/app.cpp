#include "app.hpp"

#include "yhteys/validate/validate.hpp"

namespace yhteys::familycentre {

server::ServiceSpec Spec() {
  using config::KeyType;
  return {"family-centre",
          "fc",
          "127.0.0.1:50051",
          "127.0.0.1:9461",
          {
              {"family_centre.units", KeyType::kString,
               "fc-lahti-1,fc-heinola-1,fc-rovaniemi-1,fc-inari-1,fc-seinajoki-1,fc-kokkola-1",
               "Comma-separated ids of the family-centre units this service serves; any other unit_id is refused"},
              {"family_centre.epds_possible_from", KeyType::kInt, "10",
               "EPDS total from which depression is possible (project default)"},
              {"family_centre.epds_probable_from", KeyType::kInt, "13",
               "EPDS total from which depression is probable: the router's rule refers the parent to the intake"},
          }};
}

absl::StatusOr<FamilySettings> SettingsFrom(const server::Runtime& rt) {
  const config::Config& c = rt.config();
  FamilySettings settings;
  static_cast<redis::StoreSettings&>(settings) = rt.store_settings();
  settings.units = validate::IdList(c.GetString("family_centre.units"));
  settings.epds = {static_cast<int>(c.GetInt("family_centre.epds_possible_from")),
                   static_cast<int>(c.GetInt("family_centre.epds_probable_from"))};
  return settings;
}

FamilyCentre::FamilyCentre(server::Runtime& rt, FamilySettings settings)
    : store(rt.redis(), rt.keyspace(), rt.pseudonymizer(), std::move(settings)),
      service(store, rt.rpc_env(), &rt.relay()) {}

server::AuditLog::RecordUnitLookup FamilyCentre::CaseOwner() {
  return [this](const std::string& case_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
    auto family_case = store.GetCase(case_id);
    if (!family_case.ok()) return family_case.status();
    server::AuditLog::RecordOwner owner{family_case->unit_id(), {}};
    for (const auto& m : family_case->members()) owner.clients.push_back(m.member_id());
    return owner;
  };
}

}  // namespace yhteys::familycentre
