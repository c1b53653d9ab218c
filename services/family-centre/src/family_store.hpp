#pragma once
// The family centre's state in Redis and the logic of its RPCs. Every change
// is one atomic step with its outbox events and idempotency record.
//
// Keys, sharded by the unit (the first 16 hex characters of SHA-256 of the
// unit id, which case and contact ids carry, so an id alone finds its shard):
//   case:<id>       hash: case (serialized FamilyCase), status (OPEN or
//                   CLOSED), version, born:<member id> (each member's birth
//                   date, YYYY-MM-DD; never answered or published)
//   contact:<id>    hash: contact
//   unit:<u>:open   sorted set of the unit's open case ids by opening time
// Thread-safe; blocking (run on worker threads).

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "epds.hpp"
#include "yhteys/familycentre/v1/family_centre_service.pb.h"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::familycentre {

inline constexpr char kTopic[] = "yhteys.familycentre.events.v1";

struct FamilySettings {
  std::string source = "/yhteys/family-centre";
  bool accept_temporary_codes = false;
  std::chrono::seconds idempotency_ttl{std::chrono::hours(168)};
  std::function<std::chrono::year_month_day()> today;
  std::set<std::string, std::less<>> units;  // the family-centre units this service serves
  EpdsThresholds epds;
};

// The shard key of a unit; case ("case-<u>-<r>") and contact ("con-<u>-<r>")
// ids carry it (ids::ShardKeyOfId).
std::string UnitShardKey(std::string_view unit_id);

class FamilyStore {
 public:
  FamilyStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
              FamilySettings settings);

  absl::StatusOr<v1::Contact> RecordContact(const std::string& idempotency_key,
                                            const v1::RecordContactRequest& request);
  absl::StatusOr<v1::FamilyCase> OpenCase(const std::string& idempotency_key, const v1::OpenCaseRequest& request);
  absl::StatusOr<v1::FamilyCase> AddMember(const std::string& idempotency_key, const v1::AddMemberRequest& request);
  absl::StatusOr<v1::FamilyCase> AssignWorker(const std::string& idempotency_key,
                                              const v1::AssignWorkerRequest& request);
  absl::StatusOr<v1::FamilyCase> StartService(const std::string& idempotency_key,
                                              const v1::StartServiceRequest& request);
  absl::StatusOr<v1::FamilyCase> EndService(const std::string& idempotency_key, const v1::EndServiceRequest& request);
  absl::StatusOr<v1::FamilyCase> RecordEpds(const std::string& idempotency_key, const v1::RecordEpdsRequest& request);
  absl::StatusOr<v1::FamilyCase> CloseCase(const std::string& idempotency_key, const v1::CloseCaseRequest& request);
  absl::StatusOr<v1::FamilyCase> GetCase(const std::string& case_id);
  absl::StatusOr<v1::ListOpenCasesResponse> ListOpenCases(const v1::ListOpenCasesRequest& request);

 private:
  struct Loaded {
    v1::FamilyCase family_case;
    std::string version;
  };
  // A new member from its identity code: validated, pseudonymised, aged;
  // `born` gets the birth date.
  absl::StatusOr<v1::Member> MemberFrom(const std::string& field, const v1::NewMember& input,
                                        std::chrono::year_month_day* born);
  absl::Status CheckUnit(const std::string& unit_id) const;
  absl::StatusOr<Loaded> Load(const std::string& case_id);
  // Writes `updated` over `loaded` if the case is still open and unchanged,
  // with `events` (each with its partition key) and any `extra_fields` of
  // the case hash.
  absl::StatusOr<v1::FamilyCase> Apply(
      std::string_view scope, const std::string& idempotency_key, const std::string& fingerprint, const Loaded& loaded,
      const v1::FamilyCase& updated,
      const std::vector<std::pair<const google::protobuf::Message*, std::string>>& events,
      const std::vector<std::pair<std::string, std::string>>& extra_fields = {});
  // A member's age on `day`: from the stored birth date, else (a case opened
  // before birth dates were kept) the age recorded when they were added.
  absl::StatusOr<int> MemberAgeOn(const std::string& case_id, const v1::Member& member,
                                  std::chrono::year_month_day day);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const hetu::Pseudonymizer& pseudonymizer_;
  FamilySettings settings_;
};

}  // namespace yhteys::familycentre
