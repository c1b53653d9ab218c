#pragma once
// Home care's state in Redis: each command validates its request, loads the
// client, lets its decision (home_care_client.hpp) compute the change, and
// commits it in one atomic step with its outbox events and idempotency
// record.
//
// Keys, sharded by client pseudonym:
//   client:<p>              hash: profile (serialized Client; what it may
//                           carry of the fields below is read from those),
//                           born (the birth date, YYYY-MM-DD; never answered
//                           or published; absent for clients registered
//                           before it was kept), latest_assessment (Assessment),
//                           care_plan (CarePlan), missed_streak (missed
//                           visits in a row), version (absent until the
//                           first write that guards the record: a visit, or
//                           an assessment that changes the care allowance)
//   client:<p>:assessments  sorted set of Assessments in the order recorded
//   client:<p>:referrals    hash: referral id -> ReferralOutcome
// Thread-safe; blocking (run on worker threads).

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "home_care_client.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/homecare/v1/home_care_service.pb.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"
#include "yhteys/redis/store_settings.hpp"
#include "yhteys/redis/versioned.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"

namespace yhteys::homecare {

inline constexpr const char* kTopic = kafka::topics::kHomeCare;

struct HomeCareSettings : redis::StoreSettings {
  int missed_visits_alert_after = 2;         // missed visits in a row that raise the alert
  std::set<std::string, std::less<>> units;  // the home-care units this service serves
  // Called once per scale on which the certified RAI software and the
  // service's cross-check disagree, when the assessment is written.
  std::function<void(const std::string& scale)> count_disagreement;
};

class HomeCareStore {
 public:
  HomeCareStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
                HomeCareSettings settings);

  absl::StatusOr<v1::RegisterClientResponse> RegisterClient(const std::string& idempotency_key,
                                                            const v1::RegisterClientRequest& request);
  absl::StatusOr<v1::RecordAssessmentResponse> RecordAssessment(const std::string& idempotency_key,
                                                                const v1::RecordAssessmentRequest& request);
  absl::StatusOr<v1::Client> GetClient(const std::string& client_id);
  // The unit the client is registered in (for unit scope); NOT_FOUND when none.
  absl::StatusOr<std::string> UnitOfClient(const std::string& client_id);
  absl::StatusOr<v1::ListAssessmentsResponse> ListAssessments(const std::string& client_id);
  absl::StatusOr<v1::Client> SetCarePlan(const std::string& idempotency_key, const v1::SetCarePlanRequest& request);
  absl::StatusOr<v1::RecordVisitResponse> RecordVisit(const std::string& idempotency_key,
                                                      const v1::RecordVisitRequest& request);

  // The closed loop: a referral this service caused changed state at the
  // router. Idempotent per event (ce_source, ce_id). Returns true when it
  // was a duplicate.
  absl::StatusOr<bool> RecordReferralOutcome(const std::string& ce_source, const std::string& ce_id,
                                             const referral::v1::ReferralStateChanged& change);

 private:
  struct Loaded {
    ClientState state;
    std::string version;  // "" for a client whose record was never guarded
  };
  // The moment of a command (today) and the settings decisions read; a
  // command that creates something sets ctx.new_id.
  HomeCareContext Context() const;
  // The client, its version and birth date; its referral outcomes only when
  // asked for (a write needs the profile alone).
  absl::StatusOr<Loaded> Load(const std::string& client_id, bool with_referrals);

  redis::Pool& pool_;
  const redis::Keyspace& keyspace_;
  const hetu::Pseudonymizer& pseudonymizer_;
  HomeCareSettings settings_;
  redis::VersionedRepository clients_;
};

}  // namespace yhteys::homecare
