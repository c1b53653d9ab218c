#pragma once
// The family centre's state in Redis: each command loads the case, lets its
// decision (family_case.hpp) compute the change, and commits it in one
// atomic step with its outbox events and idempotency record.
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

#include "absl/status/statusor.h"
#include "epds.hpp"
#include "family_case.hpp"
#include "yhteys/familycentre/v1/family_centre_service.pb.h"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/store_settings.hpp"
#include "yhteys/redis/versioned.hpp"

namespace yhteys::familycentre {

inline constexpr const char* kTopic = kafka::topics::kFamilyCentre;

struct FamilySettings : redis::StoreSettings {
  std::set<std::string, std::less<>> units;  // the family-centre units this service serves
  EpdsThresholds epds;
};

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
  // The moment of a command (today, now) and the service's settings; a
  // command that creates something sets ctx.new_id.
  FamilyContext Context() const;
  absl::StatusOr<redis::Versioned<v1::FamilyCase>> Load(const std::string& case_id,
                                                        const std::vector<std::string>& extra_fields = {});
  // Commits `change` over the loaded `version` if the case is still open.
  absl::StatusOr<v1::FamilyCase> Commit(std::string_view scope, const std::string& idempotency_key,
                                        std::string fingerprint, const std::string& version, const CaseChange& change);
  int ShardOfCase(const std::string& case_id) const;

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const hetu::Pseudonymizer& pseudonymizer_;
  FamilySettings settings_;
  redis::VersionedRepository cases_;
};

}  // namespace yhteys::familycentre
