#include "directory.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "service_types.hpp"

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

// A misspelt key ("langauges") would silently drop what it meant to say.
absl::Status OnlyKeys(const YAML::Node& node, const std::set<std::string>& allowed, const std::string& field) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (allowed.count(key) == 0) return Bad(field.empty() ? key : field + "." + key, "unknown key");
  }
  return absl::OkStatus();
}

// Where a unit sits in the file, and what it inherits from its service.
struct ServiceContext {
  std::string county;
  std::string organisation;
  std::string service;
  std::string service_type;
  common::v1::ServiceName reached_through = common::v1::SERVICE_NAME_UNSPECIFIED;
};

absl::StatusOr<DirectoryUnit> UnitOf(const YAML::Node& node, const std::string& field, const ServiceContext& in) {
  if (!node.IsMap()) return Bad(field, "not a unit");
  if (auto st = OnlyKeys(node, {"id", "name", "municipalities", "languages", "age", "status", "capacity"}, field);
      !st.ok()) {
    return st;
  }
  DirectoryUnit unit;
  unit.county = in.county;
  unit.organisation = in.organisation;
  unit.service = in.service;
  unit.service_type = in.service_type;
  unit.reached_through = in.reached_through;
  auto id = Text(node["id"], field + ".id");
  if (!id.ok()) return id.status();
  if (auto st = validate::Identifier(field + ".id", *id); !st.ok()) return st;
  unit.id = *id;
  auto name = Text(node["name"], field + ".name");
  if (!name.ok()) return name.status();
  unit.name = *name;

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
    if (auto st = OnlyKeys(age, {"min", "max"}, field + ".age"); !st.ok()) return st;
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
  auto parsed_status = ParseUnitStatus(*status);
  if (!parsed_status) {
    return Bad(field + ".status", "'" + *status + "' is not one of active, temporarily_closed, inactive");
  }
  unit.status = *parsed_status;
  auto capacity = CapacityOf(node["capacity"], field + ".capacity", &unit.capacity_updated_on);
  if (!capacity.ok()) return capacity.status();
  unit.capacity = *capacity;
  return unit;
}

absl::Status ServiceOf(const YAML::Node& node, const std::string& field, ServiceContext in,
                       std::vector<DirectoryUnit>* out) {
  if (!node.IsMap()) return Bad(field, "not a service");
  if (auto st = OnlyKeys(node, {"id", "name", "service_type", "reached_through", "units"}, field); !st.ok()) return st;
  auto id = Text(node["id"], field + ".id");
  if (!id.ok()) return id.status();
  if (auto st = validate::Identifier(field + ".id", *id); !st.ok()) return st;
  in.service = *id;
  if (auto name = Text(node["name"], field + ".name"); !name.ok()) return name.status();
  auto service_type = Text(node["service_type"], field + ".service_type");
  if (!service_type.ok()) return service_type.status();
  if (FindServiceType(*service_type) == nullptr) {
    return Bad(field + ".service_type", "'" + *service_type + "' is not one of " + ServiceTypeIds());
  }
  in.service_type = *service_type;
  auto reached = Text(node["reached_through"], field + ".reached_through");
  if (!reached.ok()) return reached.status();
  in.reached_through = *reached == "external" ? common::v1::SERVICE_NAME_EXTERNAL : server::ServiceFromName(*reached);
  if (in.reached_through == common::v1::SERVICE_NAME_UNSPECIFIED ||
      in.reached_through == common::v1::SERVICE_NAME_REFERRAL_ROUTER ||
      in.reached_through == common::v1::SERVICE_NAME_AUDIT_INDEX) {
    return Bad(field + ".reached_through", "a Yhteys service that takes offers, or external");
  }
  const YAML::Node& units = node["units"];
  if (!units || !units.IsSequence() || units.size() == 0) return Bad(field + ".units", "at least one unit");
  for (size_t i = 0; i < units.size(); ++i) {
    auto unit = UnitOf(units[i], field + ".units[" + std::to_string(i) + "]", in);
    if (!unit.ok()) return unit.status();
    out->push_back(std::move(*unit));
  }
  return absl::OkStatus();
}

