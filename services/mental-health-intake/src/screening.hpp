#pragma once
// Intake screening instruments (PHQ-9, GAD-7, AUDIT-C) and the stepped-care
// level recommendation built on them. Pure functions; callers send item
// answers, the service computes totals, bands and flags so every client is
// scored the same way.
//
// Items are the printed points of each answer option (PHQ-9 and GAD-7: 0 "not
// at all" .. 3 "nearly every day"; AUDIT-C: 0..4), in questionnaire order.
// Call the matching Validate* first: the Score* functions assume valid input.

#include <optional>
#include <string>
#include <vector>

namespace yhteys::mentalhealth {

// PHQ-9 (Kroenke, Spitzer & Williams 2001): 9 items 0-3, total 0-27.
//   0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
enum class Phq9Band { kMinimal, kMild, kModerate, kModeratelySevere, kSevere };

struct Phq9Result {
  int total = 0;
  Phq9Band band = Phq9Band::kMinimal;
  // Item 9 ("thoughts that you would be better off dead or of hurting
  // yourself") answered above 0: a same-day risk assessment is required
  // whatever the total, because the total can be low while the risk is not.
  bool self_harm_item_positive = false;
};

// GAD-7 (Spitzer et al. 2006): 7 items 0-3, total 0-21.
//   0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
enum class Gad7Band { kMinimal, kMild, kModerate, kSevere };

struct Gad7Result {
  int total = 0;
  Gad7Band band = Gad7Band::kMinimal;
};

// AUDIT-C: the three consumption items of AUDIT, each 0-4, total 0-12.
enum class Sex { kMale, kFemale, kOtherOrUnknown };

// Risky use at total >= threshold. Defaults follow the Finnish guidance
// (Käypä hoito, alcohol problems: men >= 6, women >= 5). Verify against the
// current guideline; configurable so a wellbeing services county can change
// them without a release.
struct AuditCThresholds {
  int men = 6;
  int women = 5;
};

struct AuditCResult {
  int total = 0;
  int threshold = 0;  // the threshold applied for the given sex
  bool risky_use = false;
};

std::optional<std::string> ValidatePhq9(const std::vector<int>& items);
std::optional<std::string> ValidateGad7(const std::vector<int>& items);
std::optional<std::string> ValidateAuditC(const std::vector<int>& items);

Phq9Band Phq9BandForTotal(int total);
Gad7Band Gad7BandForTotal(int total);

Phq9Result ScorePhq9(const std::vector<int>& items);
Gad7Result ScoreGad7(const std::vector<int>& items);
// The sex AUDIT-C's threshold goes by, from a validated identity code's
// individual number: odd men, even women, for a permanent code (002-899). A
// 900-series temporary code need not follow the odd/even rule, so its sex is
// unknown and the lower threshold applies.
Sex SexForAuditC(int individual_number);

// Sex kOtherOrUnknown uses the lower of the two thresholds.
AuditCResult ScoreAuditC(const std::vector<int>& items, Sex sex, const AuditCThresholds& thresholds = {});

// Stepped-care levels as Terapianavigaattori points to them. Numbered like
// yhteys.mentalhealth.v1.CareLevel so a cast maps one to the other.
enum class CareLevel {
  kUnknown = 0,                    // nothing to base a level on; never read as level 1
  kSelfCare = 1,                   // self-care and digital programmes
  kGuidedSelfHelp = 2,             // guided self-help
  kShortPsychosocial = 3,          // short psychosocial treatment
  kPsychotherapyOrSpecialist = 4,  // psychotherapy or specialist psychiatric assessment
  kUrgent = 5,
};

// Outcome of a clinician's suicide/self-harm risk assessment.
enum class RiskAssessment {
  kNoneRecorded,
  kLow,
  kModerate,
  kHigh,  // a plan or intent
};

struct LevelInputs {
  std::optional<Phq9Result> phq9 = std::nullopt;
  std::optional<Gad7Result> gad7 = std::nullopt;
  std::optional<AuditCResult> auditc = std::nullopt;
  RiskAssessment risk = RiskAssessment::kNoneRecorded;
};

struct Recommendation {
  CareLevel level = CareLevel::kUnknown;
  // PHQ-9 item 9 positive and no risk assessment recorded: `level` is
  // provisional until the same-day assessment is recorded.
  bool risk_assessment_required = false;
  // Stable codes, in the order the rules applied: "phq9_<band>",
  // "gad7_<band>", "auditc_risky_use", "phq9_self_harm_item",
  // "risk_low" / "risk_moderate" / "risk_high", "no_screening".
  // <band> is minimal, mild, moderate, moderately_severe or severe.
  std::vector<std::string> reasons;
};

// Project default rules (a clinical lead signs these off; not national rules):
//
//   input                                         effect
//   --------------------------------------------  -------------------------------------------
//   worst of PHQ-9 / GAD-7 band: minimal          level 1
//                                mild             level 2
//                                moderate         level 3
//                                mod. severe/sev. level 4
//   only AUDIT-C screened                         level 1 before the alcohol rule
//   AUDIT-C risky use                             at least level 2, "auditc_risky_use"
//   PHQ-9 item 9 > 0, no risk assessment          risk_assessment_required, level provisional
//   risk assessment low                           no change, "risk_low"
//   risk assessment moderate                      at least level 4, "risk_moderate"
//   risk assessment high (plan or intent)         URGENT, "risk_high"
//   no PHQ-9, GAD-7 or AUDIT-C                    kUnknown, "no_screening"; a recorded
//                                                 moderate/high risk still sets the level
//
// The band reason names the instrument(s) that set the base level (both on a
// tie).
Recommendation RecommendLevel(const LevelInputs& inputs);

// The terapiatakuu (Terveydenhuoltolaki 1326/2010 as amended in force
// 1.5.2025, HE 131/2024; the section number is to be verified on Finlex): a
// client under 23 starts brief psychotherapy or a structured psychosocial
// treatment within 28 calendar days of the need being found. In the stepped
// care levels that treatment is level 3 (short psychosocial treatment, e.g.
// IPC or brief CBT); level 4 (long psychotherapy or a specialist assessment)
// is outside the guarantee. An unknown age (nullopt: an intake started from a
// referral's pseudonym) gets no clock: the referral's own clocks apply.
inline constexpr int kTherapyGuaranteeAgeBelow = 23;
inline constexpr int kTherapyGuaranteeDays = 28;
bool TherapyGuaranteeApplies(CareLevel chosen, std::optional<int> age_years);

// PHQ-9 or GAD-7 band moderate or above. Used by the cross-sector rule
// "children at home and severity >= moderate or risky substance use ->
// family centre"; risky use is checked separately from AuditCResult.
bool SeverityModerateOrAbove(const LevelInputs& inputs);

}  // namespace yhteys::mentalhealth
