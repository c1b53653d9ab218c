#include "family_case.hpp"

#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::familycentre {
namespace {

constexpr int kMaxMembers = 12;
constexpr int kMaxReasons = 5;
constexpr int kAdultAge = 18;
// A screening is recorded from the form within a month of the parent answering it.
constexpr int kEpdsBackdateDays = 30;

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

// A new member from its identity code: validated, pseudonymised, aged;
// `born` gets the birth date.
absl::StatusOr<v1::Member> MemberFrom(const std::string& field, const v1::NewMember& input, const FamilyContext& ctx,
                                      std::chrono::year_month_day* born) {
  auto person = hetu::IdentifyPerson(input.identity_code(), field + ".identity_code",
                                     {ctx.today, ctx.accept_temporary_codes}, *ctx.pseudonymizer);
  if (!person.ok()) return person.status();
  if (auto st = validate::EnumSet(field + ".role", input.role(), &v1::MemberRole_IsValid); !st.ok()) return st;
  v1::Member member;
  member.set_member_id(person->pseudonym);
  member.set_role(input.role());
  member.set_age_years(person->age_years);
  *born = person->birth_date;
  if (input.role() == v1::MEMBER_ROLE_CHILD && member.age_years() >= kAdultAge) {
    return absl::InvalidArgumentError(field + ".role: a child member is under 18");
  }
  return member;
}

CaseChange Changed(v1::FamilyCase family_case) {
  CaseChange change;
  change.family_case = std::move(family_case);
  return change;
}

}  // namespace

std::string BornField(const std::string& member_id) { return "born:" + member_id; }

std::string UnitShardKey(std::string_view unit_id) { return ids::Sha256Hex(unit_id).substr(0, 16); }

absl::Status ValidateCaseId(const std::string& case_id) {
  if (case_id.empty()) return absl::InvalidArgumentError("case_id: required");
  if (ids::ShardKeyOfId(case_id, "case").empty()) return absl::InvalidArgumentError("case_id: not a case id");
  return absl::OkStatus();
}

absl::StatusOr<ContactChange> DecideRecordContact(const v1::RecordContactRequest& request, const FamilyContext& ctx) {
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::ContactChannel_IsValid); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), *ctx.units); !st.ok()) return st;
  if (auto st = ValidateReasons(request.reasons()); !st.ok()) return st;
  if (!request.case_id().empty()) {
    if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
    if (ids::ShardKeyOfId(request.case_id(), "case") != UnitShardKey(request.unit_id())) {
      return absl::InvalidArgumentError("case_id: the case belongs to another unit");
    }
  }
  ContactChange change;
  v1::Contact& contact = change.contact;
  contact.set_contact_id(ctx.new_id);
  contact.set_channel(request.channel());
  contact.set_municipality_code(request.municipality_code());
  contact.set_language(request.language());
  contact.set_unit_id(request.unit_id());
  *contact.mutable_reasons() = request.reasons();
  contact.set_case_id(request.case_id());
  *contact.mutable_recorded_at() = ctx.now;

  v1::ContactRecorded event;
  event.set_contact_id(contact.contact_id());
  event.set_channel(contact.channel());
  event.set_municipality_code(contact.municipality_code());
  event.set_language(contact.language());
  event.set_unit_id(contact.unit_id());
  *event.mutable_reasons() = contact.reasons();
  event.set_case_id(contact.case_id());
  change.events.push_back(redis::Emit(std::move(event), request.unit_id()));
  return change;
}

absl::StatusOr<CaseChange> DecideOpenCase(const v1::OpenCaseRequest& request, const FamilyContext& ctx) {
  if (auto st = validate::KnownUnit("unit_id", request.unit_id(), *ctx.units); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("language", request.language(), &common::v1::Language_IsValid); !st.ok()) return st;
  if (auto st = ValidateReasons(request.reasons()); !st.ok()) return st;
  if (request.members().empty()) return absl::InvalidArgumentError("members: at least one required");
  if (request.members_size() > kMaxMembers) {
    return absl::InvalidArgumentError("members: at most " + std::to_string(kMaxMembers));
  }
  const std::string unit_key = UnitShardKey(request.unit_id());
  if (!request.contact_id().empty() && ids::ShardKeyOfId(request.contact_id(), "con") != unit_key) {
    return absl::InvalidArgumentError("contact_id: not a contact of this unit");
  }
  if (!request.referral_id().empty()) {
    if (auto st = validate::Identifier("referral_id", request.referral_id()); !st.ok()) return st;
  }

  CaseChange change;
  v1::FamilyCase& family_case = change.family_case;
  bool has_parent = false;
  for (int i = 0; i < request.members_size(); ++i) {
    std::string field = "members[" + std::to_string(i) + "]";
    std::chrono::year_month_day born;
    auto member = MemberFrom(field, request.members(i), ctx, &born);
    if (!member.ok()) return member.status();
    if (FindMember(family_case, member->member_id()) != nullptr) {
      return absl::InvalidArgumentError(field + ".identity_code: the same person twice");
    }
    has_parent = has_parent || member->role() == v1::MEMBER_ROLE_PARENT;
    change.fields.emplace_back(BornField(member->member_id()), calendar::FormatDate(born));
    *family_case.add_members() = std::move(*member);
  }
  if (!has_parent) return absl::InvalidArgumentError("members: at least one parent or guardian");

  family_case.set_case_id(ctx.new_id);
  family_case.set_unit_id(request.unit_id());
  family_case.set_municipality_code(request.municipality_code());
  family_case.set_language(request.language());
  family_case.set_state(v1::CASE_STATE_OPEN);
  *family_case.mutable_reasons() = request.reasons();
  family_case.set_contact_id(request.contact_id());
  family_case.set_referral_id(request.referral_id());
  *family_case.mutable_opened_at() = ctx.now;

  v1::CaseOpened event;
  event.set_case_id(family_case.case_id());
  event.set_unit_id(family_case.unit_id());
  event.set_municipality_code(family_case.municipality_code());
  event.set_language(family_case.language());
  *event.mutable_members() = family_case.members();
  *event.mutable_reasons() = family_case.reasons();
  change.events.push_back(redis::Emit(std::move(event), family_case.case_id()));
  return change;
}

