#pragma once
// What every service's store shares, read once from the config by the
// runtime (server::Runtime::store_settings): the CloudEvents source of its
// events, how long an idempotency record is kept, the day in Finland (date
// checks and statutory clocks read it; tests fix it), and whether temporary
// (900-series) identity codes are accepted. A service's settings struct
// derives from it and adds its own keys.

#include <chrono>
#include <functional>
#include <string>

namespace yhteys::redis {

struct StoreSettings {
  std::string source;  // ce_source, "/yhteys/<service>"
  std::chrono::seconds idempotency_ttl{std::chrono::hours(168)};
  std::function<std::chrono::year_month_day()> today;
  bool accept_temporary_codes = false;  // identity.accept_temporary_codes
};

}  // namespace yhteys::redis
