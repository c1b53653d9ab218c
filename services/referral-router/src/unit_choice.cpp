#include "unit_choice.hpp"

#include <algorithm>
#include <tuple>

namespace yhteys::router {
namespace {

const char* CapacityText(Capacity c) {
  switch (c) {
    case Capacity::kAvailable: return "available";
    case Capacity::kWaitlistUnderOneMonth: return "waitlist under 1 month";
    case Capacity::kWaitlistOneToThreeMonths: return "waitlist 1-3 months";
    case Capacity::kWaitlistOverThreeMonths: return "waitlist over 3 months";
    case Capacity::kNone: return "no capacity";
  }
  return "unknown capacity";
}

}  // namespace

UnitChoice ChooseUnits(const Directory& directory, const NeedForUnit& need) {
  UnitChoice choice;
  // An event that does not say the client's language: no unit is preferred
  // for it, and nothing is counted as unmet.
  const bool language_known = need.language != common::v1::LANGUAGE_UNSPECIFIED;
  for (const DirectoryUnit& unit : directory.units) {
    if (unit.service_type != need.service_type) continue;
    if (unit.municipalities.count(need.municipality_code) == 0) continue;
    if (need.age_years && (*need.age_years < unit.min_age || *need.age_years > unit.max_age)) continue;
    if (unit.status != UnitStatus::kActive) continue;
    choice.ranked.push_back({unit.id, language_known && unit.languages.count(need.language) > 0, unit.capacity});
  }
  if (choice.ranked.empty()) {
    choice.reason = "no active unit gives " + need.service_type + " in municipality " + need.municipality_code +
                    (need.age_years ? " at age " + std::to_string(*need.age_years) : "");
    return choice;
  }
  choice.language_unmet = language_known && std::none_of(choice.ranked.begin(), choice.ranked.end(),
                                                         [](const RankedUnit& u) { return u.in_clients_language; });
  std::sort(choice.ranked.begin(), choice.ranked.end(), [&](const RankedUnit& a, const RankedUnit& b) {
    // Language first; capacity unless urgent; then the id, for a stable order.
    const int capacity_a = need.urgent ? 0 : static_cast<int>(a.capacity);
    const int capacity_b = need.urgent ? 0 : static_cast<int>(b.capacity);
    return std::make_tuple(!a.in_clients_language, capacity_a, a.unit_id) <
           std::make_tuple(!b.in_clients_language, capacity_b, b.unit_id);
  });
  const RankedUnit& first = choice.ranked.front();
  choice.reason = std::string(!language_known             ? "the client's language is not known"
                              : first.in_clients_language ? "gives the service in the client's language"
                                                          : "no unit gives the service in the client's language") +
                  (need.urgent ? "; urgent: capacity not weighed" : std::string("; ") + CapacityText(first.capacity));
  return choice;
}

}  // namespace yhteys::router
