#pragma once
// The mental-health intake's decisions, as pure functions: a command's
// request (validated first, without state), the intake as loaded, and what
// the caller knows of the moment (IntakeContext) in; the new intake, its
// events, and the statuses the change may start from out. No Redis, no
// gRPC, no clock: IntakeStore loads, decides and commits.
//
// The status requirements are checked by the commit, in Redis, after the
// idempotency record: a retry of a change that was applied replays its
// answer even though the intake has moved on since. The status an intake is
// stored under (StatusOf) is what those checks read: NEW (no screening
// yet), OPEN, RISK_REQUIRED (PHQ-9 item 9 above 0 and no assessment made
// since), COMPLETED.

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "screening.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_events.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.pb.h"
#include "yhteys/redis/emitted.hpp"

namespace yhteys::mentalhealth {

inline constexpr char kStatusNew[] = "NEW";
inline constexpr char kStatusOpen[] = "OPEN";
inline constexpr char kStatusRiskRequired[] = "RISK_REQUIRED";
inline constexpr char kStatusCompleted[] = "COMPLETED";

struct IntakeContext {
  std::chrono::year_month_day today;
  google::protobuf::Timestamp now;
  std::string new_id_tail;                                    // 16 random hex characters for a new intake id
  const std::set<std::string, std::less<>>* units = nullptr;  // the units this service serves
  bool accept_temporary_codes = false;
  const hetu::Pseudonymizer* pseudonymizer = nullptr;
  AuditCThresholds audit_c;
};

// The stored status must be one of `allowed`, else `failure`.
struct StatusCheck {
  std::vector<std::string> allowed;
  absl::Status failure;
};

struct IntakeChange {
  v1::Intake intake;
  std::vector<redis::Emitted> events;
  std::vector<StatusCheck> checks;
};

struct StartedIntake {
  IntakeChange change;
  Sex sex = Sex::kOtherOrUnknown;  // from the identity code, for AUDIT-C; never answered or published
};

// "int-<first 16 hex of the pseudonym>-<16 hex>"; the shard key is inside.
std::string ShardKeyOfIntakeId(const std::string& intake_id);
absl::Status ValidateIntakeId(const std::string& intake_id);
std::string StatusOf(const v1::Intake& intake);

absl::StatusOr<StartedIntake> DecideStartIntake(const v1::StartIntakeRequest& request, const IntakeContext& ctx);

absl::Status ValidateSubmitScreening(const v1::SubmitScreeningRequest& request);
// `sex` is the client's as stored with the intake (AUDIT-C's thresholds).
IntakeChange DecideSubmitScreening(const v1::Intake& current, Sex sex, const v1::SubmitScreeningRequest& request,
                                   const IntakeContext& ctx);

absl::Status ValidateRecordRiskAssessment(const v1::RecordRiskAssessmentRequest& request);
IntakeChange DecideRecordRiskAssessment(const v1::Intake& current, const v1::RecordRiskAssessmentRequest& request);

absl::Status ValidateRecordChildrenAtHome(const v1::RecordChildrenAtHomeRequest& request);
IntakeChange DecideRecordChildrenAtHome(const v1::Intake& current, const v1::RecordChildrenAtHomeRequest& request);

absl::Status ValidateCompleteIntake(const v1::CompleteIntakeRequest& request);
absl::StatusOr<IntakeChange> DecideCompleteIntake(const v1::Intake& current, const v1::CompleteIntakeRequest& request,
                                                  const IntakeContext& ctx);

}  // namespace yhteys::mentalhealth
