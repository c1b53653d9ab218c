#include "screening.hpp"

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace yhteys::mentalhealth {
namespace {

constexpr std::size_t kPhq9Items = 9;
constexpr std::size_t kGad7Items = 7;
constexpr std::size_t kAuditCItems = 3;
constexpr std::size_t kPhq9SelfHarmItem = 8;  // item 9, zero-based

// Messages name the field and the rule, never the answer given.
std::optional<std::string> ValidateItems(const char* instrument, const std::vector<int>& items, std::size_t count,
                                         int max) {
  if (items.size() != count) {
    return std::string(instrument) + ".items: must have " + std::to_string(count) + " answers";
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i] < 0 || items[i] > max) {
      return std::string(instrument) + ".items[" + std::to_string(i) + "]: must be 0-" + std::to_string(max);
    }
  }
  return std::nullopt;
}

int Sum(const std::vector<int>& items) { return std::accumulate(items.begin(), items.end(), 0); }

const char* Phq9Reason(Phq9Band band) {
  switch (band) {
    case Phq9Band::kMinimal: return "phq9_minimal";
    case Phq9Band::kMild: return "phq9_mild";
    case Phq9Band::kModerate: return "phq9_moderate";
    case Phq9Band::kModeratelySevere: return "phq9_moderately_severe";
    case Phq9Band::kSevere: return "phq9_severe";
  }
  return "phq9_unknown";
}

const char* Gad7Reason(Gad7Band band) {
  switch (band) {
    case Gad7Band::kMinimal: return "gad7_minimal";
    case Gad7Band::kMild: return "gad7_mild";
    case Gad7Band::kModerate: return "gad7_moderate";
    case Gad7Band::kSevere: return "gad7_severe";
  }
  return "gad7_unknown";
}

CareLevel LevelFor(Phq9Band band) {
  switch (band) {
    case Phq9Band::kMinimal: return CareLevel::kSelfCare;
    case Phq9Band::kMild: return CareLevel::kGuidedSelfHelp;
    case Phq9Band::kModerate: return CareLevel::kShortPsychosocial;
    case Phq9Band::kModeratelySevere:
    case Phq9Band::kSevere: return CareLevel::kPsychotherapyOrSpecialist;
  }
  return CareLevel::kUnknown;
}

CareLevel LevelFor(Gad7Band band) {
  switch (band) {
    case Gad7Band::kMinimal: return CareLevel::kSelfCare;
    case Gad7Band::kMild: return CareLevel::kGuidedSelfHelp;
    case Gad7Band::kModerate: return CareLevel::kShortPsychosocial;
    case Gad7Band::kSevere: return CareLevel::kPsychotherapyOrSpecialist;
  }
  return CareLevel::kUnknown;
}

// kUnknown (0) sorts below every real level, so raising from it works too.
CareLevel AtLeast(CareLevel level, CareLevel floor) { return std::max(level, floor); }

}  // namespace

std::optional<std::string> ValidatePhq9(const std::vector<int>& items) {
  return ValidateItems("phq9", items, kPhq9Items, 3);
}

std::optional<std::string> ValidateGad7(const std::vector<int>& items) {
  return ValidateItems("gad7", items, kGad7Items, 3);
}

std::optional<std::string> ValidateAuditC(const std::vector<int>& items) {
  return ValidateItems("auditc", items, kAuditCItems, 4);
}

Phq9Band Phq9BandForTotal(int total) {
  if (total >= 20) return Phq9Band::kSevere;
  if (total >= 15) return Phq9Band::kModeratelySevere;
  if (total >= 10) return Phq9Band::kModerate;
  if (total >= 5) return Phq9Band::kMild;
  return Phq9Band::kMinimal;
}

Gad7Band Gad7BandForTotal(int total) {
  if (total >= 15) return Gad7Band::kSevere;
  if (total >= 10) return Gad7Band::kModerate;
  if (total >= 5) return Gad7Band::kMild;
  return Gad7Band::kMinimal;
}

