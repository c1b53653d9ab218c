#include "family_store.hpp"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::familycentre {
namespace {

constexpr char kOpen[] = "OPEN";
constexpr char kClosed[] = "CLOSED";
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

std::string CaseKey(const std::string& id) { return "case:" + id; }
std::string ContactKey(const std::string& id) { return "contact:" + id; }
std::string OpenKey(const std::string& unit_shard_key) { return "unit:" + unit_shard_key + ":open"; }

}  // namespace

FamilyStore::FamilyStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
                         FamilySettings settings)
    : pool_(pool),
      keyspace_(keyspace),
      pseudonymizer_(pseudonymizer),
      settings_(std::move(settings)),
      cases_(pool, keyspace, {"case", "case", "case_id", absl::NotFoundError("case_id: no such case")},
             settings_.idempotency_ttl) {}

FamilyContext FamilyStore::Context() const {
  FamilyContext ctx;
  ctx.today = settings_.today();
  ctx.now = ids::NowTimestamp();
  ctx.units = &settings_.units;
  ctx.accept_temporary_codes = settings_.accept_temporary_codes;
  ctx.pseudonymizer = &pseudonymizer_;
  ctx.epds = settings_.epds;
  return ctx;
}

int FamilyStore::ShardOfCase(const std::string& case_id) const {
  return keyspace_.ShardFor(ids::ShardKeyOfId(case_id, "case"));
}

