// yhteys-home-care: wiring only (the shape every service's main has).
#include "app.hpp"
#include "yhteys/inbox/inbox.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(homecare::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = homecare::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  homecare::HomeCare app(*rt, std::move(*settings));
  inbox::Inbox inbox(*rt, common::v1::SERVICE_NAME_HOME_CARE, homecare::kTopic);

  rt->AddService(&app.service);
  rt->AddRecordUnitLookup(homecare::kGrpcService, app.ClientOwner());
  rt->AddService(&inbox.service);
  rt->AddRecordUnitLookup(inbox::kGrpcService, inbox.EntryOwner());
  rt->AddConsumer(app.ReferralOutcomeConsumer(*rt));
  return rt->Run();
}
