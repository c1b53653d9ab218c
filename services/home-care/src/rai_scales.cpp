#include "rai_scales.hpp"

#include <optional>
#include <string>
#include <type_traits>

#include "rai_algorithms.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {

namespace {

template <typename T, typename Message, typename Has, typename Get>
std::optional<T> Opt(const Message& m, Has has, Get get) {
  return (m.*has)() ? std::optional<T>((m.*get)()) : std::nullopt;
}

#define YHTEYS_RAI_INT(section, field)                                                           \
  out.section.field = Opt<int>(in.section(), &std::decay_t<decltype(in.section())>::has_##field, \
                               &std::decay_t<decltype(in.section())>::field)
#define YHTEYS_RAI_BOOL(section, field)                                                           \
  out.section.field = Opt<bool>(in.section(), &std::decay_t<decltype(in.section())>::has_##field, \
                                &std::decay_t<decltype(in.section())>::field)

// The proto items as the algorithms' plain struct, field by field (the
// names are the same, so Validate's messages name the proto fields).
rai::RaiItems FromProto(const v1::RaiHcItems& in) {
  rai::RaiItems out;
  YHTEYS_RAI_INT(cognition, decision_making);
  YHTEYS_RAI_INT(cognition, short_term_memory);
  YHTEYS_RAI_INT(cognition, decision_making_change);
  YHTEYS_RAI_INT(communication, making_self_understood);
  YHTEYS_RAI_INT(behaviour, wandering);
  YHTEYS_RAI_INT(behaviour, verbal_abuse);
  YHTEYS_RAI_INT(behaviour, physical_abuse);
  YHTEYS_RAI_INT(behaviour, socially_inappropriate);
  YHTEYS_RAI_INT(behaviour, inappropriate_sexual);
  YHTEYS_RAI_INT(behaviour, resists_care);
  YHTEYS_RAI_INT(iadl, meal_preparation);
  YHTEYS_RAI_INT(iadl, managing_medications);
  YHTEYS_RAI_INT(adl, personal_hygiene);
  YHTEYS_RAI_INT(adl, locomotion);
  YHTEYS_RAI_INT(adl, toilet_use);
  YHTEYS_RAI_INT(adl, eating);
  YHTEYS_RAI_INT(adl, adl_status_change);
  YHTEYS_RAI_INT(health, falls);
  YHTEYS_RAI_INT(health, vomiting);
  YHTEYS_RAI_INT(health, peripheral_edema);
  YHTEYS_RAI_INT(health, dyspnea);
  YHTEYS_RAI_BOOL(health, end_stage_disease);
  YHTEYS_RAI_BOOL(nutrition, weight_loss);
  YHTEYS_RAI_BOOL(nutrition, dehydrated);
  YHTEYS_RAI_BOOL(nutrition, decreased_intake);
  YHTEYS_RAI_BOOL(nutrition, fluid_output_exceeds_input);
  YHTEYS_RAI_INT(skin, pressure_ulcer);
  YHTEYS_RAI_BOOL(skin, other_skin_ulcer);
  YHTEYS_RAI_BOOL(social_support, helper_unable_to_continue);
  YHTEYS_RAI_BOOL(environment, disrepair);
  YHTEYS_RAI_BOOL(environment, squalid);
  YHTEYS_RAI_BOOL(environment, inadequate_heating_cooling);
  YHTEYS_RAI_BOOL(environment, lack_of_personal_safety);
  YHTEYS_RAI_BOOL(environment, limited_access);
  return out;
}

#undef YHTEYS_RAI_INT
#undef YHTEYS_RAI_BOOL

}  // namespace

int DrsItemPoints(int code) {
  switch (code) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 1;
    case 3: return 2;
    default: return 0;
  }
}

namespace {

constexpr int kComa = 5;  // C1 no discernible consciousness

bool AnyMoodItem(const v1::MoodItems& m) {
  return m.has_negative_statements() || m.has_persistent_anger() || m.has_unrealistic_fears() ||
         m.has_repetitive_health_complaints() || m.has_repetitive_anxious_complaints() ||
         m.has_sad_pained_facial_expressions() || m.has_crying_tearfulness();
}

}  // namespace

bool IsComatose(const v1::RaiHcItems& items) {
  return items.cognition().has_decision_making() && items.cognition().decision_making() == kComa;
}