Phq9Result ScorePhq9(const std::vector<int>& items) {
  const int total = Sum(items);
  // at(): a caller that skipped ValidatePhq9 gets an exception, not undefined behaviour.
  return {.total = total, .band = Phq9BandForTotal(total), .self_harm_item_positive = items.at(kPhq9SelfHarmItem) > 0};
}

Gad7Result ScoreGad7(const std::vector<int>& items) {
  const int total = Sum(items);
  return {.total = total, .band = Gad7BandForTotal(total)};
}

Sex SexForAuditC(int individual_number) {
  constexpr int kFirstTemporary = 900;
  if (individual_number >= kFirstTemporary) return Sex::kOtherOrUnknown;
  return individual_number % 2 == 0 ? Sex::kFemale : Sex::kMale;
}

bool TherapyGuaranteeApplies(CareLevel chosen, std::optional<int> age_years) {
  return chosen == CareLevel::kShortPsychosocial && age_years.has_value() && *age_years < kTherapyGuaranteeAgeBelow;
}

AuditCResult ScoreAuditC(const std::vector<int>& items, Sex sex, const AuditCThresholds& thresholds) {
  int threshold = 0;
  switch (sex) {
    case Sex::kMale: threshold = thresholds.men; break;
    case Sex::kFemale: threshold = thresholds.women; break;
    // Unknown or other sex: the lower threshold, because a false positive
    // costs a conversation while a false negative misses risky use.
    case Sex::kOtherOrUnknown: threshold = std::min(thresholds.men, thresholds.women); break;
  }
  const int total = Sum(items);
  return {.total = total, .threshold = threshold, .risky_use = total >= threshold};
}

Recommendation RecommendLevel(const LevelInputs& in) {
  Recommendation rec;
  const CareLevel phq9_level = in.phq9 ? LevelFor(in.phq9->band) : CareLevel::kUnknown;
  const CareLevel gad7_level = in.gad7 ? LevelFor(in.gad7->band) : CareLevel::kUnknown;
  rec.level = std::max(phq9_level, gad7_level);
  if (in.phq9 && phq9_level == rec.level) rec.reasons.emplace_back(Phq9Reason(in.phq9->band));
  if (in.gad7 && gad7_level == rec.level) rec.reasons.emplace_back(Gad7Reason(in.gad7->band));

  if (in.auditc) {
    // An AUDIT-C screen with nothing else is still a screening: nothing found means level 1.
    rec.level = AtLeast(rec.level, CareLevel::kSelfCare);
    if (in.auditc->risky_use) {
      rec.level = AtLeast(rec.level, CareLevel::kGuidedSelfHelp);
      rec.reasons.emplace_back("auditc_risky_use");
    }
  }
  if (rec.level == CareLevel::kUnknown) rec.reasons.emplace_back("no_screening");

  if (in.phq9 && in.phq9->self_harm_item_positive) {
    rec.reasons.emplace_back("phq9_self_harm_item");
    rec.risk_assessment_required = in.risk == RiskAssessment::kNoneRecorded;
  }

  // A recorded risk assessment applies even without screening: a high risk
  // must never come out as "unknown".
  switch (in.risk) {
    case RiskAssessment::kNoneRecorded: break;
    case RiskAssessment::kLow: rec.reasons.emplace_back("risk_low"); break;
    case RiskAssessment::kModerate:
      rec.level = AtLeast(rec.level, CareLevel::kPsychotherapyOrSpecialist);
      rec.reasons.emplace_back("risk_moderate");
      break;
    case RiskAssessment::kHigh:
      rec.level = CareLevel::kUrgent;
      rec.reasons.emplace_back("risk_high");
      break;
  }
  return rec;
}

bool SeverityModerateOrAbove(const LevelInputs& in) {
  return (in.phq9 && in.phq9->band >= Phq9Band::kModerate) || (in.gad7 && in.gad7->band >= Gad7Band::kModerate);
}

}  // namespace yhteys::mentalhealth
