#pragma once
// Home care's decisions, as pure functions: a command's request (validated
// first, without state), the client as loaded, and what the caller knows of
// the moment (HomeCareContext) in; what to write and the events out, or an
// error naming the request field. No Redis, no gRPC, no clock:
// HomeCareStore loads, decides and commits.

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rai_scales.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/homecare/v1/home_care_service.pb.h"
#include "yhteys/redis/emitted.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"

namespace yhteys::homecare {

// What a decision reads besides the client and the request.
struct HomeCareContext {
  std::chrono::year_month_day today;
  std::string new_id;                                         // the id of what the command creates (assessment, visit)
  const std::set<std::string, std::less<>>* units = nullptr;  // the units this service serves
  bool accept_temporary_codes = false;
  const hetu::Pseudonymizer* pseudonymizer = nullptr;
  int missed_visits_alert_after = 2;  // missed visits in a row that raise the alert
};

// A client as loaded: what GetClient answers (the profile with the latest
// assessment, the care plan and the missed visits in a row; the age today
// when the birth date is known) and the birth date, kept apart (never
// answered or published; absent for clients registered before it was kept).
struct ClientState {
  v1::Client client;
  std::optional<std::chrono::year_month_day> born;
  // The client's age on `day`: from the birth date, else the age recorded at registration.
  int AgeOn(std::chrono::year_month_day day) const;
};

// The care allowance for pensioners is paid from age 16 (Vammaisetuuslaki
// 570/2007): any value but UNSPECIFIED for a client under 16 is refused.
absl::Status ValidateCareAllowance(v1::CareAllowance allowance, int age_years);

// RegisterClient: the new client's profile, its birth date (YYYY-MM-DD, for
// the "born" field) and its event. Neither carries the identity code.
struct NewClient {
  v1::Client profile;
  std::string born;
  std::vector<redis::Emitted> events;
};
absl::StatusOr<NewClient> DecideRegisterClient(const v1::RegisterClientRequest& request, const HomeCareContext& ctx);

// RecordAssessment's checks that need no client (client_id, assessed_on, the
// items and any certified scales), and the scales the items give.
absl::StatusOr<ScoredAssessment> ScoreRecordAssessment(const v1::RecordAssessmentRequest& request,
                                                       std::chrono::year_month_day today);
struct RecordedAssessment {
  v1::Assessment assessment;  // the "latest_assessment" field, and appended to the client's assessments
  // The client with its new care allowance, when the request changes it:
  // written as the profile over the version it was loaded at.
  std::optional<v1::Client> profile;
  v1::RecordAssessmentResponse response;
  std::vector<redis::Emitted> events;
};
// The rules by age read the age on the assessment's own date.
absl::StatusOr<RecordedAssessment> DecideRecordAssessment(const ClientState& current,
                                                          const v1::RecordAssessmentRequest& request,
                                                          const ScoredAssessment& scored, const HomeCareContext& ctx);

absl::Status ValidateSetCarePlan(const v1::SetCarePlanRequest& request, std::chrono::year_month_day today);
struct CarePlanChange {
  v1::Client client;  // the answer: the whole client with its new plan
  std::vector<redis::Emitted> events;
};
CarePlanChange DecideSetCarePlan(const v1::Client& current, const v1::SetCarePlanRequest& request);

// The missed visits in a row after a visit with `outcome`: one more after a
// missed visit, none after a done one.
int MissedStreakAfter(int streak, v1::VisitOutcome outcome);
// Whether a visit that left `streak` missed visits in a row raises the alert:
// once per run of missed visits, exactly when the run reaches `threshold`; a
// done visit ends the run and so re-arms it.
bool RaisesMissedVisitsAlert(v1::VisitOutcome outcome, int streak, int threshold);

absl::Status ValidateRecordVisit(const v1::RecordVisitRequest& request, std::chrono::year_month_day today);
struct VisitChange {
  int streak = 0;  // the "missed_streak" field
  v1::RecordVisitResponse response;
  std::vector<redis::Emitted> events;  // VisitRecorded, then VisitsMissedAlert when raised
};
VisitChange DecideRecordVisit(const v1::Client& current, const v1::RecordVisitRequest& request,
                              const HomeCareContext& ctx);

// Each scale of `now` minus `before`; no DRS change where either has none (a comatose client).
v1::RaiScales Difference(const v1::RaiScales& now, const v1::RaiScales& before);
// ListAssessments' answer: newest first, each with its change since the one before.
v1::ListAssessmentsResponse AssessmentsNewestFirst(const std::vector<v1::Assessment>& oldest_first);

// The closed loop: what the client's record keeps of a referral's new state.
v1::ReferralOutcome OutcomeOf(const referral::v1::ReferralStateChanged& change);

}  // namespace yhteys::homecare
