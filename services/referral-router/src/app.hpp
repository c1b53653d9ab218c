#pragma once
// The referral router as the runtime hosts it: its name, ports and config
// keys (Spec), its settings read once from the config and the rules file
// (SettingsFrom), and the app object whose gRPC service, consumer and
// dispatcher main() registers.

#include <chrono>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "client_sharing.hpp"
#include "directory_source.hpp"
#include "dispatcher.hpp"
#include "event_handler.hpp"
#include "referral_store.hpp"
#include "restore.hpp"
#include "router_service.hpp"
#include "rules.hpp"
#include "unit_store.hpp"
#include "yhteys/calendar/working_days.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::router {

server::ServiceSpec Spec();

struct RouterSettings {
  std::vector<Rule> rules;                          // router.rules_file
  std::string directory_dir;                        // router.directory_dir
  LoadedDirectory directory;                        // every county's file in it
  std::chrono::milliseconds directory_poll{10000};  // router.directory_poll_ms
  OfferExpiry offer_expiry;                         // router.offer_expiry_{urgent,non_urgent}_minutes
  Dispatcher::Stubs targets;                        // router.targets.*: each service's ReferralInbox
  DispatcherOptions dispatch;           // router.offer_timeout_ms, dispatch_interval_ms, offer_max_backoff_ms
  std::chrono::hours dedup_ttl{336};    // router.dedup_ttl_hours
  calendar::WorkingDayPolicy calendar;  // calendar.eves_are_non_working
  SharingSettings sharing;
  WatchSettings watch;                  // router.max_watches, router.watch_keepalive_ms and the broker
  bool restore_from_changelog = false;  // router.restore_from_changelog
};
absl::StatusOr<RouterSettings> SettingsFrom(const server::Runtime& rt);

struct ReferralRouter {
  ReferralRouter(server::Runtime& rt, RouterSettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  ReferralRouter(const ReferralRouter&) = delete;
  ReferralRouter& operator=(const ReferralRouter&) = delete;

  // The domain events the rules read (kafka::topics::kDomain).
  std::unique_ptr<kafka::Consumer> DomainEventConsumer(server::Runtime& rt);

  // Rebuilds an empty Redis from the changelog (restore.hpp); before Run.
  absl::Status Restore();

  // Reloads the directory when its files change (a worker).
  void WatchDirectory(const std::atomic<bool>& stop);

  DirectorySource directory;
  std::chrono::milliseconds directory_poll;
  ReferralStore store;
  SharingStore sharing;
  UnitStore units;
  Dispatcher dispatcher;  // offers pending referrals to the targets' inboxes; run as a worker
  EventHandler handler;
  RouterService service;
};

}  // namespace yhteys::router