absl::Status OrganisationOf(const YAML::Node& node, const std::string& field, ServiceContext in,
                            std::vector<DirectoryUnit>* out) {
  if (!node.IsMap()) return Bad(field, "not an organisation");
  if (auto st = OnlyKeys(node, {"id", "name", "services"}, field); !st.ok()) return st;
  auto id = Text(node["id"], field + ".id");
  if (!id.ok()) return id.status();
  if (auto st = validate::Identifier(field + ".id", *id); !st.ok()) return st;
  in.organisation = *id;
  if (auto name = Text(node["name"], field + ".name"); !name.ok()) return name.status();
  const YAML::Node& services = node["services"];
  if (!services || !services.IsSequence() || services.size() == 0) {
    return Bad(field + ".services", "at least one service");
  }
  for (size_t i = 0; i < services.size(); ++i) {
    if (auto st = ServiceOf(services[i], field + ".services[" + std::to_string(i) + "]", in, out); !st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<UnitStatus> ParseUnitStatus(const std::string& text) {
  if (text == "active") return UnitStatus::kActive;
  if (text == "temporarily_closed") return UnitStatus::kTemporarilyClosed;
  if (text == "inactive") return UnitStatus::kInactive;
  return std::nullopt;
}

const char* UnitStatusName(UnitStatus status) {
  switch (status) {
    case UnitStatus::kActive: return "active";
    case UnitStatus::kTemporarilyClosed: return "temporarily_closed";
    case UnitStatus::kInactive: return "inactive";
  }
  return "unknown";
}

const char* CapacityName(Capacity capacity) {
  switch (capacity) {
    case Capacity::kAvailable: return "available";
    case Capacity::kWaitlistUnderOneMonth: return "waitlist_under_1_month";
    case Capacity::kWaitlistOneToThreeMonths: return "waitlist_1_to_3_months";
    case Capacity::kWaitlistOverThreeMonths: return "waitlist_over_3_months";
    case Capacity::kNone: return "none";
  }
  return "unknown";
}

const DirectoryUnit* Directory::Find(const std::string& unit_id) const {
  for (const DirectoryUnit& unit : units) {
    if (unit.id == unit_id) return &unit;
  }
  return nullptr;
}

absl::StatusOr<Directory> ParseDirectory(const std::string& yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("directory: not YAML: ") + e.what());
  }
  if (!root.IsMap()) return Bad("directory", "a map with county, name and organisations");
  if (auto st = OnlyKeys(root, {"county", "name", "organisations"}, ""); !st.ok()) return st;
  Directory directory;
  auto county = Text(root["county"], "county");
  if (!county.ok()) return county.status();
  if (auto st = validate::Identifier("county", *county); !st.ok()) return st;
  directory.county = *county;
  auto name = Text(root["name"], "name");
  if (!name.ok()) return name.status();
  directory.name = *name;
  const YAML::Node& organisations = root["organisations"];
  if (!organisations || !organisations.IsSequence() || organisations.size() == 0) {
    return Bad("organisations", "at least one organisation");
  }
  ServiceContext in;
  in.county = directory.county;
  for (size_t i = 0; i < organisations.size(); ++i) {
    if (auto st = OrganisationOf(organisations[i], "organisations[" + std::to_string(i) + "]", in, &directory.units);
        !st.ok()) {
      return st;
    }
  }
  std::set<std::string> ids;
  for (const DirectoryUnit& unit : directory.units) {
    if (!ids.insert(unit.id).second) return Bad("unit " + unit.id, "the id is used twice");
  }
  return directory;
}

absl::StatusOr<Directory> MergeDirectories(const std::vector<Directory>& counties) {
  Directory merged;
  std::map<std::string, std::string> seen;  // unit id -> county
  for (const Directory& county : counties) {
    for (const DirectoryUnit& unit : county.units) {
      auto [it, inserted] = seen.emplace(unit.id, county.county);
      if (!inserted) {
        return Bad("unit " + unit.id, "in both " + it->second + " and " + county.county);
      }
      merged.units.push_back(unit);
    }
  }
  return merged;
}

}  // namespace yhteys::router
