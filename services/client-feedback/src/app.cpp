#include "app.hpp"

#include "alert_thresholds.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::feedback {

server::ServiceSpec Spec() {
  using config::KeyType;
  return {"client-feedback",
          "cf",
          "127.0.0.1:50054",
          "127.0.0.1:9464",
          {
              {"feedback.units_file", KeyType::kString, "services/client-feedback/config/units.yaml",
               "The units that collect feedback (YAML: unit id -> county, municipality, services)"},
              {"feedback.token_expiry_hours", KeyType::kInt, "336", "How long an unused feedback token stays valid"},
              {"feedback.free_text_retention_days", KeyType::kInt, "30",
               "How long free text is kept before Redis drops it"},
              {"feedback.free_text_max_chars", KeyType::kInt, "2000", "Longest free text accepted, in characters"},
              {"feedback.min_group_size", KeyType::kInt, "5",
               "Smallest number of answers a summary or an alert shows (at least 5)"},
              {"feedback.rolling_window_days", KeyType::kInt, "30",
               "Days of answers, up to today, that alerts are computed over"},
              {kNpsThresholdKey, KeyType::kString, "0", "Alert when the rolling NPS falls below this; empty: never"},
              {kStatementThresholdKey, KeyType::kString, "3.0",
               "Alert when a statement's rolling mean (1-5) falls below this; empty: never"},
              {"feedback.aggregate_retention_days", KeyType::kInt, "1096",
               "How long a day's aggregates are kept after its last answer (at least 366)"},
          }};
}

absl::StatusOr<ClientFeedbackSettings> SettingsFrom(const server::Runtime& rt) {
  const config::Config& c = rt.config();
  auto units = LoadUnitsFile(c.GetString("feedback.units_file"));
  if (!units.ok()) return units.status();
  auto thresholds =
      ParseAlertThresholds(c.GetString(kNpsThresholdKey), c.GetString(kStatementThresholdKey), kStatementCount);
  if (!thresholds.ok()) return thresholds.status();
  FeedbackSettings settings;
  static_cast<redis::StoreSettings&>(settings) = rt.store_settings();
  settings.token_expiry = std::chrono::hours(c.GetInt("feedback.token_expiry_hours"));
  settings.free_text_retention = std::chrono::days(c.GetInt("feedback.free_text_retention_days"));
  settings.free_text_max_chars = static_cast<int>(c.GetInt("feedback.free_text_max_chars"));
  settings.min_group_size = static_cast<int>(c.GetInt("feedback.min_group_size"));
  settings.rolling_window_days = static_cast<int>(c.GetInt("feedback.rolling_window_days"));
  settings.aggregate_retention = std::chrono::days(c.GetInt("feedback.aggregate_retention_days"));
  settings.thresholds = std::move(*thresholds);
  if (auto st = CheckSettings(settings); !st.ok()) return st;
  log::Info("units loaded", {{"units", static_cast<int>(units->size())}});
  return ClientFeedbackSettings{std::move(*units), std::move(settings)};
}

ClientFeedback::ClientFeedback(server::Runtime& rt, ClientFeedbackSettings settings)
    : units(std::move(settings.units)),
      store(rt.redis(), rt.keyspace(), units, std::move(settings.feedback)),
      service(store, rt.rpc_env(), &rt.relay()) {}

}  // namespace yhteys::feedback
