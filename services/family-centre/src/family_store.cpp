#include "family_store.hpp"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::familycentre {
namespace {

constexpr char kOpen[] = "OPEN";
constexpr char kClosed[] = "CLOSED";
constexpr int kMaxMembers = 12;
constexpr int kMaxReasons = 5;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr int kAdultAge = 18;

std::string BornField(const std::string& member_id) { return "born:" + member_id; }
// A screening is recorded from the form within a month of the parent answering it.
constexpr int kEpdsBackdateDays = 30;

std::string CaseKey(const std::string& id) { return "case:" + id; }
std::string ContactKey(const std::string& id) { return "contact:" + id; }
std::string OpenKey(const std::string& unit_shard_key) { return "unit:" + unit_shard_key + ":open"; }

std::string NewId(std::string_view prefix, const std::string& unit_shard_key) {
  return ids::ShardedId(prefix, unit_shard_key, ids::RandomHex(8));
}

absl::Status ValidateCaseId(const std::string& case_id) {
  if (case_id.empty()) return absl::InvalidArgumentError("case_id: required");
  if (ids::ShardKeyOfId(case_id, "case").empty()) return absl::InvalidArgumentError("case_id: not a case id");
  return absl::OkStatus();
}

absl::Status ValidateReasons(const google::protobuf::RepeatedField<int>& reasons) {
  if (reasons.empty()) return absl::InvalidArgumentError("reasons: at least one required");
  if (reasons.size() > kMaxReasons) {
    return absl::InvalidArgumentError("reasons: at most " + std::to_string(kMaxReasons));
  }
  std::set<int> seen;
  for (int i = 0; i < reasons.size(); ++i) {
    std::string field = "reasons[" + std::to_string(i) + "]";
    if (auto st = validate::EnumSet(field, reasons[i], &v1::ContactReason_IsValid); !st.ok()) return st;
    if (!seen.insert(reasons[i]).second) return absl::InvalidArgumentError(field + ": duplicate");
  }
  return absl::OkStatus();
}

const v1::Member* FindMember(const v1::FamilyCase& c, const std::string& member_id) {
  for (const auto& m : c.members()) {
    if (m.member_id() == member_id) return &m;
  }
  return nullptr;
}

v1::ServicePeriod* RunningService(v1::FamilyCase& c, v1::FamilyService service) {
  for (auto& s : *c.mutable_services()) {
    if (s.service() == service && s.ended_on().empty()) return &s;
  }
  return nullptr;
}

v1::EpdsBand BandOf(EpdsBand band) {
  switch (band) {
    case EpdsBand::kLow: return v1::EPDS_BAND_LOW;
    case EpdsBand::kPossible: return v1::EPDS_BAND_POSSIBLE;
    case EpdsBand::kProbable: return v1::EPDS_BAND_PROBABLE;
  }
  return v1::EPDS_BAND_UNSPECIFIED;
}

}  // namespace

std::string UnitShardKey(std::string_view unit_id) { return ids::Sha256Hex(unit_id).substr(0, 16); }

FamilyStore::FamilyStore(redis::Pool& pool, const redis::Keyspace& keyspace, const hetu::Pseudonymizer& pseudonymizer,
                         FamilySettings settings)
    : pool_(pool), keyspace_(keyspace), pseudonymizer_(pseudonymizer), settings_(std::move(settings)) {}

absl::Status FamilyStore::CheckUnit(const std::string& unit_id) const {
  return validate::KnownUnit("unit_id", unit_id, settings_.units);
}

