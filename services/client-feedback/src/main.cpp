// yhteys-client-feedback: wiring only (the shape every service's main has).
#include "app.hpp"
#include "yhteys/inbox/inbox.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(feedback::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = feedback::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  feedback::ClientFeedback app(*rt, std::move(*settings));
  inbox::Inbox inbox(*rt, common::v1::SERVICE_NAME_CLIENT_FEEDBACK, feedback::kTopic);

  // Feedback answers are anonymous: no record of the API belongs to a client
  // or a unit's caseload, so it needs no unit lookup.
  rt->AddService(&app.service);
  rt->AddService(&inbox.service);
  rt->AddRecordUnitLookup(inbox::kGrpcService, inbox.EntryOwner());
  return rt->Run();
}
