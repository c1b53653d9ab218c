#pragma once
// The family centre's decisions, as pure functions: a command's request
// (validated first, without state), the case as loaded, and what the
// caller knows of the moment (FamilyContext) in; the new case and its
// events out, or an error naming the request field. No Redis, no gRPC, no
// clock: FamilyStore loads, decides and commits.
//
// A change to a closed case is refused by the commit (FAILED_PRECONDITION
// "case_id: the case is closed"), after the idempotency record, so that a
// retry of an applied change replays its answer even though the case has
// since been closed; the decisions therefore skip checks that only make
// sense while the case is open.

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "epds.hpp"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/familycentre/v1/family_centre_service.pb.h"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/redis/emitted.hpp"

namespace yhteys::familycentre {

// What a decision reads besides the state and the request.
struct FamilyContext {
  std::chrono::year_month_day today;
  google::protobuf::Timestamp now;
  std::string new_id;  // the id of what the command creates (contact, case, screening)
  const std::set<std::string, std::less<>>* units = nullptr;  // the units this service serves
  bool accept_temporary_codes = false;
  const hetu::Pseudonymizer* pseudonymizer = nullptr;
  EpdsThresholds epds;
};

// A case after a command: the case, its events, and the other fields of
// the case hash to write (each member's birth date, "born:<member id>",
// never answered or published).
struct CaseChange {
  v1::FamilyCase family_case;
  std::vector<redis::Emitted> events;
  std::vector<std::pair<std::string, std::string>> fields;
};

struct ContactChange {
  v1::Contact contact;
  std::vector<redis::Emitted> events;
};

// The case hash field holding a member's birth date.
std::string BornField(const std::string& member_id);
// The shard key of a unit; case ("case-<u>-<r>") and contact ("con-<u>-<r>")
// ids carry it (ids::ShardKeyOfId).
std::string UnitShardKey(std::string_view unit_id);

absl::Status ValidateCaseId(const std::string& case_id);

absl::StatusOr<ContactChange> DecideRecordContact(const v1::RecordContactRequest& request, const FamilyContext& ctx);
absl::StatusOr<CaseChange> DecideOpenCase(const v1::OpenCaseRequest& request, const FamilyContext& ctx);

// A member as a request names them, identified: pseudonym, role, age; and
// the birth date the case hash keeps.
struct NewMemberOfCase {
  v1::Member member;
  std::chrono::year_month_day born;
};
// The case id, then the new member's identity code and role.
absl::StatusOr<NewMemberOfCase> ValidateAddMember(const v1::AddMemberRequest& request, const FamilyContext& ctx);
absl::StatusOr<CaseChange> DecideAddMember(const v1::FamilyCase& current, const NewMemberOfCase& added);

absl::Status ValidateAssignWorker(const v1::AssignWorkerRequest& request);
CaseChange DecideAssignWorker(const v1::FamilyCase& current, const v1::AssignWorkerRequest& request);

absl::Status ValidateStartService(const v1::StartServiceRequest& request, std::chrono::year_month_day today);
absl::StatusOr<CaseChange> DecideStartService(const v1::FamilyCase& current, const v1::StartServiceRequest& request);

absl::Status ValidateEndService(const v1::EndServiceRequest& request, std::chrono::year_month_day today);
absl::StatusOr<CaseChange> DecideEndService(const v1::FamilyCase& current, const v1::EndServiceRequest& request);

// Also checks the answers and the screening date (default today).
absl::Status ValidateRecordEpds(const v1::RecordEpdsRequest& request, std::chrono::year_month_day today);
// `parent_born` is the parent's stored birth date (YYYY-MM-DD), if the case
// keeps one (cases opened before birth dates were kept use the age recorded
// then); an unreadable one is INTERNAL, after the parent check.
absl::StatusOr<CaseChange> DecideRecordEpds(const v1::FamilyCase& current, const v1::RecordEpdsRequest& request,
                                            const std::optional<std::string>& parent_born, const FamilyContext& ctx);

absl::Status ValidateCloseCase(const v1::CloseCaseRequest& request);
CaseChange DecideCloseCase(const v1::FamilyCase& current, const v1::CloseCaseRequest& request,
                           const FamilyContext& ctx);

}  // namespace yhteys::familycentre