absl::StatusOr<v1::Member> FamilyStore::MemberFrom(const std::string& field, const v1::NewMember& input,
                                                   std::chrono::year_month_day* born) {
  std::string code = hetu::NormalizeIdentityCode(input.identity_code());
  if (code.empty()) return absl::InvalidArgumentError(field + ".identity_code: required");
  auto today = settings_.today();
  auto parsed = hetu::ParseIdentityCode(code, {today, settings_.accept_temporary_codes});
  if (!parsed.ok()) {
    // The validator's message starts "identity_code: "; name the member.
    return absl::InvalidArgumentError(field + "." + std::string(parsed.status().message()));
  }
  if (auto st = validate::EnumSet(field + ".role", input.role(), &v1::MemberRole_IsValid); !st.ok()) return st;
  v1::Member member;
  member.set_member_id(pseudonymizer_.Pseudonym(code));
  member.set_role(input.role());
  member.set_age_years(hetu::AgeOn(*parsed, today));
  *born = parsed->birth_date;
  if (input.role() == v1::MEMBER_ROLE_CHILD && member.age_years() >= kAdultAge) {
    return absl::InvalidArgumentError(field + ".role: a child member is under 18");
  }
  return member;
}

absl::StatusOr<v1::Contact> FamilyStore::RecordContact(const std::string& idempotency_key,
                                                       const v1::RecordContactRequest& request) {
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::ContactChannel_IsValid); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = CheckUnit(request.unit_id()); !st.ok()) return st;
  if (auto st = ValidateReasons(request.reasons()); !st.ok()) return st;
  std::string unit_key = UnitShardKey(request.unit_id());
  if (!request.case_id().empty()) {
    if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
    if (ids::ShardKeyOfId(request.case_id(), "case") != unit_key) {
      return absl::InvalidArgumentError("case_id: the case belongs to another unit");
    }
  }
  int shard = keyspace_.ShardFor(unit_key);

  v1::Contact contact;
  contact.set_contact_id(NewId("con", unit_key));
  contact.set_channel(request.channel());
  contact.set_municipality_code(request.municipality_code());
  contact.set_language(request.language());
  contact.set_unit_id(request.unit_id());
  *contact.mutable_reasons() = request.reasons();
  contact.set_case_id(request.case_id());
  *contact.mutable_recorded_at() = ids::NowTimestamp();

  v1::ContactRecorded event;
  event.set_contact_id(contact.contact_id());
  event.set_channel(contact.channel());
  event.set_municipality_code(contact.municipality_code());
  event.set_language(contact.language());
  event.set_unit_id(contact.unit_id());
  *event.mutable_reasons() = contact.reasons();
  event.set_case_id(contact.case_id());

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("RecordContact", idempotency_key, ids::RequestFingerprint(request))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(contact.SerializeAsString());
  if (!request.case_id().empty()) {
    step.RequireExists(CaseKey(request.case_id()), absl::NotFoundError("case_id: no such case"));
  }
  step.HSet(ContactKey(contact.contact_id()), "contact", contact.SerializeAsString())
      .Publish(redis::EventFor(event, settings_.source, kTopic, request.unit_id()));
  return step.ExecuteFor<v1::Contact>(pool_);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::OpenCase(const std::string& idempotency_key,
                                                     const v1::OpenCaseRequest& request) {
  if (auto st = CheckUnit(request.unit_id()); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = ValidateReasons(request.reasons()); !st.ok()) return st;
  if (request.members().empty()) return absl::InvalidArgumentError("members: at least one required");
  if (request.members_size() > kMaxMembers) {
    return absl::InvalidArgumentError("members: at most " + std::to_string(kMaxMembers));
  }
  std::string unit_key = UnitShardKey(request.unit_id());
  if (!request.contact_id().empty() && ids::ShardKeyOfId(request.contact_id(), "con") != unit_key) {
    return absl::InvalidArgumentError("contact_id: not a contact of this unit");
  }
  if (!request.referral_id().empty()) {
    if (auto st = validate::Identifier("referral_id", request.referral_id()); !st.ok()) return st;
  }

  v1::FamilyCase family_case;
  v1::OpenCaseRequest for_fingerprint = request;
  bool has_parent = false;
  std::vector<std::pair<std::string, std::string>> births;
  for (int i = 0; i < request.members_size(); ++i) {
    std::string field = "members[" + std::to_string(i) + "]";
    std::chrono::year_month_day born;
    auto member = MemberFrom(field, request.members(i), &born);
    if (!member.ok()) return member.status();
    if (FindMember(family_case, member->member_id()) != nullptr) {
      return absl::InvalidArgumentError(field + ".identity_code: the same person twice");
    }
    has_parent = has_parent || member->role() == v1::MEMBER_ROLE_PARENT;
    // Never fingerprint an identity code (a small, searchable space).
    for_fingerprint.mutable_members(i)->set_identity_code(member->member_id());
    *family_case.add_members() = *member;
    births.emplace_back(BornField(member->member_id()), calendar::FormatDate(born));
  }
  if (!has_parent) return absl::InvalidArgumentError("members: at least one parent or guardian");

  int shard = keyspace_.ShardFor(unit_key);
  family_case.set_case_id(NewId("case", unit_key));
  family_case.set_unit_id(request.unit_id());
  family_case.set_municipality_code(request.municipality_code());
  family_case.set_language(request.language());
  family_case.set_state(v1::CASE_STATE_OPEN);
  *family_case.mutable_reasons() = request.reasons();
  family_case.set_contact_id(request.contact_id());
  family_case.set_referral_id(request.referral_id());
  *family_case.mutable_opened_at() = ids::NowTimestamp();

  v1::CaseOpened event;
  event.set_case_id(family_case.case_id());
  event.set_unit_id(family_case.unit_id());
  event.set_municipality_code(family_case.municipality_code());
  event.set_language(family_case.language());
  *event.mutable_members() = family_case.members();
  *event.mutable_reasons() = family_case.reasons();

  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("OpenCase", idempotency_key, ids::RequestFingerprint(for_fingerprint))
      .RecordTtl(settings_.idempotency_ttl)
      .Response(family_case.SerializeAsString());
  if (!request.contact_id().empty()) {
    step.RequireExists(ContactKey(request.contact_id()), absl::NotFoundError("contact_id: no such contact"));
  }
  step.RequireAbsent(CaseKey(family_case.case_id()), absl::AbortedError("case id collision; retry"))
      .HSet(CaseKey(family_case.case_id()), "case", family_case.SerializeAsString())
      .HSet(CaseKey(family_case.case_id()), "status", kOpen)
      .HSet(CaseKey(family_case.case_id()), "version", "1");
  for (const auto& [field, date] : births) step.HSet(CaseKey(family_case.case_id()), field, date);
  step.ZAddInOrder(OpenKey(unit_key), family_case.case_id())
      .Publish(redis::EventFor(event, settings_.source, kTopic, family_case.case_id()));
  return step.ExecuteFor<v1::FamilyCase>(pool_);
}