absl::StatusOr<redis::Versioned<v1::FamilyCase>> FamilyStore::Load(const std::string& case_id,
                                                                   const std::vector<std::string>& extra_fields) {
  return cases_.Load<v1::FamilyCase>(ShardOfCase(case_id), CaseKey(case_id), extra_fields);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::Commit(std::string_view scope, const std::string& idempotency_key,
                                                   std::string fingerprint, const std::string& version,
                                                   const CaseChange& change) {
  const std::string& id = change.family_case.case_id();
  const int shard = ShardOfCase(id);
  redis::AtomicStep step =
      cases_.Begin(shard, {scope, idempotency_key, std::move(fingerprint), change.family_case.SerializeAsString()});
  step.RequireFieldIn(CaseKey(id), "status", {kOpen}, absl::FailedPreconditionError("case_id: the case is closed"));
  cases_.Write(step, CaseKey(id), version, change.family_case);
  for (const auto& [field, value] : change.fields) step.HSet(CaseKey(id), field, value);
  if (change.family_case.state() == v1::CASE_STATE_CLOSED) {
    step.HSet(CaseKey(id), "status", kClosed).ZRem(OpenKey(ids::ShardKeyOfId(id, "case")), id);
  }
  step.Publish(change.events, settings_.source, kTopic);
  return step.ExecuteFor<v1::FamilyCase>(pool_);
}

absl::StatusOr<v1::Contact> FamilyStore::RecordContact(const std::string& idempotency_key,
                                                       const v1::RecordContactRequest& request) {
  const std::string unit_key = UnitShardKey(request.unit_id());
  FamilyContext ctx = Context();
  ctx.new_id = ids::ShardedId("con", unit_key, ids::RandomHex(8));
  auto change = DecideRecordContact(request, ctx);
  if (!change.ok()) return change.status();
  const v1::Contact& contact = change->contact;
  redis::AtomicStep step =
      cases_.Begin(keyspace_.ShardFor(unit_key),
                   {"RecordContact", idempotency_key, ids::RequestFingerprint(request), contact.SerializeAsString()});
  if (!request.case_id().empty()) {
    step.RequireExists(CaseKey(request.case_id()), absl::NotFoundError("case_id: no such case"));
  }
  step.HSet(ContactKey(contact.contact_id()), "contact", contact.SerializeAsString())
      .Publish(change->events, settings_.source, kTopic);
  return step.ExecuteFor<v1::Contact>(pool_);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::OpenCase(const std::string& idempotency_key,
                                                     const v1::OpenCaseRequest& request) {
  const std::string unit_key = UnitShardKey(request.unit_id());
  FamilyContext ctx = Context();
  ctx.new_id = ids::ShardedId("case", unit_key, ids::RandomHex(8));
  auto change = DecideOpenCase(request, ctx);
  if (!change.ok()) return change.status();
  const v1::FamilyCase& family_case = change->family_case;
  // Never fingerprint an identity code (a small, searchable space).
  v1::OpenCaseRequest for_fingerprint = request;
  for (int i = 0; i < for_fingerprint.members_size(); ++i) {
    for_fingerprint.mutable_members(i)->set_identity_code(family_case.members(i).member_id());
  }
  const std::string key = CaseKey(family_case.case_id());
  redis::AtomicStep step = cases_.Begin(
      keyspace_.ShardFor(unit_key),
      {"OpenCase", idempotency_key, ids::RequestFingerprint(for_fingerprint), family_case.SerializeAsString()});
  if (!request.contact_id().empty()) {
    step.RequireExists(ContactKey(request.contact_id()), absl::NotFoundError("contact_id: no such contact"));
  }
  cases_.Create(step, key, family_case, absl::AbortedError("case id collision; retry"));
  step.HSet(key, "status", kOpen);
  for (const auto& [field, value] : change->fields) step.HSet(key, field, value);
  step.ZAddInOrder(OpenKey(unit_key), family_case.case_id()).Publish(change->events, settings_.source, kTopic);
  return step.ExecuteFor<v1::FamilyCase>(pool_);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::AddMember(const std::string& idempotency_key,
                                                      const v1::AddMemberRequest& request) {
  auto added = ValidateAddMember(request, Context());
  if (!added.ok()) return added.status();
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  auto change = DecideAddMember(loaded->record, *added);
  if (!change.ok()) return change.status();
  v1::AddMemberRequest for_fingerprint = request;
  for_fingerprint.mutable_member()->set_identity_code(change->family_case.members().rbegin()->member_id());
  return Commit("AddMember", idempotency_key, ids::RequestFingerprint(for_fingerprint), loaded->version, *change);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::AssignWorker(const std::string& idempotency_key,
                                                         const v1::AssignWorkerRequest& request) {
  if (auto st = ValidateAssignWorker(request); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  return Commit("AssignWorker", idempotency_key, ids::RequestFingerprint(request), loaded->version,
                DecideAssignWorker(loaded->record, request));
}

absl::StatusOr<v1::FamilyCase> FamilyStore::StartService(const std::string& idempotency_key,
                                                         const v1::StartServiceRequest& request) {
  if (auto st = ValidateStartService(request, settings_.today()); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  auto change = DecideStartService(loaded->record, request);
  if (!change.ok()) return change.status();
  return Commit("StartService", idempotency_key, ids::RequestFingerprint(request), loaded->version, *change);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::EndService(const std::string& idempotency_key,
                                                       const v1::EndServiceRequest& request) {
  if (auto st = ValidateEndService(request, settings_.today()); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  auto change = DecideEndService(loaded->record, request);
  if (!change.ok()) return change.status();
  return Commit("EndService", idempotency_key, ids::RequestFingerprint(request), loaded->version, *change);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::RecordEpds(const std::string& idempotency_key,
                                                       const v1::RecordEpdsRequest& request) {
  FamilyContext ctx = Context();
  ctx.new_id = ids::NewUuid();  // the screening's id
  if (auto st = ValidateRecordEpds(request, ctx.today); !st.ok()) return st;
  auto loaded = Load(request.case_id(), {BornField(request.member_id())});
  if (!loaded.ok()) return loaded.status();
  auto change = DecideRecordEpds(loaded->record, request, loaded->extra[0], ctx);
  if (!change.ok()) return change.status();
  return Commit("RecordEpds", idempotency_key, ids::RequestFingerprint(request), loaded->version, *change);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::CloseCase(const std::string& idempotency_key,
                                                      const v1::CloseCaseRequest& request) {
  if (auto st = ValidateCloseCase(request); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  return Commit("CloseCase", idempotency_key, ids::RequestFingerprint(request), loaded->version,
                DecideCloseCase(loaded->record, request, Context()));
}

absl::StatusOr<v1::FamilyCase> FamilyStore::GetCase(const std::string& case_id) {
  if (auto st = ValidateCaseId(case_id); !st.ok()) return st;
  auto loaded = Load(case_id);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->record);
}

absl::StatusOr<v1::ListOpenCasesResponse> FamilyStore::ListOpenCases(const v1::ListOpenCasesRequest& request) {
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), settings_.units); !st.ok()) return st;
  int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (auto st = validate::InRange("page_size", page_size, 1, kMaxPageSize); !st.ok()) return st;
  int64_t offset = 0;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &offset) || offset < 0)) {
    return absl::InvalidArgumentError("page_token: not a token from this listing");
  }
  const std::string unit_key = UnitShardKey(request.unit_id());
  const int shard = keyspace_.ShardFor(unit_key);
  // One more than the page tells whether there is a next page.
  auto reply = pool_.Command(
      {"ZRANGE", keyspace_.Key(shard, OpenKey(unit_key)), std::to_string(offset), std::to_string(offset + page_size)});
  if (!reply.ok()) return reply.status();
  auto case_ids = redis::DecodeStrings(reply->get(), "open cases");
  if (!case_ids.ok()) return case_ids.status();
  v1::ListOpenCasesResponse response;
  if (case_ids->empty()) return response;
  const size_t take = std::min<size_t>(case_ids->size(), static_cast<size_t>(page_size));
  std::vector<std::vector<std::string>> gets;
  for (size_t i = 0; i < take; ++i) gets.push_back({"HGET", keyspace_.Key(shard, CaseKey((*case_ids)[i])), "case"});
  auto cases = pool_.Pipeline(gets);
  if (!cases.ok()) return cases.status();
  for (const auto& case_reply : *cases) {
    auto bytes = redis::DecodeOptionalString(case_reply.get(), "case");
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;  // closed and removed between the two reads
    if (!response.add_cases()->ParseFromString(**bytes)) return redis::CorruptRecord("case");
  }
  if (case_ids->size() > take) response.set_next_page_token(std::to_string(offset + page_size));
  return response;
}

}  // namespace yhteys::familycentre