absl::StatusOr<NewMemberOfCase> ValidateAddMember(const v1::AddMemberRequest& request, const FamilyContext& ctx) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  NewMemberOfCase added;
  auto member = MemberFrom("member", request.member(), ctx, &added.born);
  if (!member.ok()) return member.status();
  added.member = std::move(*member);
  return added;
}

absl::StatusOr<CaseChange> DecideAddMember(const v1::FamilyCase& current, const NewMemberOfCase& added) {
  const v1::Member* member = &added.member;
  if (current.state() == v1::CASE_STATE_OPEN) {
    if (FindMember(current, member->member_id()) != nullptr) {
      return absl::AlreadyExistsError("member.identity_code: already a member of the case");
    }
    if (current.members_size() >= kMaxMembers) {
      return absl::FailedPreconditionError("member: the case has " + std::to_string(kMaxMembers) + " members");
    }
  }
  CaseChange change = Changed(current);
  v1::MemberAdded event;
  event.set_case_id(current.case_id());
  *event.mutable_member() = *member;
  change.events.push_back(redis::Emit(std::move(event), current.case_id()));
  change.fields.emplace_back(BornField(member->member_id()), calendar::FormatDate(added.born));
  *change.family_case.add_members() = *member;
  return change;
}

absl::Status ValidateAssignWorker(const v1::AssignWorkerRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  return validate::Identifier("worker_id", request.worker_id());
}

CaseChange DecideAssignWorker(const v1::FamilyCase& current, const v1::AssignWorkerRequest& request) {
  CaseChange change = Changed(current);
  change.family_case.set_responsible_worker_id(request.worker_id());
  v1::WorkerAssigned event;
  event.set_case_id(current.case_id());
  event.set_unit_id(current.unit_id());
  event.set_worker_id(request.worker_id());
  change.events.push_back(redis::Emit(std::move(event), current.case_id()));
  return change;
}

absl::Status ValidateStartService(const v1::StartServiceRequest& request, std::chrono::year_month_day today) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("service", request.service(), &v1::FamilyService_IsValid); !st.ok()) return st;
  return calendar::ParsePastDate("started_on", request.started_on(), today).status();
}

absl::StatusOr<CaseChange> DecideStartService(const v1::FamilyCase& current, const v1::StartServiceRequest& request) {
  CaseChange change = Changed(current);
  if (current.state() == v1::CASE_STATE_OPEN && RunningService(change.family_case, request.service()) != nullptr) {
    return absl::FailedPreconditionError("service: already running for this case");
  }
  auto* period = change.family_case.add_services();
  period->set_service(request.service());
  period->set_started_on(request.started_on());
  v1::ServiceStarted event;
  event.set_case_id(current.case_id());
  event.set_unit_id(current.unit_id());
  event.set_service(request.service());
  event.set_started_on(request.started_on());
  change.events.push_back(redis::Emit(std::move(event), current.case_id()));
  return change;
}

absl::Status ValidateEndService(const v1::EndServiceRequest& request, std::chrono::year_month_day today) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("service", request.service(), &v1::FamilyService_IsValid); !st.ok()) return st;
  return calendar::ParsePastDate("ended_on", request.ended_on(), today).status();
}

