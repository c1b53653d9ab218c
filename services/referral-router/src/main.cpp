// yhteys-referral-router: wiring only (the shape every service's main has).
#include "app.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  auto rt = server::Runtime::Start(router::Spec(), argc, argv);
  if (rt == nullptr) return 2;
  auto settings = router::SettingsFrom(*rt);
  if (!settings.ok()) return rt->Refuse("invalid configuration", settings.status());

  const bool restore = settings->restore_from_changelog;
  router::ReferralRouter app(*rt, std::move(*settings));
  if (restore) {
    absl::Status restored = rt->EnsureMarkers();
    if (restored.ok()) restored = app.Restore();
    if (!restored.ok()) return rt->Refuse("restore failed", restored);
  }

  rt->AddService(&app.service);
  rt->AddConsumer(app.DomainEventConsumer(*rt));
  rt->AddWorker("dispatcher", [&app](const std::atomic<bool>& stop) { app.dispatcher.Run(stop); });
  rt->AddWorker("directory", [&app](const std::atomic<bool>& stop) { app.WatchDirectory(stop); });
  rt->OnReload([&app] { (void)app.directory.Reload(); });
  return rt->Run();
}
