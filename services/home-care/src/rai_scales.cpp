#include "rai_scales.hpp"

#include <string>

#include "yhteys/validate/validate.hpp"

namespace yhteys::homecare {

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
  v1::RaiScales scales;
  scales.set_drs(drs);
  return scales;
}

}  // namespace yhteys::homecare
