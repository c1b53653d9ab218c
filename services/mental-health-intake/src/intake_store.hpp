#pragma once
// The mental-health intake's state in Redis: each command loads the intake,
// lets its decision (intake.hpp) compute the change, and commits it in one
// atomic step with its outbox events and idempotency record.
//
// Keys, sharded by the client pseudonym's first 16 hex characters (which
// the intake id carries, so an intake id alone finds its shard):
//   intake:<id>  hash: intake (serialized Intake), status, version, sex
// `status` is what the commit's checks read (intake.hpp: StatusOf).
// `version` makes concurrent changes of one intake safe: a step applies only
// to the version it was computed from. `sex` (m, f or empty) is read from
// the identity code for AUDIT-C and never answered or published.
// Thread-safe; blocking (run on worker threads).

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "intake.hpp"
#include "screening.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.pb.h"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/store_settings.hpp"
#include "yhteys/redis/versioned.hpp"

namespace yhteys::mentalhealth {

inline constexpr const char* kTopic = kafka::topics::kMentalHealth;

struct IntakeSettings : redis::StoreSettings {
  AuditCThresholds audit_c;
  std::set<std::string, std::less<>> units;  // the intake units this service serves
};

class IntakeStore {
 public:
  IntakeStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
              IntakeSettings settings);

  absl::StatusOr<v1::Intake> StartIntake(const std::string& idempotency_key, const v1::StartIntakeRequest& request);
  absl::StatusOr<v1::Intake> SubmitScreening(const std::string& idempotency_key,
                                             const v1::SubmitScreeningRequest& request);
  absl::StatusOr<v1::Intake> RecordRiskAssessment(const std::string& idempotency_key,
                                                  const v1::RecordRiskAssessmentRequest& request);
  absl::StatusOr<v1::Intake> RecordChildrenAtHome(const std::string& idempotency_key,
                                                  const v1::RecordChildrenAtHomeRequest& request);
  absl::StatusOr<v1::Intake> CompleteIntake(const std::string& idempotency_key,
                                            const v1::CompleteIntakeRequest& request);
  absl::StatusOr<v1::Intake> GetIntake(const std::string& intake_id);

 private:
  IntakeContext Context() const;
  absl::StatusOr<redis::Versioned<v1::Intake>> Load(const std::string& intake_id);
  // Commits `change` over the loaded `version` if the status passes the
  // change's checks and the version is still the loaded one.
  absl::StatusOr<v1::Intake> Commit(std::string_view scope, const std::string& idempotency_key,
                                    const google::protobuf::Message& request, const std::string& version,
                                    const IntakeChange& change);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const hetu::Pseudonymizer& pseudonymizer_;
  IntakeSettings settings_;
  redis::VersionedRepository intakes_;
};

}  // namespace yhteys::mentalhealth
