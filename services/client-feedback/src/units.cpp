#include "units.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "yhteys/validate/validate.hpp"

namespace yhteys::feedback {
namespace {

constexpr size_t kMaxServices = 64;

absl::Status UnitError(const std::string& unit, const std::string& key, std::string_view what) {
  return absl::InvalidArgumentError("units: " + unit + (key.empty() ? "" : "." + key) + ": " + std::string(what));
}

// validate:: errors start with the field name; keep only what follows it.
std::string Reason(const absl::Status& status) {
  std::string message(status.message());
  auto colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

absl::StatusOr<Unit> ParseUnit(const std::string& id, const YAML::Node& node) {
  if (auto st = validate::Identifier("unit", id); !st.ok()) return UnitError(id, "", Reason(st));
  if (!node.IsMap()) return UnitError(id, "", "must be a map with county, municipality and services");
  Unit unit;
  unit.id = id;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (key != "county" && key != "municipality" && key != "services") return UnitError(id, key, "unknown key");
  }
  if (!node["county"] || !node["county"].IsScalar()) return UnitError(id, "county", "required");
  unit.county = node["county"].as<std::string>();
  if (auto st = validate::Identifier("county", unit.county); !st.ok()) return UnitError(id, "county", Reason(st));
  if (!node["municipality"] || !node["municipality"].IsScalar()) return UnitError(id, "municipality", "required");
  unit.municipality_code = node["municipality"].as<std::string>();
  if (auto st = validate::MunicipalityCode("municipality", unit.municipality_code); !st.ok()) {
    return UnitError(id, "municipality", Reason(st));
  }
  const YAML::Node services = node["services"];
  if (!services || !services.IsSequence() || services.size() == 0) {
    return UnitError(id, "services", "required, a non-empty list");
  }
  if (services.size() > kMaxServices) {
    return UnitError(id, "services", "more than " + std::to_string(kMaxServices) + " services");
  }
  for (const YAML::Node& s : services) {
    if (!s.IsScalar()) return UnitError(id, "services", "each service is an identifier");
    std::string service = s.as<std::string>();
    if (auto st = validate::Identifier("service", service); !st.ok()) return UnitError(id, "services", Reason(st));
    if (unit.Offers(service)) return UnitError(id, "services", service + " is listed twice");
    unit.services.push_back(std::move(service));
  }
  return unit;
}

}  // namespace

bool Unit::Offers(std::string_view service) const {
  return std::find(services.begin(), services.end(), service) != services.end();
}

const Unit* UnitCatalog::Find(std::string_view unit_id) const {
  auto it = units_.find(unit_id);
  return it == units_.end() ? nullptr : &it->second;
}

absl::StatusOr<UnitCatalog> ParseUnits(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("units: not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return absl::InvalidArgumentError("units: the file must be a map with the key units");
  std::map<std::string, Unit, std::less<>> units;
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      if (key != "units") return absl::InvalidArgumentError("units: " + key + ": unknown key");
    }
    const YAML::Node list = root["units"];
    if (!list || !list.IsMap() || list.size() == 0) {
      return absl::InvalidArgumentError("units: units: required, a non-empty map of unit id to unit");
    }
    for (const auto& entry : list) {
      const std::string id = entry.first.as<std::string>();
      auto unit = ParseUnit(id, entry.second);
      if (!unit.ok()) return unit.status();
      if (!units.emplace(id, std::move(*unit)).second) return UnitError(id, "", "listed twice");
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(std::string("units: ") + e.what());
  }
  return UnitCatalog(std::move(units));
}

absl::StatusOr<UnitCatalog> LoadUnitsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("units file " + path + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseUnits(buf.str());
}

}  // namespace yhteys::feedback