absl::StatusOr<FamilyStore::Loaded> FamilyStore::Load(const std::string& case_id) {
  int shard = keyspace_.ShardFor(ids::ShardKeyOfId(case_id, "case"));
  auto reply = pool_.Command({"HMGET", keyspace_.Key(shard, CaseKey(case_id)), "case", "version"});
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING) {
    return absl::NotFoundError("case_id: no such case");
  }
  Loaded loaded;
  if (!loaded.family_case.ParseFromString(redis::ReplyString(r->element[0]))) {
    return absl::InternalError("stored case is corrupt");
  }
  loaded.version = redis::ReplyString(r->element[1]);
  return loaded;
}

absl::StatusOr<v1::FamilyCase> FamilyStore::Apply(
    std::string_view scope, const std::string& idempotency_key, const std::string& fingerprint, const Loaded& loaded,
    const v1::FamilyCase& updated, const std::vector<std::pair<const google::protobuf::Message*, std::string>>& events,
    const std::vector<std::pair<std::string, std::string>>& extra_fields) {
  const std::string& id = updated.case_id();
  std::string unit_key = ids::ShardKeyOfId(id, "case");
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(unit_key));
  // The checks run in Redis after the idempotency record: a retry of an
  // applied change replays its answer even though the case moved on.
  step.IdempotencyKey(scope, idempotency_key, fingerprint)
      .RecordTtl(settings_.idempotency_ttl)
      .Response(updated.SerializeAsString())
      .RequireFieldIn(CaseKey(id), "status", {kOpen}, absl::FailedPreconditionError("case_id: the case is closed"))
      .CompareAndBumpVersion(CaseKey(id), loaded.version, "case_id")
      .HSet(CaseKey(id), "case", updated.SerializeAsString());
  for (const auto& [field, value] : extra_fields) step.HSet(CaseKey(id), field, value);
  if (updated.state() == v1::CASE_STATE_CLOSED) {
    step.HSet(CaseKey(id), "status", kClosed).ZRem(OpenKey(unit_key), id);
  }
  for (const auto& [event, key] : events) {
    step.Publish(redis::EventFor(*event, settings_.source, kTopic, key));
  }
  return step.ExecuteFor<v1::FamilyCase>(pool_);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::AddMember(const std::string& idempotency_key,
                                                      const v1::AddMemberRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  std::chrono::year_month_day born;
  auto member = MemberFrom("member", request.member(), &born);
  if (!member.ok()) return member.status();
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  if (updated.state() == v1::CASE_STATE_OPEN) {
    if (FindMember(updated, member->member_id()) != nullptr) {
      return absl::AlreadyExistsError("member.identity_code: already a member of the case");
    }
    if (updated.members_size() >= kMaxMembers) {
      return absl::FailedPreconditionError("member: the case has " + std::to_string(kMaxMembers) + " members");
    }
  }
  *updated.add_members() = *member;
  v1::AddMemberRequest for_fingerprint = request;
  for_fingerprint.mutable_member()->set_identity_code(member->member_id());

  v1::MemberAdded event;
  event.set_case_id(updated.case_id());
  *event.mutable_member() = *member;
  return Apply("AddMember", idempotency_key, ids::RequestFingerprint(for_fingerprint), *loaded, updated,
               {{&event, updated.case_id()}}, {{BornField(member->member_id()), calendar::FormatDate(born)}});
}

