// Table tests of the family centre's decisions: no Redis, no gRPC, no clock.
#include "family_case.hpp"

#include <gtest/gtest.h>

#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/ids/ids.hpp"

namespace yhteys::familycentre {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year(2026), month(11), day(26)};
const std::string kUnit = "perhekeskus-1";

const hetu::Pseudonymizer& TestPseudonymizer() {
  static const auto* p = new hetu::Pseudonymizer(*hetu::Pseudonymizer::FromKey(std::string(32, 'k')));
  return *p;
}

FamilyContext Ctx() {
  static const auto* units = new std::set<std::string, std::less<>>{kUnit};
  FamilyContext ctx;
  ctx.today = kToday;
  ctx.now.set_seconds(1'795'000'000);
  ctx.new_id = ids::ShardedId("case", UnitShardKey(kUnit), "0123456789abcdef");
  ctx.units = units;
  ctx.accept_temporary_codes = true;
  ctx.pseudonymizer = &TestPseudonymizer();
  return ctx;
}

v1::NewMember Person(year_month_day born, v1::MemberRole role) {
  v1::NewMember m;
  m.set_identity_code(hetu::SyntheticIdentityCodeBornOn(born));
  m.set_role(role);
  return m;
}
const year_month_day kParentBorn{year(2005), month(3), day(1)};  // 21 on kToday
const year_month_day kChildBorn{year(2024), month(1), day(15)};

v1::OpenCaseRequest ValidOpen() {
  v1::OpenCaseRequest r;
  r.set_unit_id(kUnit);
  r.set_municipality_code("091");
  r.set_language(common::v1::LANGUAGE_FI);
  r.add_reasons(v1::CONTACT_REASON_PARENTING);
  *r.add_members() = Person(kParentBorn, v1::MEMBER_ROLE_PARENT);
  *r.add_members() = Person(kChildBorn, v1::MEMBER_ROLE_CHILD);
  return r;
}

v1::FamilyCase OpenedCase() {
  auto change = DecideOpenCase(ValidOpen(), Ctx());
  EXPECT_TRUE(change.ok()) << change.status();
  return change->family_case;
}

TEST(DecideOpenCaseTest, RefusesEachBadFieldByName) {
  struct Case {
    const char* name;
    std::function<void(v1::OpenCaseRequest&)> spoil;
    absl::StatusCode code;
    const char* message_prefix;
  };
  const std::vector<Case> cases = {
      {"unknown unit", [](auto& r) { r.set_unit_id("elsewhere"); }, absl::StatusCode::kInvalidArgument, "unit_id:"},
      {"bad municipality", [](auto& r) { r.set_municipality_code("91"); }, absl::StatusCode::kInvalidArgument,
       "municipality_code:"},
      {"no language", [](auto& r) { r.set_language(common::v1::LANGUAGE_UNSPECIFIED); },
       absl::StatusCode::kInvalidArgument, "language:"},
      {"no reasons", [](auto& r) { r.clear_reasons(); }, absl::StatusCode::kInvalidArgument, "reasons:"},
      {"duplicate reason", [](auto& r) { r.add_reasons(v1::CONTACT_REASON_PARENTING); },
       absl::StatusCode::kInvalidArgument, "reasons[1]: duplicate"},
      {"no members", [](auto& r) { r.clear_members(); }, absl::StatusCode::kInvalidArgument, "members: at least one"},
      {"13 members",
       [](auto& r) {
         for (int i = 0; i < 11; ++i) {
           *r.add_members() = Person(year_month_day{year(2010 + i % 10), month(1), day(1 + i)}, v1::MEMBER_ROLE_CHILD);
         }
       },
       absl::StatusCode::kInvalidArgument, "members: at most 12"},
      {"bad identity code", [](auto& r) { r.mutable_members(1)->set_identity_code("150124A999X"); },
       absl::StatusCode::kInvalidArgument, "members[1].identity_code: "},
      {"missing identity code", [](auto& r) { r.mutable_members(0)->set_identity_code(" "); },
       absl::StatusCode::kInvalidArgument, "members[0].identity_code: required"},
      {"no role", [](auto& r) { r.mutable_members(1)->set_role(v1::MEMBER_ROLE_UNSPECIFIED); },
       absl::StatusCode::kInvalidArgument, "members[1].role:"},
      {"adult as child", [](auto& r) { r.mutable_members(0)->set_role(v1::MEMBER_ROLE_CHILD); },
       absl::StatusCode::kInvalidArgument, "members[0].role: a child member is under 18"},
      {"same person twice", [](auto& r) { *r.add_members() = Person(kParentBorn, v1::MEMBER_ROLE_PARENT); },
       absl::StatusCode::kInvalidArgument, "members[2].identity_code: the same person twice"},
      {"grown child",
       [](auto& r) {
         *r.add_members() = Person(year_month_day{year(2000), month(1), day(1)}, v1::MEMBER_ROLE_CHILD);
       },
       absl::StatusCode::kInvalidArgument, "members[2].role: a child member is under 18"},
      {"no parent", [](auto& r) { r.mutable_members(0)->set_role(v1::MEMBER_ROLE_OTHER_CAREGIVER); },
       absl::StatusCode::kInvalidArgument, "members: at least one parent or guardian"},
      {"another unit's contact",
       [](auto& r) { r.set_contact_id(ids::ShardedId("con", "ffffffffffffffff", "0123456789abcdef")); },
       absl::StatusCode::kInvalidArgument, "contact_id:"},
      {"bad referral id", [](auto& r) { r.set_referral_id("has space"); }, absl::StatusCode::kInvalidArgument,
       "referral_id:"},
  };
  for (const auto& c : cases) {
    v1::OpenCaseRequest request = ValidOpen();
    c.spoil(request);
    auto change = DecideOpenCase(request, Ctx());
    EXPECT_EQ(change.status().code(), c.code) << c.name << ": " << change.status();
    EXPECT_EQ(change.status().message().rfind(c.message_prefix, 0), 0u) << c.name << ": " << change.status();
  }
}

TEST(DecideOpenCaseTest, OpensWithPseudonymsBirthDatesAndOneEvent) {
  auto change = DecideOpenCase(ValidOpen(), Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  const v1::FamilyCase& c = change->family_case;
  EXPECT_EQ(c.case_id(), Ctx().new_id);
  EXPECT_EQ(c.state(), v1::CASE_STATE_OPEN);
  ASSERT_EQ(c.members_size(), 2);
  EXPECT_EQ(c.members(0).member_id(), TestPseudonymizer().Pseudonym(ValidOpen().members(0).identity_code()));
  EXPECT_EQ(c.members(0).age_years(), 21);
  EXPECT_EQ(c.members(1).age_years(), 2);
  ASSERT_EQ(change->fields.size(), 2u);
  EXPECT_EQ(change->fields[0].first, BornField(c.members(0).member_id()));
  EXPECT_EQ(change->fields[0].second, "2005-03-01");
  ASSERT_EQ(change->events.size(), 1u);
  const auto* opened = redis::EmittedAs<v1::CaseOpened>(change->events);
  ASSERT_NE(opened, nullptr);
  EXPECT_EQ(change->events[0].key, c.case_id());
  EXPECT_EQ(opened->members_size(), 2);
  // No identity code in the event.
  EXPECT_EQ(opened->SerializeAsString().find(ValidOpen().members(0).identity_code()), std::string::npos);
}

TEST(DecideRecordContactTest, ValidatesAndKeysTheEventByUnit) {
  v1::RecordContactRequest r;
  r.set_channel(v1::CONTACT_CHANNEL_PERHELUURI);
  r.set_municipality_code("091");
  r.set_language(common::v1::LANGUAGE_SV);
  r.set_unit_id(kUnit);
  r.add_reasons(v1::CONTACT_REASON_PARENTING);
  auto ok = DecideRecordContact(r, Ctx());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->events[0].key, kUnit);
  ASSERT_NE(redis::EmittedAs<v1::ContactRecorded>(ok->events), nullptr);

  v1::RecordContactRequest other_unit_case = r;
  other_unit_case.set_case_id(ids::ShardedId("case", "ffffffffffffffff", "0123456789abcdef"));
  EXPECT_EQ(DecideRecordContact(other_unit_case, Ctx()).status().message(),
            "case_id: the case belongs to another unit");
  v1::RecordContactRequest no_channel = r;
  no_channel.set_channel(v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_EQ(DecideRecordContact(no_channel, Ctx()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecideAddMemberTest, ValidatesTheMemberBeforeTheCaseIsRead) {
  v1::AddMemberRequest add;
  add.set_case_id(OpenedCase().case_id());
  *add.mutable_member() = Person(year_month_day{year(2026), month(2), day(1)}, v1::MEMBER_ROLE_CHILD);
  ASSERT_TRUE(ValidateAddMember(add, Ctx()).ok());
  struct Case {
    const char* name;
    std::function<void(v1::AddMemberRequest&)> spoil;
    const char* message_prefix;
  };
  const std::vector<Case> cases = {
      {"no case id", [](auto& r) { r.clear_case_id(); }, "case_id: required"},
      {"not a case id", [](auto& r) { r.set_case_id("nope"); }, "case_id: not a case id"},
      {"no identity code", [](auto& r) { r.mutable_member()->clear_identity_code(); },
       "member.identity_code: required"},
      {"bad identity code", [](auto& r) { r.mutable_member()->set_identity_code("010226A900X"); },
       "member.identity_code: "},
      {"no role", [](auto& r) { r.mutable_member()->set_role(v1::MEMBER_ROLE_UNSPECIFIED); }, "member.role:"},
      {"grown child", [](auto& r) { *r.mutable_member() = Person(kParentBorn, v1::MEMBER_ROLE_CHILD); },
       "member.role: a child member is under 18"},
  };
  for (const auto& c : cases) {
    v1::AddMemberRequest r = add;
    c.spoil(r);
    auto added = ValidateAddMember(r, Ctx());
    EXPECT_EQ(added.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(added.status().message().rfind(c.message_prefix, 0), 0u) << c.name << ": " << added.status();
  }
}

TEST(DecideAddMemberTest, RulesWhileOpen) {
  v1::FamilyCase open = OpenedCase();
  v1::AddMemberRequest add;
  add.set_case_id(open.case_id());
  *add.mutable_member() = Person(year_month_day{year(2026), month(2), day(1)}, v1::MEMBER_ROLE_CHILD);
  auto child = ValidateAddMember(add, Ctx());
  ASSERT_TRUE(child.ok()) << child.status();
  auto added = DecideAddMember(open, *child);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->family_case.members_size(), 3);
  ASSERT_NE(redis::EmittedAs<v1::MemberAdded>(added->events), nullptr);
  ASSERT_EQ(added->fields.size(), 1u);
  EXPECT_EQ(added->fields[0].second, "2026-02-01");

  v1::AddMemberRequest again = add;
  *again.mutable_member() = Person(kParentBorn, v1::MEMBER_ROLE_PARENT);
  auto parent = ValidateAddMember(again, Ctx());
  ASSERT_TRUE(parent.ok()) << parent.status();
  EXPECT_EQ(DecideAddMember(open, *parent).status().code(), absl::StatusCode::kAlreadyExists);

  v1::FamilyCase full = open;
  while (full.members_size() < 12) *full.add_members() = full.members(1);
  EXPECT_EQ(DecideAddMember(full, *child).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DecideServiceTest, StartAndEndPeriods) {
  v1::FamilyCase open = OpenedCase();
  v1::StartServiceRequest start;
  start.set_case_id(open.case_id());
  start.set_service(v1::FAMILY_SERVICE_HOME_HELP);
  start.set_started_on("2026-11-20");
  EXPECT_TRUE(ValidateStartService(start, kToday).ok());
  v1::StartServiceRequest future = start;
  future.set_started_on("2026-11-27");
  EXPECT_EQ(ValidateStartService(future, kToday).code(), absl::StatusCode::kInvalidArgument);

  auto started = DecideStartService(open, start);
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_NE(redis::EmittedAs<v1::ServiceStarted>(started->events), nullptr);
  EXPECT_EQ(DecideStartService(started->family_case, start).status().message(),
            "service: already running for this case");

  v1::EndServiceRequest end;
  end.set_case_id(open.case_id());
  end.set_service(start.service());
  end.set_ended_on("2026-11-19");
  EXPECT_EQ(DecideEndService(open, end).status().message(), "service: not running for this case");
  EXPECT_EQ(DecideEndService(started->family_case, end).status().message(), "ended_on: before the service started");
  end.set_ended_on("2026-11-25");
  auto ended = DecideEndService(started->family_case, end);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->family_case.services(0).ended_on(), "2026-11-25");
  ASSERT_NE(redis::EmittedAs<v1::ServiceEnded>(ended->events), nullptr);
}

v1::RecordEpdsRequest Epds(const v1::FamilyCase& c, std::vector<int> answers) {
  v1::RecordEpdsRequest r;
  r.set_case_id(c.case_id());
  r.set_member_id(c.members(0).member_id());
  r.set_encoding(v1::EPDS_ANSWER_ENCODING_SCORED_POINTS);
  for (int a : answers) r.add_answers(a);
  return r;
}

TEST(DecideRecordEpdsTest, ValidationTable) {
  v1::FamilyCase c = OpenedCase();
  struct Case {
    const char* name;
    std::function<void(v1::RecordEpdsRequest&)> spoil;
    const char* message_prefix;
  };
  const std::vector<Case> cases = {
      {"no encoding", [](auto& r) { r.set_encoding(v1::EPDS_ANSWER_ENCODING_UNSPECIFIED); }, "encoding: required"},
      {"nine answers", [](auto& r) { r.mutable_answers()->RemoveLast(); }, "answers: "},
      {"answer 4", [](auto& r) { r.set_answers(9, 4); }, "answers: "},
      {"bad member", [](auto& r) { r.set_member_id("x"); }, "member_id:"},
      {"future day", [](auto& r) { r.set_screened_on("2026-11-27"); }, "screened_on:"},
      {"too old", [](auto& r) { r.set_screened_on("2026-10-01"); }, "screened_on:"},
  };
  for (const auto& k : cases) {
    v1::RecordEpdsRequest r = Epds(c, std::vector<int>(10, 0));
    k.spoil(r);
    auto st = ValidateRecordEpds(r, kToday);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << k.name;
    EXPECT_EQ(st.message().rfind(k.message_prefix, 0), 0u) << k.name << ": " << st;
  }
  EXPECT_TRUE(ValidateRecordEpds(Epds(c, std::vector<int>(10, 0)), kToday).ok());
}

TEST(DecideRecordEpdsTest, ScoresKeysByParentAndAgesOnTheScreeningDay) {
  v1::FamilyCase c = OpenedCase();
  // Item 10 (self-harm) answered: urgent whatever the total.
  std::vector<int> answers(10, 0);
  answers[9] = 1;
  v1::RecordEpdsRequest r = Epds(c, answers);
  r.set_screened_on("2026-11-01");
  // Born 2005-11-10: 20 on the screening day, 21 today.
  auto change = DecideRecordEpds(c, r, std::string("2005-11-10"), Ctx());
  ASSERT_TRUE(change.ok()) << change.status();
  const auto* screened = redis::EmittedAs<v1::EpdsScreened>(change->events);
  ASSERT_NE(screened, nullptr);
  EXPECT_EQ(change->events[0].key, c.members(0).member_id());
  EXPECT_TRUE(screened->self_harm_item_positive());
  EXPECT_EQ(screened->total(), 1);
  EXPECT_EQ(screened->age_years(), 20);
  EXPECT_EQ(screened->screened_on(), "2026-11-01");
  EXPECT_EQ(change->family_case.epds_size(), 1);
  // Without a stored birth date: the age recorded at opening.
  auto old_case = DecideRecordEpds(c, r, std::nullopt, Ctx());
  ASSERT_TRUE(old_case.ok());
  EXPECT_EQ(redis::EmittedAs<v1::EpdsScreened>(old_case->events)->age_years(), 21);
  // Screening a child, or someone not in the case, is refused.
  v1::RecordEpdsRequest child = r;
  child.set_member_id(c.members(1).member_id());
  EXPECT_EQ(DecideRecordEpds(c, child, std::nullopt, Ctx()).status().message(),
            "member_id: not a parent or guardian in this case");
  // An unreadable stored birth date is corrupt data, but only for a parent:
  // the parent check answers first.
  EXPECT_EQ(DecideRecordEpds(c, r, std::string("not a date"), Ctx()).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecideRecordEpds(c, child, std::string("not a date"), Ctx()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DecideCloseCaseTest, ClosesWithServicesUsedOnce) {
  v1::FamilyCase c = OpenedCase();
  for (const char* day_text : {"2026-11-01", "2026-11-10"}) {
    auto* s = c.add_services();
    s->set_service(v1::FAMILY_SERVICE_HOME_HELP);
    s->set_started_on(day_text);
  }
  v1::CloseCaseRequest close;
  close.set_case_id(c.case_id());
  close.set_outcome(v1::CASE_OUTCOME_NEED_MET);
  EXPECT_TRUE(ValidateCloseCase(close).ok());
  v1::CloseCaseRequest no_outcome = close;
  no_outcome.set_outcome(v1::CASE_OUTCOME_UNSPECIFIED);
  EXPECT_EQ(ValidateCloseCase(no_outcome).message().rfind("outcome:", 0), 0u);
  FamilyContext later = Ctx();
  later.now.set_seconds(c.opened_at().seconds() + 3 * 86400 + 5);
  CaseChange closed = DecideCloseCase(c, close, later);
  EXPECT_EQ(closed.family_case.state(), v1::CASE_STATE_CLOSED);
  const auto* event = redis::EmittedAs<v1::CaseClosed>(closed.events);
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->days_open(), 3);
  EXPECT_EQ(event->services_used_size(), 1);
}

}  // namespace
}  // namespace yhteys::familycentre
