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

#define YHTEYS_RAI_INT(section, field) \
  out.section.field = Opt<int>(in.section(), &std::decay_t<decltype(in.section())>::has_##field, \
                               &std::decay_t<decltype(in.section())>::field)
#define YHTEYS_RAI_BOOL(section, field) \
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

absl::StatusOr<v1::RaiScales> ScoreRaiAssessment(const v1::RaiHcItems& items) {
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

}  // namespace yhteys::homecare
