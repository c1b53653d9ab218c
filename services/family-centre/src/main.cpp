// yhteys-family-centre: wiring only (the shape every service's main has).
#include "app.hpp"
#include "yhteys/inbox/inbox.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(familycentre::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = familycentre::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  familycentre::FamilyCentre app(*rt, std::move(*settings));
  inbox::Inbox inbox(*rt, common::v1::SERVICE_NAME_FAMILY_CENTRE, familycentre::kTopic);

  rt->AddService(&app.service);
  rt->AddRecordUnitLookup(familycentre::kGrpcService, app.CaseOwner());
  rt->AddService(&inbox.service);
  rt->AddRecordUnitLookup(inbox::kGrpcService, inbox.EntryOwner());
  return rt->Run();
}