absl::StatusOr<v1::FamilyCase> FamilyStore::AssignWorker(const std::string& idempotency_key,
                                                         const v1::AssignWorkerRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::Identifier("worker_id", request.worker_id()); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  updated.set_responsible_worker_id(request.worker_id());
  v1::WorkerAssigned event;
  event.set_case_id(updated.case_id());
  event.set_unit_id(updated.unit_id());
  event.set_worker_id(request.worker_id());
  return Apply("AssignWorker", idempotency_key, ids::RequestFingerprint(request), *loaded, updated,
               {{&event, updated.case_id()}});
}

absl::StatusOr<v1::FamilyCase> FamilyStore::StartService(const std::string& idempotency_key,
                                                         const v1::StartServiceRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("service", request.service(), &v1::FamilyService_IsValid); !st.ok()) return st;
  auto started = calendar::ParsePastDate("started_on", request.started_on(), settings_.today());
  if (!started.ok()) return started.status();
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  if (updated.state() == v1::CASE_STATE_OPEN && RunningService(updated, request.service()) != nullptr) {
    return absl::FailedPreconditionError("service: already running for this case");
  }
  auto* period = updated.add_services();
  period->set_service(request.service());
  period->set_started_on(request.started_on());
  v1::ServiceStarted event;
  event.set_case_id(updated.case_id());
  event.set_unit_id(updated.unit_id());
  event.set_service(request.service());
  event.set_started_on(request.started_on());
  return Apply("StartService", idempotency_key, ids::RequestFingerprint(request), *loaded, updated,
               {{&event, updated.case_id()}});
}