absl::StatusOr<CaseChange> DecideEndService(const v1::FamilyCase& current, const v1::EndServiceRequest& request) {
  CaseChange change = Changed(current);
  if (current.state() == v1::CASE_STATE_OPEN) {
    v1::ServicePeriod* period = RunningService(change.family_case, request.service());
    if (period == nullptr) return absl::FailedPreconditionError("service: not running for this case");
    if (request.ended_on() < period->started_on()) {
      return absl::InvalidArgumentError("ended_on: before the service started");
    }
    period->set_ended_on(request.ended_on());
  }
  v1::ServiceEnded event;
  event.set_case_id(current.case_id());
  event.set_unit_id(current.unit_id());
  event.set_service(request.service());
  event.set_ended_on(request.ended_on());
  change.events.push_back(redis::Emit(std::move(event), current.case_id()));
  return change;
}

absl::Status ValidateRecordEpds(const v1::RecordEpdsRequest& request, std::chrono::year_month_day today) {
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
  if (request.screened_on().empty()) return absl::OkStatus();  // today
  return calendar::ParsePastDate("screened_on", request.screened_on(), today, kEpdsBackdateDays).status();
}

absl::StatusOr<CaseChange> DecideRecordEpds(const v1::FamilyCase& current, const v1::RecordEpdsRequest& request,
                                            const std::optional<std::string>& parent_born, const FamilyContext& ctx) {
  const v1::Member* parent = FindMember(current, request.member_id());
  if (parent == nullptr || parent->role() != v1::MEMBER_ROLE_PARENT) {
    return absl::InvalidArgumentError("member_id: not a parent or guardian in this case");
  }
  const std::string screened_on =
      request.screened_on().empty() ? calendar::FormatDate(ctx.today) : request.screened_on();
  auto screened = calendar::ParseDate(screened_on);
  if (!screened.ok()) return screened.status();
  // The rules by age (TervHL § 51 a: under 23) read the parent's age on the screening's own date.
  int age = parent->age_years();
  if (parent_born.has_value()) {
    auto born = calendar::ParseDate(*parent_born);
    if (!born.ok()) return absl::InternalError("stored birth date is corrupt");
    age = hetu::AgeOn(*born, *screened);
  }
  std::vector<int> answers(request.answers().begin(), request.answers().end());
  const std::vector<int> item_scores = EpdsItemScores(
      answers, request.encoding() == v1::EPDS_ANSWER_ENCODING_OPTION_POSITIONS ? EpdsEncoding::kOptionPositions
                                                                               : EpdsEncoding::kScoredPoints);
  EpdsResult result = ScoreEpds(item_scores, ctx.epds);

  CaseChange change = Changed(current);
  v1::EpdsScreening* screening = change.family_case.add_epds();
  screening->set_screening_id(ctx.new_id);
  screening->set_member_id(parent->member_id());
  screening->set_total(result.total);
  screening->set_band(BandOf(result.band));
  screening->set_self_harm_item_positive(result.urgent);
  *screening->mutable_screened_at() = ctx.now;
  screening->mutable_item_scores()->Add(item_scores.begin(), item_scores.end());
  screening->set_encoding(request.encoding());
  screening->set_screened_on(screened_on);

  v1::EpdsScreened event;
  event.set_screening_id(screening->screening_id());
  event.set_client_pseudonym(parent->member_id());
  event.set_total(result.total);
  event.set_band(screening->band());
  event.set_self_harm_item_positive(result.urgent);
  event.set_municipality_code(current.municipality_code());
  event.set_language(current.language());
  event.set_unit_id(current.unit_id());
  event.set_age_years(age);
  *event.mutable_item_scores() = screening->item_scores();
  event.set_encoding(request.encoding());
  event.set_screened_on(screened_on);
  // Keyed by the parent: the screening never travels with the case id or a
  // child's pseudonym.
  change.events.push_back(redis::Emit(std::move(event), parent->member_id()));
  return change;
}

absl::Status ValidateCloseCase(const v1::CloseCaseRequest& request) {
  if (auto st = ValidateCaseId(request.case_id()); !st.ok()) return st;
  return validate::EnumSet("outcome", request.outcome(), &v1::CaseOutcome_IsValid);
}

CaseChange DecideCloseCase(const v1::FamilyCase& current, const v1::CloseCaseRequest& request,
                           const FamilyContext& ctx) {
  CaseChange change = Changed(current);
  v1::FamilyCase& closed = change.family_case;
  closed.set_state(v1::CASE_STATE_CLOSED);
  closed.set_outcome(request.outcome());
  *closed.mutable_closed_at() = ctx.now;

  v1::CaseClosed event;
  event.set_case_id(closed.case_id());
  event.set_unit_id(closed.unit_id());
  event.set_outcome(request.outcome());
  event.set_days_open(static_cast<int>((closed.closed_at().seconds() - closed.opened_at().seconds()) / 86400));
  std::set<int> used;
  for (const auto& s : closed.services()) used.insert(s.service());
  for (int s : used) event.add_services_used(static_cast<v1::FamilyService>(s));
  change.events.push_back(redis::Emit(std::move(event), closed.case_id()));
  return change;
}

}  // namespace yhteys::familycentre
