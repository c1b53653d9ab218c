#include "intake_store.hpp"

#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"

namespace yhteys::mentalhealth {
namespace {

std::string IntakeKey(const std::string& id) { return "intake:" + id; }

std::string SexText(Sex sex) { return sex == Sex::kMale ? "m" : sex == Sex::kFemale ? "f" : ""; }
Sex SexFrom(const std::string& text) {
  return text == "m" ? Sex::kMale : text == "f" ? Sex::kFemale : Sex::kOtherOrUnknown;
}

}  // namespace

IntakeStore::IntakeStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
                         IntakeSettings settings)
    : pool_(pool),
      keyspace_(keyspace),
      pseudonymizer_(pseudonymizer),
      settings_(std::move(settings)),
      intakes_(pool, keyspace, {"intake", "intake", "intake_id", absl::NotFoundError("intake_id: no such intake")},
               settings_.idempotency_ttl) {}

IntakeContext IntakeStore::Context() const {
  IntakeContext ctx;
  ctx.today = settings_.today();
  ctx.now = ids::NowTimestamp();
  ctx.units = &settings_.units;
  ctx.accept_temporary_codes = settings_.accept_temporary_codes;
  ctx.pseudonymizer = &pseudonymizer_;
  ctx.audit_c = settings_.audit_c;
  return ctx;
}

absl::StatusOr<redis::Versioned<v1::Intake>> IntakeStore::Load(const std::string& intake_id) {
  return intakes_.Load<v1::Intake>(keyspace_.ShardFor(ShardKeyOfIntakeId(intake_id)), IntakeKey(intake_id), {"sex"});
}

absl::StatusOr<v1::Intake> IntakeStore::Commit(std::string_view scope, const std::string& idempotency_key,
                                               const google::protobuf::Message& request, const std::string& version,
                                               const IntakeChange& change) {
  const std::string& id = change.intake.intake_id();
  redis::AtomicStep step =
      intakes_.Begin(keyspace_.ShardFor(ShardKeyOfIntakeId(id)),
                     {scope, idempotency_key, ids::RequestFingerprint(request), change.intake.SerializeAsString()});
  for (const auto& check : change.checks) step.RequireFieldIn(IntakeKey(id), "status", check.allowed, check.failure);
  intakes_.Write(step, IntakeKey(id), version, change.intake);
  step.HSet(IntakeKey(id), "status", StatusOf(change.intake)).Publish(change.events, settings_.source, kTopic);
  return step.ExecuteFor<v1::Intake>(pool_);
}

absl::StatusOr<v1::Intake> IntakeStore::StartIntake(const std::string& idempotency_key,
                                                    const v1::StartIntakeRequest& request) {
  IntakeContext ctx = Context();
  ctx.new_id_tail = ids::RandomHex(8);
  auto started = DecideStartIntake(request, ctx);
  if (!started.ok()) return started.status();
  const v1::Intake& intake = started->change.intake;
  // Never fingerprint the code itself (a small space, searchable).
  v1::StartIntakeRequest for_fingerprint = request;
  if (request.person_case() == v1::StartIntakeRequest::kIdentityCode) {
    for_fingerprint.set_identity_code(intake.client_id());
  }
  const std::string key = IntakeKey(intake.intake_id());
  redis::AtomicStep step = intakes_.Begin(
      keyspace_.ShardFor(ShardKeyOfIntakeId(intake.intake_id())),
      {"StartIntake", idempotency_key, ids::RequestFingerprint(for_fingerprint), intake.SerializeAsString()});
  intakes_.Create(step, key, intake, absl::AbortedError("intake id collision; retry"));
  step.HSet(key, "status", kStatusNew)
      .HSet(key, "sex", SexText(started->sex))
      .Publish(started->change.events, settings_.source, kTopic);
  return step.ExecuteFor<v1::Intake>(pool_);
}

absl::StatusOr<v1::Intake> IntakeStore::SubmitScreening(const std::string& idempotency_key,
                                                        const v1::SubmitScreeningRequest& request) {
  if (auto st = ValidateSubmitScreening(request); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  const Sex sex = SexFrom(loaded->extra[0].value_or(""));
  return Commit("SubmitScreening", idempotency_key, request, loaded->version,
                DecideSubmitScreening(loaded->record, sex, request, Context()));
}

absl::StatusOr<v1::Intake> IntakeStore::RecordRiskAssessment(const std::string& idempotency_key,
                                                             const v1::RecordRiskAssessmentRequest& request) {
  if (auto st = ValidateRecordRiskAssessment(request); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  return Commit("RecordRiskAssessment", idempotency_key, request, loaded->version,
                DecideRecordRiskAssessment(loaded->record, request));
}

absl::StatusOr<v1::Intake> IntakeStore::RecordChildrenAtHome(const std::string& idempotency_key,
                                                             const v1::RecordChildrenAtHomeRequest& request) {
  if (auto st = ValidateRecordChildrenAtHome(request); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  return Commit("RecordChildrenAtHome", idempotency_key, request, loaded->version,
                DecideRecordChildrenAtHome(loaded->record, request));
}

absl::StatusOr<v1::Intake> IntakeStore::CompleteIntake(const std::string& idempotency_key,
                                                       const v1::CompleteIntakeRequest& request) {
  if (auto st = ValidateCompleteIntake(request); !st.ok()) return st;
  auto loaded = Load(request.intake_id());
  if (!loaded.ok()) return loaded.status();
  auto change = DecideCompleteIntake(loaded->record, request, Context());
  if (!change.ok()) return change.status();
  return Commit("CompleteIntake", idempotency_key, request, loaded->version, *change);
}

absl::StatusOr<v1::Intake> IntakeStore::GetIntake(const std::string& intake_id) {
  if (auto st = ValidateIntakeId(intake_id); !st.ok()) return st;
  auto loaded = Load(intake_id);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->record);
}

}  // namespace yhteys::mentalhealth