absl::StatusOr<v1::FamilyCase> FamilyStore::EndService(const std::string& idempotency_key,
                                                       const v1::EndServiceRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("service", request.service(), &v1::FamilyService_IsValid); !st.ok()) return st;
  auto ended = calendar::ParsePastDate("ended_on", request.ended_on(), settings_.today());
  if (!ended.ok()) return ended.status();
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  if (updated.state() == v1::CASE_STATE_OPEN) {
    v1::ServicePeriod* period = RunningService(updated, request.service());
    if (period == nullptr) return absl::FailedPreconditionError("service: not running for this case");
    if (request.ended_on() < period->started_on()) {
      return absl::InvalidArgumentError("ended_on: before the service started");
    }
    period->set_ended_on(request.ended_on());
  }
  v1::ServiceEnded event;
  event.set_case_id(updated.case_id());
  event.set_unit_id(updated.unit_id());
  event.set_service(request.service());
  event.set_ended_on(request.ended_on());
  return Apply("EndService", idempotency_key, ids::RequestFingerprint(request), *loaded, updated,
               {{&event, updated.case_id()}});
}

absl::StatusOr<v1::FamilyCase> FamilyStore::RecordEpds(const std::string& idempotency_key,
                                                       const v1::RecordEpdsRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::Pseudonym("member_id", request.member_id()); !st.ok()) return st;
  // No default encoding: guessing wrong inverts seven items (item 10 among them).
  if (request.encoding() == v1::EPDS_ANSWER_ENCODING_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "encoding: required (EPDS_ANSWER_ENCODING_OPTION_POSITIONS or EPDS_ANSWER_ENCODING_SCORED_POINTS)");
  }
  if (auto st = validate::EnumSet("encoding", request.encoding(), &v1::EpdsAnswerEncoding_IsValid); !st.ok()) {
    return st;
  }
  std::vector<int> answers(request.answers().begin(), request.answers().end());
  // The validator names the instrument ("epds.items[3]: ..."); the request
  // field is `answers`.
  if (auto invalid = ValidateEpds(answers)) return absl::InvalidArgumentError("answers: " + *invalid);
  const auto today = settings_.today();
  std::string screened_on = request.screened_on().empty() ? calendar::FormatDate(today) : request.screened_on();
  auto screened = calendar::ParsePastDate("screened_on", screened_on, today, kEpdsBackdateDays);
  if (!screened.ok()) return screened.status();
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  const v1::Member* parent = FindMember(updated, request.member_id());
  if (parent == nullptr || parent->role() != v1::MEMBER_ROLE_PARENT) {
    return absl::InvalidArgumentError("member_id: not a parent or guardian in this case");
  }
  // The rules by age (TervHL § 51 a: under 23) read the parent's age on the screening's own date.
  auto age = MemberAgeOn(request.case_id(), *parent, *screened);
  if (!age.ok()) return age.status();
  const std::vector<int> item_scores = EpdsItemScores(
      answers, request.encoding() == v1::EPDS_ANSWER_ENCODING_OPTION_POSITIONS ? EpdsEncoding::kOptionPositions
                                                                               : EpdsEncoding::kScoredPoints);
  EpdsResult result = ScoreEpds(item_scores, settings_.epds);
  v1::EpdsScreening* screening = updated.add_epds();
  screening->set_screening_id(ids::NewUuid());
  screening->set_member_id(parent->member_id());
  screening->set_total(result.total);
  screening->set_band(BandOf(result.band));
  screening->set_self_harm_item_positive(result.urgent);
  *screening->mutable_screened_at() = ids::NowTimestamp();
  screening->mutable_item_scores()->Add(item_scores.begin(), item_scores.end());
  screening->set_encoding(request.encoding());
  screening->set_screened_on(screened_on);

  v1::EpdsScreened event;
  event.set_screening_id(screening->screening_id());
  event.set_client_pseudonym(parent->member_id());
  event.set_total(result.total);
  event.set_band(screening->band());
  event.set_self_harm_item_positive(result.urgent);
  event.set_municipality_code(updated.municipality_code());
  event.set_language(updated.language());
  event.set_unit_id(updated.unit_id());
  event.set_age_years(*age);
  *event.mutable_item_scores() = screening->item_scores();
  event.set_encoding(request.encoding());
  event.set_screened_on(screened_on);
  // Keyed by the parent: the screening never travels with the case id or a
  // child's pseudonym.
  return Apply("RecordEpds", idempotency_key, ids::RequestFingerprint(request), *loaded, updated,
               {{&event, parent->member_id()}});
}

