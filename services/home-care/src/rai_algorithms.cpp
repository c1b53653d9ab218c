#include "rai_algorithms.hpp"

#include <algorithm>
#include <initializer_list>

namespace yhteys::homecare::rai {
namespace {

// The allowed codes of an item: min..max, plus 8 where the item has "activity did not occur" / "uncertain".
struct Codes {
  int min;
  int max;
  bool with_8;
};

constexpr Codes kMemory{0, 1, false};
constexpr Codes kDecisionMaking{0, 5, false};
constexpr Codes kSelfUnderstood{0, 4, false};
constexpr Codes kChange{0, 2, true};
constexpr Codes kBehaviour{0, 3, false};
constexpr Codes kSelfPerformance{0, 6, true};
constexpr Codes kFalls{0, 3, false};
constexpr Codes kProblemFrequency{0, 4, false};
constexpr Codes kDyspnea{0, 3, false};
constexpr Codes kPressureUlcer{0, 5, false};

constexpr int kComa = 5;             // C1 no discernible consciousness
constexpr int kDeclined = 2;         // C5, G6
constexpr int kTotalDependence = 6;  // G1, G2
constexpr int kDidNotOccur = 8;      // G1, G2

std::optional<std::string> Check(const char* path, const std::optional<int>& value, Codes codes, bool required = true) {
  if (!value) {
    if (!required) return std::nullopt;
    return std::string(path) + ": required";
  }
  if ((*value >= codes.min && *value <= codes.max) || (codes.with_8 && *value == kDidNotOccur)) return std::nullopt;
  std::string allowed = std::to_string(codes.min) + "-" + std::to_string(codes.max);
  if (codes.with_8) allowed += " or 8";
  return std::string(path) + ": must be " + allowed;
}

std::optional<std::string> Check(const char* path, const std::optional<bool>& value) {
  if (value) return std::nullopt;
  return std::string(path) + ": required";
}

// ADL-H groups the interRAI self-performance codes; 8 ("did not occur") counts as total dependence.
bool TotalOrNotOccurred(int code) { return code == kTotalDependence || code == kDidNotOccur; }
bool ExtensiveOrMaximal(int code) { return code == 4 || code == 5; }
bool ExtensiveOrMore(int code) { return ExtensiveOrMaximal(code) || TotalOrNotOccurred(code); }

// IADL "needs help": supervision (2) up to total dependence (6); 8 means the activity did not occur at all.
bool NeedsHelp(int code) { return code >= 2 && code <= kTotalDependence; }

bool Present(const std::optional<int>& behaviour) { return behaviour.value_or(0) >= 1; }

}  // namespace

std::optional<std::string> Validate(const RaiItems& items) {
  const RaiItems::Cognition& c = items.cognition;
  const RaiItems::Behaviour& e = items.behaviour;
  const RaiItems::Iadl& iadl = items.iadl;
  const RaiItems::Adl& adl = items.adl;
  const RaiItems::Health& j = items.health;
  const RaiItems::Nutrition& k = items.nutrition;
  const RaiItems::Environment& q = items.environment;
  // A comatose client skips sections C2-F on the form, so those items cannot be required of them.
  const bool conscious = c.decision_making != kComa;
  for (const std::optional<std::string>& error : std::initializer_list<std::optional<std::string>>{
           Check("items.cognition.decision_making", c.decision_making, kDecisionMaking),
           Check("items.cognition.short_term_memory", c.short_term_memory, kMemory, conscious),
           Check("items.cognition.decision_making_change", c.decision_making_change, kChange, conscious),
           Check("items.communication.making_self_understood", items.communication.making_self_understood,
                 kSelfUnderstood, conscious),
           Check("items.behaviour.wandering", e.wandering, kBehaviour, conscious),
           Check("items.behaviour.verbal_abuse", e.verbal_abuse, kBehaviour, conscious),
           Check("items.behaviour.physical_abuse", e.physical_abuse, kBehaviour, conscious),
           Check("items.behaviour.socially_inappropriate", e.socially_inappropriate, kBehaviour, conscious),
           Check("items.behaviour.inappropriate_sexual", e.inappropriate_sexual, kBehaviour, conscious),
           Check("items.behaviour.resists_care", e.resists_care, kBehaviour, conscious),
           Check("items.iadl.meal_preparation", iadl.meal_preparation, kSelfPerformance),
           Check("items.iadl.managing_medications", iadl.managing_medications, kSelfPerformance),
           Check("items.adl.personal_hygiene", adl.personal_hygiene, kSelfPerformance),
           Check("items.adl.locomotion", adl.locomotion, kSelfPerformance),
           Check("items.adl.toilet_use", adl.toilet_use, kSelfPerformance),
           Check("items.adl.eating", adl.eating, kSelfPerformance),
           Check("items.adl.adl_status_change", adl.adl_status_change, kChange),
           Check("items.health.falls", j.falls, kFalls),
           Check("items.health.vomiting", j.vomiting, kProblemFrequency),
           Check("items.health.peripheral_edema", j.peripheral_edema, kProblemFrequency),
           Check("items.health.dyspnea", j.dyspnea, kDyspnea),
           Check("items.health.end_stage_disease", j.end_stage_disease),
           Check("items.nutrition.weight_loss", k.weight_loss),
           Check("items.nutrition.dehydrated", k.dehydrated),
           Check("items.nutrition.decreased_intake", k.decreased_intake),
           Check("items.nutrition.fluid_output_exceeds_input", k.fluid_output_exceeds_input),
           Check("items.skin.pressure_ulcer", items.skin.pressure_ulcer, kPressureUlcer),
           Check("items.skin.other_skin_ulcer", items.skin.other_skin_ulcer),
           Check("items.social_support.helper_unable_to_continue", items.social_support.helper_unable_to_continue),
           Check("items.environment.disrepair", q.disrepair),
           Check("items.environment.squalid", q.squalid),
           Check("items.environment.inadequate_heating_cooling", q.inadequate_heating_cooling),
           Check("items.environment.lack_of_personal_safety", q.lack_of_personal_safety),
           Check("items.environment.limited_access", q.limited_access),
       }) {
    if (error) return error;
  }
  return std::nullopt;
}

int Cps(const RaiItems& items) {
  const int decision_making = items.cognition.decision_making.value();
  if (decision_making == kComa) return 6;
  if (decision_making == 4) return TotalOrNotOccurred(items.adl.eating.value()) ? 6 : 5;
  const int memory = items.cognition.short_term_memory.value();
  const int understood = items.communication.making_self_understood.value();
  const int impairments = (decision_making >= 1) + (memory == 1) + (understood >= 1);
  const int severe = (decision_making == 3) + (understood >= 3);
  if (impairments <= 1) return impairments;
  return 2 + severe;
}

int AdlHierarchy(const RaiItems& items) {
  const int hygiene = items.adl.personal_hygiene.value();
  const int toilet = items.adl.toilet_use.value();
  const int locomotion = items.adl.locomotion.value();
  const int eating = items.adl.eating.value();
  if (TotalOrNotOccurred(hygiene) && TotalOrNotOccurred(toilet) && TotalOrNotOccurred(locomotion) &&
      TotalOrNotOccurred(eating)) {
    return 6;
  }
  if (TotalOrNotOccurred(eating) || TotalOrNotOccurred(locomotion)) return 5;
  if (ExtensiveOrMaximal(eating) || ExtensiveOrMaximal(locomotion)) return 4;
  if (ExtensiveOrMore(hygiene) || ExtensiveOrMore(toilet)) return 3;
  const std::initializer_list<int> all = {hygiene, toilet, locomotion, eating};
  if (std::ranges::find(all, 3) != all.end()) return 2;
  if (std::ranges::find(all, 2) != all.end()) return 1;
  return 0;
}

int Chess(const RaiItems& items) {
  const RaiItems::Health& j = items.health;
  const RaiItems::Nutrition& k = items.nutrition;
  const int symptoms = (j.vomiting.value() >= 2) + (j.peripheral_edema.value() >= 2) + (j.dyspnea.value() >= 1) +
                       k.weight_loss.value() + (k.dehydrated.value() || k.fluid_output_exceeds_input.value()) +
                       k.decreased_intake.value();
  // C5 is absent for a comatose client (section skipped); no answer means no recorded decline.
  return (items.cognition.decision_making_change.value_or(0) == kDeclined) +
         (items.adl.adl_status_change.value() == kDeclined) + j.end_stage_disease.value() + std::min(symptoms, 2);
}

int Maple(const RaiItems& items) {
  const int cps = Cps(items);
  const int adlh = AdlHierarchy(items);
  const RaiItems::Behaviour& e = items.behaviour;
  const RaiItems::Environment& q = items.environment;
  // Behaviour items are absent for a comatose client (section skipped); no answer means not present.
  const bool behaviour = Present(e.verbal_abuse) || Present(e.physical_abuse) || Present(e.socially_inappropriate) ||
                         Present(e.inappropriate_sexual) || Present(e.resists_care);
  if ((adlh >= 2 && cps >= 3) || Present(e.wandering) || behaviour ||
      items.social_support.helper_unable_to_continue.value()) {
    return 5;
  }
  if (cps >= 3 || items.health.falls.value() >= 1 || items.skin.pressure_ulcer.value() >= 1 ||
      items.skin.other_skin_ulcer.value() || items.nutrition.weight_loss.value()) {
    return 4;
  }
  const bool environment = q.disrepair.value() || q.squalid.value() || q.inadequate_heating_cooling.value() ||
                           q.lack_of_personal_safety.value() || q.limited_access.value();
  if (adlh >= 2 || environment || NeedsHelp(items.iadl.managing_medications.value())) return 3;
  if (NeedsHelp(items.iadl.meal_preparation.value()) || items.cognition.decision_making.value() >= 1) return 2;
  return 1;
}

}  // namespace yhteys::homecare::rai
