#pragma once
// The mental-health intake's state in Redis and the logic of its RPCs. Every
// change is one atomic step with its outbox events and idempotency record.
//
// Keys, sharded by the client pseudonym's first 16 hex characters (which
// the intake id carries, so an intake id alone finds its shard):
//   intake:<id>  hash: intake (serialized Intake), status, version, sex
// `status` is what the Lua checks read: NEW (no screening yet), OPEN,
// RISK_REQUIRED, COMPLETED. `version` makes concurrent changes of one
// intake safe: a step applies only to the version it was computed from.
// Thread-safe; blocking (run on worker threads).

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "screening.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.pb.h"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::mentalhealth {

inline constexpr char kTopic[] = "yhteys.mentalhealth.events.v1";

struct IntakeSettings {
  std::string source = "/yhteys/mental-health-intake";
  bool accept_temporary_codes = false;
  std::chrono::seconds idempotency_ttl{std::chrono::hours(168)};
  std::function<std::chrono::year_month_day()> today;
  AuditCThresholds audit_c;
  std::set<std::string, std::less<>> units;  // the intake units this service serves
};

// "int-<first 16 hex of the pseudonym>-<16 hex>"; the shard key is inside.
std::string ShardKeyOfIntakeId(const std::string& intake_id);

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
  struct Loaded {
    v1::Intake intake;
    std::string status;
    std::string version;
    Sex sex = Sex::kOtherOrUnknown;
  };
  struct StatusCheck {
    std::vector<std::string> allowed;  // statuses the change may start from
    absl::Status failure;
  };
  absl::StatusOr<Loaded> Load(const std::string& intake_id);
  // Writes `updated` over `loaded` in one atomic step with `events`, if the
  // status passes every check and the version is still the loaded one.
  absl::StatusOr<v1::Intake> Apply(std::string_view scope, const std::string& idempotency_key,
                                   const google::protobuf::Message& request, const Loaded& loaded,
                                   const v1::Intake& updated, const std::vector<StatusCheck>& checks,
                                   const std::vector<const google::protobuf::Message*>& events);
  static const std::vector<StatusCheck>& NotCompleted();

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const hetu::Pseudonymizer& pseudonymizer_;
  IntakeSettings settings_;
};

}  // namespace yhteys::mentalhealth