absl::StatusOr<v1::RaiScales> ScoreRaiAssessment(const v1::RaiHcItems& items) {
  if (IsComatose(items)) {
    // The form skips sections C2-F: mood items cannot have been observed, and a DRS of 0 would claim they were.
    if (AnyMoodItem(items.mood())) {
      return absl::InvalidArgumentError(
          "items.mood: must be left out when items.cognition.decision_making is 5 (no discernible consciousness; "
          "sections C2-F are skipped)");
    }
    rai::RaiItems rai_items = FromProto(items);
    if (auto invalid = rai::Validate(rai_items)) return absl::InvalidArgumentError(*invalid);
    v1::RaiScales scales;  // no DRS
    scales.set_cps(rai::Cps(rai_items));
    scales.set_adl_hierarchy(rai::AdlHierarchy(rai_items));
    scales.set_chess(rai::Chess(rai_items));
    scales.set_maple(rai::Maple(rai_items));
    return scales;
  }
  if (!items.has_mood()) return absl::InvalidArgumentError("items.mood: required");
  const v1::MoodItems& mood = items.mood();
  struct Item {
    const char* field;
    bool present;
    int value;
  };
  const Item mood_items[] = {
      {"items.mood.negative_statements", mood.has_negative_statements(), mood.negative_statements()},
      {"items.mood.persistent_anger", mood.has_persistent_anger(), mood.persistent_anger()},
      {"items.mood.unrealistic_fears", mood.has_unrealistic_fears(), mood.unrealistic_fears()},
      {"items.mood.repetitive_health_complaints", mood.has_repetitive_health_complaints(),
       mood.repetitive_health_complaints()},
      {"items.mood.repetitive_anxious_complaints", mood.has_repetitive_anxious_complaints(),
       mood.repetitive_anxious_complaints()},
      {"items.mood.sad_pained_facial_expressions", mood.has_sad_pained_facial_expressions(),
       mood.sad_pained_facial_expressions()},
      {"items.mood.crying_tearfulness", mood.has_crying_tearfulness(), mood.crying_tearfulness()},
  };
  int drs = 0;
  for (const Item& item : mood_items) {
    if (!item.present) return absl::InvalidArgumentError(std::string(item.field) + ": required");
    if (auto st = validate::InRange(item.field, item.value, 0, 3); !st.ok()) return st;
    drs += DrsItemPoints(item.value);
  }
  rai::RaiItems rai_items = FromProto(items);
  if (auto invalid = rai::Validate(rai_items)) return absl::InvalidArgumentError(*invalid);
  v1::RaiScales scales;
  scales.set_drs(drs);
  scales.set_cps(rai::Cps(rai_items));
  scales.set_adl_hierarchy(rai::AdlHierarchy(rai_items));
  scales.set_chess(rai::Chess(rai_items));
  scales.set_maple(rai::Maple(rai_items));
  return scales;
}

absl::Status ValidateCertifiedScales(const v1::RaiScales& certified, bool comatose) {
  if (comatose && certified.has_drs()) {
    return absl::InvalidArgumentError(
        "certified_scales.drs: must be unset for a comatose client (items.cognition.decision_making 5)");
  }
  if (!comatose && !certified.has_drs()) return absl::InvalidArgumentError("certified_scales.drs: required");
  if (certified.has_drs()) {
    if (auto st = validate::InRange("certified_scales.drs", certified.drs(), 0, 14); !st.ok()) return st;
  }
  if (auto st = validate::InRange("certified_scales.cps", certified.cps(), 0, 6); !st.ok()) return st;
  if (auto st = validate::InRange("certified_scales.adl_hierarchy", certified.adl_hierarchy(), 0, 6); !st.ok()) {
    return st;
  }
  if (auto st = validate::InRange("certified_scales.chess", certified.chess(), 0, 5); !st.ok()) return st;
  return validate::InRange("certified_scales.maple", certified.maple(), 1, 5);
}

absl::StatusOr<ScoredAssessment> AssessRai(const v1::RaiHcItems& items, const v1::RaiScales* certified) {
  auto computed = ScoreRaiAssessment(items);
  if (!computed.ok()) return computed.status();
  ScoredAssessment out;
  out.comatose = IsComatose(items);
  out.computed = *computed;
  if (certified == nullptr) {
    out.scales = *computed;
    out.source = v1::SCALES_SOURCE_COMPUTED_BY_YHTEYS;
    out.maple_provenance = v1::MAPLE_PROVENANCE_YHTEYS_RECONSTRUCTION;
    return out;
  }
  if (auto st = ValidateCertifiedScales(*certified, out.comatose); !st.ok()) return st;
  out.scales = *certified;
  out.source = v1::SCALES_SOURCE_CERTIFIED_RAI_SOFTWARE;
  out.maple_provenance = v1::MAPLE_PROVENANCE_CERTIFIED_RAI_SOFTWARE;
  auto compare = [&out](const char* scale, int certified_value, int computed_value) {
    if (certified_value == computed_value) return;
    v1::ScaleDisagreement d;
    d.set_scale(scale);
    d.set_certified(certified_value);
    d.set_computed(computed_value);
    out.disagreements.push_back(d);
  };
  // Both have a DRS or neither does (ValidateCertifiedScales matched it to C1).
  if (certified->has_drs()) compare("drs", certified->drs(), computed->drs());
  compare("cps", certified->cps(), computed->cps());
  compare("adl_hierarchy", certified->adl_hierarchy(), computed->adl_hierarchy());
  compare("chess", certified->chess(), computed->chess());
  compare("maple", certified->maple(), computed->maple());
  return out;
}

}  // namespace yhteys::homecare
