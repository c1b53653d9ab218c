#pragma once
// The units that collect feedback are data: a YAML file maps each unit id to
// its wellbeing services county, its municipality and the services it
// offers. Loaded once at start-up; an unknown key, a bad id, municipality
// code or service fails start-up with the unit and key named. Immutable
// after loading, so safe to read from any thread.
//
//   units:
//     fc-lahti-1:
//       county: paijat-hame          # wellbeing services county (hyvinvointialue)
//       municipality: "398"          # Statistics Finland code
//       services: [child-health-clinic, family-work]

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace yhteys::feedback {

struct Unit {
  std::string id;
  std::string county;
  std::string municipality_code;
  std::vector<std::string> services;

  bool Offers(std::string_view service) const;
};

class UnitCatalog {
 public:
  UnitCatalog() = default;
  explicit UnitCatalog(std::map<std::string, Unit, std::less<>> units) : units_(std::move(units)) {}

  // nullptr for an unknown unit.
  const Unit* Find(std::string_view unit_id) const;
  size_t size() const { return units_.size(); }

 private:
  std::map<std::string, Unit, std::less<>> units_;
};

// Errors are INVALID_ARGUMENT "units: <unit>.<key>: <what>".
absl::StatusOr<UnitCatalog> ParseUnits(std::string_view yaml_text);
// NOT_FOUND when the file cannot be read.
absl::StatusOr<UnitCatalog> LoadUnitsFile(const std::string& path);

}  // namespace yhteys::feedback
