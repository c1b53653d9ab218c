#pragma once
// Home care as the runtime hosts it: its name, ports and config keys
// (Spec), its settings read once from the config (SettingsFrom), and the app
// object whose gRPC service and consumer main() registers.

#include <prometheus/counter.h>

#include <memory>

#include "absl/status/statusor.h"
#include "home_care_service.hpp"
#include "home_care_store.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::homecare {

inline constexpr const char* kGrpcService = v1::HomeCare::service_full_name();

server::ServiceSpec Spec();
// Without count_disagreement: the app object counts disagreements itself.
absl::StatusOr<HomeCareSettings> SettingsFrom(const server::Runtime& rt);

struct HomeCare {
  HomeCare(server::Runtime& rt, HomeCareSettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  HomeCare(const HomeCare&) = delete;
  HomeCare& operator=(const HomeCare&) = delete;

  // Unit scope of calls naming a client: the client's unit.
  server::AuditLog::RecordUnitLookup ClientOwner();
  // The closed loop: outcomes of the referrals home care caused
  // (yhteys.referrals.events.v1), kept with each client.
  std::unique_ptr<kafka::Consumer> ReferralOutcomeConsumer(server::Runtime& rt);

  prometheus::Family<prometheus::Counter>& disagreements;
  HomeCareStore store;
  HomeCareService service;
};

}  // namespace yhteys::homecare
