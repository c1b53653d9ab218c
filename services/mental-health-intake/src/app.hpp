#pragma once
// The mental-health intake as the runtime hosts it: its name, ports and
// config keys (Spec), its settings read once from the config
// (SettingsFrom), and the app object whose gRPC service main() registers.

#include "absl/status/statusor.h"
#include "intake_service.hpp"
#include "intake_store.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::mentalhealth {

inline constexpr const char* kGrpcService = v1::MentalHealthIntake::service_full_name();

server::ServiceSpec Spec();
absl::StatusOr<IntakeSettings> SettingsFrom(const server::Runtime& rt);

struct MentalHealthIntake {
  MentalHealthIntake(server::Runtime& rt, IntakeSettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  MentalHealthIntake(const MentalHealthIntake&) = delete;
  MentalHealthIntake& operator=(const MentalHealthIntake&) = delete;

  // Unit scope of calls naming an intake: its unit and client.
  server::AuditLog::RecordUnitLookup IntakeOwner();

  IntakeStore store;
  IntakeService service;
};

}  // namespace yhteys::mentalhealth
