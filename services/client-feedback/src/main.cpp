// yhteys-client-feedback: wiring only.
#include "alert_thresholds.hpp"
#include "feedback_service.hpp"
#include "feedback_store.hpp"
#include "units.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/domain_service_main.hpp"
#include "yhteys/log/log.hpp"

namespace {

using namespace yhteys;

struct ClientFeedback {
  ClientFeedback(server::Runtime& rt, feedback::UnitCatalog catalog, feedback::FeedbackSettings settings)
      : units(std::move(catalog)),
        store(rt.redis(), rt.keyspace(), units, std::move(settings)),
        service(store, rt.rpc_env(), &rt.relay()) {}
  feedback::UnitCatalog units;
  feedback::FeedbackStore store;
  feedback::FeedbackService service;
};

absl::StatusOr<feedback::FeedbackSettings> SettingsFrom(server::Runtime& rt) {
  const config::Config& c = rt.config();
  auto thresholds =
      feedback::ParseAlertThresholds(c.GetString(feedback::kNpsThresholdKey),
                                     c.GetString(feedback::kStatementThresholdKey), feedback::kStatementCount);
  if (!thresholds.ok()) return thresholds.status();
  feedback::FeedbackSettings settings;
  settings.source = rt.event_source();
  settings.idempotency_ttl = rt.idempotency_ttl();
  settings.today = &calendar::TodayInFinland;
  settings.token_expiry = std::chrono::hours(c.GetInt("feedback.token_expiry_hours"));
  settings.free_text_retention = std::chrono::days(c.GetInt("feedback.free_text_retention_days"));
  settings.free_text_max_chars = static_cast<int>(c.GetInt("feedback.free_text_max_chars"));
  settings.min_group_size = static_cast<int>(c.GetInt("feedback.min_group_size"));
  settings.rolling_window_days = static_cast<int>(c.GetInt("feedback.rolling_window_days"));
  settings.aggregate_retention = std::chrono::days(c.GetInt("feedback.aggregate_retention_days"));
  settings.thresholds = std::move(*thresholds);
  if (auto st = feedback::CheckSettings(settings); !st.ok()) return st;
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  using config::KeyType;
  std::vector<config::KeySpec> keys = {
      {"feedback.units_file", KeyType::kString, "services/client-feedback/config/units.yaml",
       "The units that collect feedback (YAML: unit id -> county, municipality, services)"},
      {"feedback.token_expiry_hours", KeyType::kInt, "336", "How long an unused feedback token stays valid"},
      {"feedback.free_text_retention_days", KeyType::kInt, "30", "How long free text is kept before Redis drops it"},
      {"feedback.free_text_max_chars", KeyType::kInt, "2000", "Longest free text accepted, in characters"},
      {"feedback.min_group_size", KeyType::kInt, "5",
       "Smallest number of answers a summary or an alert shows (at least 5)"},
      {"feedback.rolling_window_days", KeyType::kInt, "30",
       "Days of answers, up to today, that alerts are computed over"},
      {feedback::kNpsThresholdKey, KeyType::kString, "0", "Alert when the rolling NPS falls below this; empty: never"},
      {feedback::kStatementThresholdKey, KeyType::kString, "3.0",
       "Alert when a statement's rolling mean (1-5) falls below this; empty: never"},
      {"feedback.aggregate_retention_days", KeyType::kInt, "1096",
       "How long a day's aggregates are kept after its last answer (at least 366)"},
  };
  inbox::DomainService domain{{"client-feedback", "cf", "127.0.0.1:50054", "127.0.0.1:9464", keys},
                              common::v1::SERVICE_NAME_CLIENT_FEEDBACK,
                              feedback::kTopic};
  return inbox::RunDomainService(domain, argc, argv, [](server::Runtime& rt) -> std::shared_ptr<void> {
    auto units = feedback::LoadUnitsFile(rt.config().GetString("feedback.units_file"));
    if (!units.ok()) {
      log::Error("cannot load the units", {{"error", std::string(units.status().message())}});
      return nullptr;
    }
    auto settings = SettingsFrom(rt);
    if (!settings.ok()) {
      log::Error("invalid configuration", {{"error", std::string(settings.status().message())}});
      return nullptr;
    }
    log::Info("units loaded", {{"units", static_cast<int>(units->size())}});
    auto client_feedback = std::make_shared<ClientFeedback>(rt, std::move(*units), std::move(*settings));
    rt.AddService(&client_feedback->service);
    return std::static_pointer_cast<void>(client_feedback);
  });
}
