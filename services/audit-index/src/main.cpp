// yhteys-audit-index: wiring only (the shape every service's main has).
#include "app.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(auditindex::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = auditindex::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  auditindex::AuditIndex app(*rt, std::move(*settings));

  rt->AddService(&app.service);
  rt->AddConsumer(app.AuditConsumer(*rt));
  return rt->Run();
}