absl::StatusOr<int> FamilyStore::MemberAgeOn(const std::string& case_id, const v1::Member& member,
                                             std::chrono::year_month_day day) {
  int shard = keyspace_.ShardFor(ids::ShardKeyOfId(case_id, "case"));
  auto reply = pool_.Command({"HGET", keyspace_.Key(shard, CaseKey(case_id)), BornField(member.member_id())});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type != REDIS_REPLY_STRING) return member.age_years();
  auto born = calendar::ParseDate(redis::ReplyString(reply->get()));
  if (!born.ok()) return absl::InternalError("stored birth date is corrupt");
  return hetu::AgeOn(*born, day);
}

absl::StatusOr<v1::FamilyCase> FamilyStore::CloseCase(const std::string& idempotency_key,
                                                      const v1::CloseCaseRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("outcome", request.outcome(), &v1::CaseOutcome_IsValid); !st.ok()) return st;
  auto loaded = Load(request.case_id());
  if (!loaded.ok()) return loaded.status();
  v1::FamilyCase updated = loaded->family_case;
  updated.set_state(v1::CASE_STATE_CLOSED);
  updated.set_outcome(request.outcome());
  *updated.mutable_closed_at() = ids::NowTimestamp();

  v1::CaseClosed event;
  event.set_case_id(updated.case_id());
  event.set_unit_id(updated.unit_id());
  event.set_outcome(request.outcome());
  event.set_days_open(static_cast<int>((updated.closed_at().seconds() - updated.opened_at().seconds()) / 86400));
  std::set<int> used;
  for (const auto& s : updated.services()) used.insert(s.service());
  for (int s : used) event.add_services_used(static_cast<v1::FamilyService>(s));
  return Apply("CloseCase", idempotency_key, ids::RequestFingerprint(request), *loaded, updated,
               {{&event, updated.case_id()}});
}

absl::StatusOr<v1::FamilyCase> FamilyStore::GetCase(const std::string& case_id) {
  if (auto st = ValidateCaseId(case_id); !st.ok()) return st;
  auto loaded = Load(case_id);
  if (!loaded.ok()) return loaded.status();
  return loaded->family_case;
}

absl::StatusOr<v1::ListOpenCasesResponse> FamilyStore::ListOpenCases(const v1::ListOpenCasesRequest& request) {
  if (auto st = CheckUnit(request.unit_id()); !st.ok()) return st;
  int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (auto st = validate::InRange("page_size", page_size, 1, kMaxPageSize); !st.ok()) return st;
  int64_t offset = 0;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &offset) || offset < 0)) {
    return absl::InvalidArgumentError("page_token: not a token from this listing");
  }
  std::string unit_key = UnitShardKey(request.unit_id());
  int shard = keyspace_.ShardFor(unit_key);
  // One more than the page tells whether there is a next page.
  auto ids = pool_.Command(
      {"ZRANGE", keyspace_.Key(shard, OpenKey(unit_key)), std::to_string(offset), std::to_string(offset + page_size)});
  if (!ids.ok()) return ids.status();
  const redisReply* r = ids->get();
  v1::ListOpenCasesResponse response;
  if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) return response;
  size_t take = std::min<size_t>(r->elements, static_cast<size_t>(page_size));
  std::vector<std::vector<std::string>> gets;
  for (size_t i = 0; i < take; ++i) {
    gets.push_back({"HGET", keyspace_.Key(shard, CaseKey(redis::ReplyString(r->element[i]))), "case"});
  }
  auto cases = pool_.Pipeline(gets);
  if (!cases.ok()) return cases.status();
  for (const auto& reply : *cases) {
    if (reply->type != REDIS_REPLY_STRING) continue;  // closed and removed between the two reads
    if (!response.add_cases()->ParseFromString(redis::ReplyString(reply.get()))) {
      return absl::InternalError("stored case is corrupt");
    }
  }
  if (r->elements > take) response.set_next_page_token(std::to_string(offset + page_size));
  return response;
}

}  // namespace yhteys::familycentre
