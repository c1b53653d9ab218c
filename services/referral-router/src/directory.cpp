#include "directory.hpp"

#include <yaml-cpp/yaml.h>

#include <map>

#include "yhteys/calendar/date_text.hpp"
#include "yhteys/server/service_names.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::router {
namespace {

absl::Status Bad(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(field + ": " + why);
}

absl::StatusOr<std::string> Text(const YAML::Node& node, const std::string& field) {
  if (!node) return Bad(field, "required");
  if (!node.IsScalar()) return Bad(field, "not a text");
  return node.as<std::string>();
}

absl::StatusOr<common::v1::Language> LanguageOf(const std::string& code, const std::string& field) {
  static const std::map<std::string, common::v1::Language> kCodes = {{"fi", common::v1::LANGUAGE_FI},
                                                                     {"sv", common::v1::LANGUAGE_SV},
                                                                     {"se", common::v1::LANGUAGE_SE},
                                                                     {"smn", common::v1::LANGUAGE_SMN},
                                                                     {"sms", common::v1::LANGUAGE_SMS}};
  auto it = kCodes.find(code);
  if (it == kCodes.end()) return Bad(field, "'" + code + "' is not one of fi, sv, se, smn, sms");
  return it->second;
}

absl::StatusOr<Capacity> CapacityOf(const YAML::Node& node, const std::string& field, std::string* updated_on) {
  if (!node || !node.IsMap()) return Bad(field, "required: {state, band (waitlist only), updated_on}");
  auto state = Text(node["state"], field + ".state");
  if (!state.ok()) return state.status();
  auto updated = Text(node["updated_on"], field + ".updated_on");
  if (!updated.ok()) return updated.status();
  if (!calendar::ParseDate(*updated).ok()) return Bad(field + ".updated_on", "not a date (YYYY-MM-DD)");
  *updated_on = *updated;
  const bool waitlist = *state == "waitlist";
  if (!waitlist && node["band"]) return Bad(field + ".band", "only with state waitlist");
  if (*state == "available") return Capacity::kAvailable;
  if (*state == "none") return Capacity::kNone;
  if (!waitlist) return Bad(field + ".state", "'" + *state + "' is not one of available, waitlist, none");
  auto band = Text(node["band"], field + ".band");
  if (!band.ok()) return band.status();
  if (*band == "under_1_month") return Capacity::kWaitlistUnderOneMonth;
  if (*band == "1_to_3_months") return Capacity::kWaitlistOneToThreeMonths;
  if (*band == "over_3_months") return Capacity::kWaitlistOverThreeMonths;
  return Bad(field + ".band", "'" + *band + "' is not one of under_1_month, 1_to_3_months, over_3_months");
}

absl::StatusOr<DirectoryUnit> UnitOf(const YAML::Node& node, const std::string& field) {
  if (!node.IsMap()) return Bad(field, "not a unit");
  DirectoryUnit unit;
  auto id = Text(node["id"], field + ".id");
  if (!id.ok()) return id.status();
  if (auto st = validate::Identifier(field + ".id", *id); !st.ok()) return st;
  unit.id = *id;
  auto organisation = Text(node["organisation"], field + ".organisation");
  if (!organisation.ok()) return organisation.status();
  unit.organisation = *organisation;
  auto service_type = Text(node["service_type"], field + ".service_type");
  if (!service_type.ok()) return service_type.status();
  if (auto st = validate::Identifier(field + ".service_type", *service_type); !st.ok()) return st;
  unit.service_type = *service_type;

  const YAML::Node& area = node["municipalities"];
  if (!area || !area.IsSequence() || area.size() == 0) return Bad(field + ".municipalities", "at least one code");
  for (size_t i = 0; i < area.size(); ++i) {
    const std::string f = field + ".municipalities[" + std::to_string(i) + "]";
    auto code = Text(area[i], f);
    if (!code.ok()) return code.status();
    if (auto st = validate::MunicipalityCode(f, *code); !st.ok()) return st;
    unit.municipalities.insert(*code);
  }
  const YAML::Node& languages = node["languages"];
  if (!languages || !languages.IsSequence() || languages.size() == 0) {
    return Bad(field + ".languages", "at least one language the service is regularly given in");
  }
  for (size_t i = 0; i < languages.size(); ++i) {
    const std::string f = field + ".languages[" + std::to_string(i) + "]";
    auto code = Text(languages[i], f);
    if (!code.ok()) return code.status();
    auto language = LanguageOf(*code, f);
    if (!language.ok()) return language.status();
    unit.languages.insert(*language);
  }
  if (const YAML::Node& age = node["age"]; age) {
    if (!age.IsMap()) return Bad(field + ".age", "{min, max}");
    try {
      if (age["min"]) unit.min_age = age["min"].as<int>();
      if (age["max"]) unit.max_age = age["max"].as<int>();
    } catch (const YAML::Exception&) {
      return Bad(field + ".age", "min and max are whole numbers of years");
    }
    if (unit.min_age < 0 || unit.max_age > 150 || unit.min_age > unit.max_age) {
      return Bad(field + ".age", "0 <= min <= max <= 150");
    }
  }
  auto status = Text(node["status"], field + ".status");
  if (!status.ok()) return status.status();
  if (*status == "active") {
    unit.status = UnitStatus::kActive;
  } else if (*status == "temporarily_closed") {
    unit.status = UnitStatus::kTemporarilyClosed;
  } else if (*status == "inactive") {
    unit.status = UnitStatus::kInactive;
  } else {
    return Bad(field + ".status", "'" + *status + "' is not one of active, temporarily_closed, inactive");
  }
  auto capacity = CapacityOf(node["capacity"], field + ".capacity", &unit.capacity_updated_on);
  if (!capacity.ok()) return capacity.status();
  unit.capacity = *capacity;
  auto reached = Text(node["reached_through"], field + ".reached_through");
  if (!reached.ok()) return reached.status();
  unit.reached_through = *reached == "external" ? common::v1::SERVICE_NAME_EXTERNAL : server::ServiceFromName(*reached);
  if (unit.reached_through == common::v1::SERVICE_NAME_UNSPECIFIED ||
      unit.reached_through == common::v1::SERVICE_NAME_REFERRAL_ROUTER ||
      unit.reached_through == common::v1::SERVICE_NAME_AUDIT_INDEX) {
    return Bad(field + ".reached_through", "a Yhteys service that takes offers, or external");
  }
  return unit;
}

}  // namespace

absl::StatusOr<Directory> ParseDirectory(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("directory: not YAML: ") + e.what());
  }
  if (!root.IsMap()) return Bad("directory", "a map with county and units");
  Directory directory;
  auto county = Text(root["county"], "county");
  if (!county.ok()) return county.status();
  directory.county = *county;
  const YAML::Node& units = root["units"];
  if (!units || !units.IsSequence() || units.size() == 0) return Bad("units", "at least one unit");
  std::set<std::string> ids;
  for (size_t i = 0; i < units.size(); ++i) {
    const std::string field = "units[" + std::to_string(i) + "]";
    auto unit = UnitOf(units[i], field);
    if (!unit.ok()) return unit.status();
    if (!ids.insert(unit->id).second) return Bad(field + ".id", "'" + unit->id + "' twice");
    directory.units.push_back(std::move(*unit));
  }
  return directory;
}

}  // namespace yhteys::router
