#pragma once
// Client feedback as the runtime hosts it: its name, ports and config keys
// (Spec), its settings and unit catalogue read once from the config
// (SettingsFrom), and the app object whose gRPC service main() registers.

#include "absl/status/statusor.h"
#include "feedback_service.hpp"
#include "feedback_store.hpp"
#include "units.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::feedback {

server::ServiceSpec Spec();

struct ClientFeedbackSettings {
  UnitCatalog units;  // from feedback.units_file
  FeedbackSettings feedback;
};
absl::StatusOr<ClientFeedbackSettings> SettingsFrom(const server::Runtime& rt);

struct ClientFeedback {
  ClientFeedback(server::Runtime& rt, ClientFeedbackSettings settings);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  ClientFeedback(const ClientFeedback&) = delete;
  ClientFeedback& operator=(const ClientFeedback&) = delete;

  UnitCatalog units;
  FeedbackStore store;
  FeedbackService service;
};

}  // namespace yhteys::feedback
