// yhteys-mental-health-intake: wiring only (the shape every service's main has).
#include "app.hpp"
#include "yhteys/inbox/inbox.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(mentalhealth::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = mentalhealth::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  mentalhealth::MentalHealthIntake app(*rt, std::move(*settings));
  inbox::Inbox inbox(*rt, common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE, mentalhealth::kTopic);

  rt->AddService(&app.service);
  rt->AddRecordUnitLookup(mentalhealth::kGrpcService, app.IntakeOwner());
  rt->AddService(&inbox.service);
  rt->AddRecordUnitLookup(inbox::kGrpcService, inbox.EntryOwner());
  return rt->Run();
}
