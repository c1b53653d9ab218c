#pragma once
// The family centre as the runtime hosts it: its name, ports and config
// keys (Spec), its settings read once from the config (SettingsFrom), and
// the app object whose gRPC service main() registers.

#include "absl/status/statusor.h"
#include "family_service.hpp"
#include "family_store.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::familycentre {

inline constexpr const char* kGrpcService = v1::FamilyCentre::service_full_name();

server::ServiceSpec Spec();
absl::StatusOr<FamilySettings> SettingsFrom(const server::Runtime& rt);

struct FamilyCentre {
  FamilyCentre(server::Runtime& rt, FamilySettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  FamilyCentre(const FamilyCentre&) = delete;
  FamilyCentre& operator=(const FamilyCentre&) = delete;

  // Unit scope of calls naming a case: the case's unit, its members.
  server::AuditLog::RecordUnitLookup CaseOwner();

  FamilyStore store;
  FamilyService service;
};

}  // namespace yhteys::familycentre
