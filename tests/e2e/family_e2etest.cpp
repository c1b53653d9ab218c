// The family centre over real processes: contacts from the channels, a
// family case through its life (members, worker, services, EPDS, closing),
// the unit's open cases paged, bad input, idempotent retries, and the rules
// "parent's EPDS >= 13 -> mental-health intake" and "EPDS item 10 > 0 ->
// urgent, same day" ending at the intake, read back through gRPC and topics.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/familycentre/v1/family_centre_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using familycentre::v1::FamilyCase;
using testing::WaitFor;

namespace fc = familycentre::v1;

constexpr char kTopic[] = "yhteys.familycentre.events.v1";
constexpr char kUnit[] = "fc-lahti-1";
// EPDS answers as scored points. 14 with item 10 at 0; 6 with item 10 at 1.
const std::vector<int> kEpdsProbable = {2, 2, 2, 1, 2, 1, 2, 1, 1, 0};
const std::vector<int> kEpdsSelfHarm = {1, 1, 1, 0, 1, 0, 0, 1, 0, 1};
const std::vector<int> kEpdsLow = {0, 1, 0, 0, 1, 0, 0, 0, 0, 0};

class FamilyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  static fc::FamilyCentre::Stub& Api() {
    static auto stub = fc::FamilyCentre::NewStub(system_->Channel("family-centre"));
    return *stub;
  }

  static fc::OpenCaseRequest OpenRequest(const std::vector<std::pair<int, fc::MemberRole>>& members,
                                         const std::string& key) {
    fc::OpenCaseRequest req;
    req.set_idempotency_key(key);
    req.set_unit_id(kUnit);
    req.set_municipality_code("398");
    req.set_language(common::v1::LANGUAGE_FI);
    req.add_reasons(fc::CONTACT_REASON_PARENT_WELLBEING);
    for (const auto& [index, role] : members) {
      auto* m = req.add_members();
      m->set_identity_code(hetu::SyntheticIdentityCode(index));
      m->set_role(role);
    }
    return req;
  }

  static FamilyCase Open(const std::vector<std::pair<int, fc::MemberRole>>& members, const std::string& key) {
    FamilyCase out;
    grpc::Status st = Api().OpenCase(Ctx().get(), OpenRequest(members, key), &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static grpc::Status Epds(const std::string& case_id, const std::string& member, const std::vector<int>& answers,
                           const std::string& key, FamilyCase* out,
                           fc::EpdsAnswerEncoding encoding = fc::EPDS_ANSWER_ENCODING_SCORED_POINTS,
                           const std::string& screened_on = "") {
    fc::RecordEpdsRequest req;
    req.set_idempotency_key(key);
    req.set_case_id(case_id);
    req.set_member_id(member);
    req.set_encoding(encoding);
    req.set_screened_on(screened_on);
    for (int a : answers) req.add_answers(a);
    return Api().RecordEpds(Ctx().get(), req, out);
  }

  static std::string MemberOf(const FamilyCase& c, fc::MemberRole role, int nth = 0) {
    for (const auto& m : c.members()) {
      if (m.role() == role && nth-- == 0) return m.member_id();
    }
    return "";
  }

  static testing::YhteysSystem* system_;
};

testing::YhteysSystem* FamilyTest::system_ = nullptr;

// The test's child index range keeps adults and children apart: synthetic
// codes 0..11999 are born 1930-1949 (adults); a child needs a recent code.
std::string ChildCode() { return "010120A900" + std::string(1, "0123456789ABCDEFHJKLMNPRSTUVWXY"[10120900 % 31]); }

TEST_F(FamilyTest, ACaseFromContactToClosing) {
  fc::RecordContactRequest contact_req;
  contact_req.set_idempotency_key("life-contact");
  contact_req.set_channel(fc::CONTACT_CHANNEL_APUNAPPI);
  contact_req.set_municipality_code("398");
  contact_req.set_language(common::v1::LANGUAGE_FI);
  contact_req.set_unit_id(kUnit);
  contact_req.add_reasons(fc::CONTACT_REASON_CHILD_BEHAVIOUR);
  contact_req.add_reasons(fc::CONTACT_REASON_PARENTING);
  fc::Contact contact;
  ASSERT_TRUE(Api().RecordContact(Ctx().get(), contact_req, &contact).ok());
  EXPECT_EQ(contact.reasons_size(), 2);

  auto open = OpenRequest({{8001, fc::MEMBER_ROLE_PARENT}}, "life-open");
  open.set_contact_id(contact.contact_id());
  auto* child = open.add_members();
  child->set_identity_code(ChildCode());
  child->set_role(fc::MEMBER_ROLE_CHILD);
  FamilyCase opened;
  grpc::Status st = Api().OpenCase(Ctx().get(), open, &opened);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(opened.members_size(), 2);
  EXPECT_EQ(opened.state(), fc::CASE_STATE_OPEN);
  EXPECT_LT(opened.members(1).age_years(), 18);
  FamilyCase replay;
  ASSERT_TRUE(Api().OpenCase(Ctx().get(), open, &replay).ok());
  EXPECT_EQ(replay.case_id(), opened.case_id());

  fc::AddMemberRequest add;
  add.set_idempotency_key("life-add");
  add.set_case_id(opened.case_id());
  add.mutable_member()->set_identity_code(hetu::SyntheticIdentityCode(8002));
  add.mutable_member()->set_role(fc::MEMBER_ROLE_PARENT);
  FamilyCase after;
  ASSERT_TRUE(Api().AddMember(Ctx().get(), add, &after).ok());
  EXPECT_EQ(after.members_size(), 3);
  add.set_idempotency_key("life-add-again");
  EXPECT_EQ(Api().AddMember(Ctx().get(), add, &after).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  fc::AssignWorkerRequest assign;
  assign.set_idempotency_key("life-worker");
  assign.set_case_id(opened.case_id());
  assign.set_worker_id("sw-0117");
  ASSERT_TRUE(Api().AssignWorker(Ctx().get(), assign, &after).ok());
  EXPECT_EQ(after.responsible_worker_id(), "sw-0117");

  fc::StartServiceRequest start;
  start.set_idempotency_key("life-nepsy");
  start.set_case_id(opened.case_id());
  start.set_service(fc::FAMILY_SERVICE_NEPSY_COACHING);
  start.set_started_on(e2e::Today());
  ASSERT_TRUE(Api().StartService(Ctx().get(), start, &after).ok());
  start.set_idempotency_key("life-nepsy-again");
  EXPECT_EQ(Api().StartService(Ctx().get(), start, &after).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  fc::EndServiceRequest end;
  end.set_idempotency_key("life-nepsy-end");
  end.set_case_id(opened.case_id());
  end.set_service(fc::FAMILY_SERVICE_NEPSY_COACHING);
  end.set_ended_on(e2e::Today());
  ASSERT_TRUE(Api().EndService(Ctx().get(), end, &after).ok());
  ASSERT_EQ(after.services_size(), 1);
  EXPECT_EQ(after.services(0).ended_on(), e2e::Today());
  end.set_idempotency_key("life-nepsy-end-again");
  EXPECT_EQ(Api().EndService(Ctx().get(), end, &after).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // A low EPDS is held with that parent only.
  const std::string parent = MemberOf(opened, fc::MEMBER_ROLE_PARENT);
  ASSERT_TRUE(Epds(opened.case_id(), parent, kEpdsLow, "life-epds", &after).ok());
  ASSERT_EQ(after.epds_size(), 1);
  EXPECT_EQ(after.epds(0).member_id(), parent);
  EXPECT_EQ(after.epds(0).band(), fc::EPDS_BAND_LOW);
  const std::string child_id = MemberOf(opened, fc::MEMBER_ROLE_CHILD);
  grpc::Status child_epds = Epds(opened.case_id(), child_id, kEpdsLow, "life-epds-child", &after);
  EXPECT_EQ(child_epds.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(child_epds.error_message().rfind("member_id", 0), 0u);

  fc::CloseCaseRequest close;
  close.set_idempotency_key("life-close");
  close.set_case_id(opened.case_id());
  close.set_outcome(fc::CASE_OUTCOME_NEED_MET);
  FamilyCase closed;
  ASSERT_TRUE(Api().CloseCase(Ctx().get(), close, &closed).ok());
  EXPECT_EQ(closed.state(), fc::CASE_STATE_CLOSED);
  FamilyCase closed_again;
  ASSERT_TRUE(Api().CloseCase(Ctx().get(), close, &closed_again).ok());
  EXPECT_EQ(closed_again.SerializeAsString(), closed.SerializeAsString());
  assign.set_idempotency_key("life-worker-after");
  grpc::Status after_close = Api().AssignWorker(Ctx().get(), assign, &after);
  EXPECT_EQ(after_close.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(after_close.error_message().find("closed"), std::string::npos);

  // The events: the case's own keyed by the case id; the EPDS by the parent;
  // nothing keyed by the child's pseudonym.
  std::set<std::string> types;
  ASSERT_TRUE(WaitFor(
      [&] {
        types.clear();
        for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s)) {
          EXPECT_NE(r.key, child_id);
          if (r.key == opened.case_id() || r.key == parent || r.key == kUnit) types.insert(r.headers.at("ce_type"));
        }
        return types.count("yhteys.familycentre.v1.CaseClosed") > 0;
      },
      20s));
  for (const char* t : {"ContactRecorded", "CaseOpened", "MemberAdded", "WorkerAssigned", "ServiceStarted",
                        "ServiceEnded", "EpdsScreened", "CaseClosed"}) {
    EXPECT_TRUE(types.count(std::string("yhteys.familycentre.v1.") + t)) << t;
  }
}

TEST_F(FamilyTest, OpenCasesArePagedOldestFirstAndClosedOnesLeave) {
  const std::string unit = "fc-kokkola-1";
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto req = OpenRequest({{8100 + i, fc::MEMBER_ROLE_PARENT}}, "page-open-" + std::to_string(i));
    req.set_unit_id(unit);
    req.set_municipality_code("272");
    FamilyCase out;
    ASSERT_TRUE(Api().OpenCase(Ctx().get(), req, &out).ok());
    ids.push_back(out.case_id());
  }
  fc::ListOpenCasesRequest list;
  list.set_unit_id(unit);
  list.set_page_size(2);
  fc::ListOpenCasesResponse page;
  ASSERT_TRUE(Api().ListOpenCases(Ctx().get(), list, &page).ok());
  ASSERT_EQ(page.cases_size(), 2);
  EXPECT_EQ(page.cases(0).case_id(), ids[0]);
  EXPECT_EQ(page.cases(1).case_id(), ids[1]);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  fc::ListOpenCasesResponse last;
  ASSERT_TRUE(Api().ListOpenCases(Ctx().get(), list, &last).ok());
  ASSERT_EQ(last.cases_size(), 1);
  EXPECT_EQ(last.cases(0).case_id(), ids[2]);
  EXPECT_TRUE(last.next_page_token().empty());

  fc::CloseCaseRequest close;
  close.set_idempotency_key("page-close");
  close.set_case_id(ids[1]);
  close.set_outcome(fc::CASE_OUTCOME_REFERRED_ELSEWHERE);
  FamilyCase closed;
  ASSERT_TRUE(Api().CloseCase(Ctx().get(), close, &closed).ok());
  list.clear_page_token();
  list.set_page_size(10);
  ASSERT_TRUE(Api().ListOpenCases(Ctx().get(), list, &page).ok());
  ASSERT_EQ(page.cases_size(), 2);
  EXPECT_EQ(page.cases(0).case_id(), ids[0]);
  EXPECT_EQ(page.cases(1).case_id(), ids[2]);
}

TEST_F(FamilyTest, BadInputIsInvalidArgumentNamingTheFieldAndChangesNothing) {
  const std::string parent_code = hetu::SyntheticIdentityCode(8200);
  struct OpenCase {
    std::string field;
    std::function<void(fc::OpenCaseRequest&)> mutate;
  } open_cases[] = {
      {"unit_id", [](auto& r) { r.set_unit_id("fc-nowhere-9"); }},
      {"unit_id", [](auto& r) { r.set_unit_id(std::string(300, 'u')); }},
      {"municipality_code", [](auto& r) { r.set_municipality_code("3980"); }},
      {"language", [](auto& r) { r.set_language(common::v1::LANGUAGE_UNSPECIFIED); }},
      {"reasons", [](auto& r) { r.clear_reasons(); }},
      {"reasons[1]", [](auto& r) { r.add_reasons(fc::CONTACT_REASON_PARENT_WELLBEING); }},
      {"reasons[1]", [](auto& r) { r.add_reasons(static_cast<fc::ContactReason>(77)); }},
      {"reasons",
       [](auto& r) {
         for (int i = 1; i <= 6; ++i) r.add_reasons(static_cast<fc::ContactReason>(i));
       }},
      {"members", [](auto& r) { r.clear_members(); }},
      {"members", [](auto& r) { r.mutable_members(0)->set_role(fc::MEMBER_ROLE_OTHER_CAREGIVER); }},
      {"members",
       [](auto& r) {
         for (int i = 0; i < 12; ++i) {
           auto* m = r.add_members();
           m->set_identity_code(hetu::SyntheticIdentityCode(8300 + i));
           m->set_role(fc::MEMBER_ROLE_OTHER_CAREGIVER);
         }
       }},
      {"members[0].identity_code",
       [&](auto& r) {
         r.mutable_members(0)->set_identity_code(parent_code.substr(0, 10) + (parent_code.back() == 'A' ? "B" : "A"));
       }},
      {"members[0].role", [](auto& r) { r.mutable_members(0)->set_role(static_cast<fc::MemberRole>(9)); }},
      {"members[1].role",
       [](auto& r) {
         auto* m = r.add_members();
         m->set_identity_code(hetu::SyntheticIdentityCode(8201));  // an adult as a child
         m->set_role(fc::MEMBER_ROLE_CHILD);
       }},
      {"members[1].identity_code",
       [&](auto& r) {
         auto* m = r.add_members();
         m->set_identity_code(parent_code);
         m->set_role(fc::MEMBER_ROLE_PARENT);
       }},
      {"contact_id", [](auto& r) { r.set_contact_id("con-nope"); }},
  };
  int n = 0;
  for (auto& c : open_cases) {
    auto req = OpenRequest({{8200, fc::MEMBER_ROLE_PARENT}}, "bad-open-" + std::to_string(n++));
    c.mutate(req);
    FamilyCase out;
    grpc::Status st = Api().OpenCase(Ctx().get(), req, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field << ": " << st.error_message();
    EXPECT_EQ(st.error_message().rfind(c.field, 0), 0u) << c.field << ": " << st.error_message();
    EXPECT_EQ(st.error_message().find(parent_code), std::string::npos);
  }
  fc::ListOpenCasesRequest list;
  list.set_unit_id("fc-seinajoki-1");
  fc::ListOpenCasesResponse page;
  ASSERT_TRUE(Api().ListOpenCases(Ctx().get(), list, &page).ok());
  EXPECT_EQ(page.cases_size(), 0) << "a refused OpenCase wrote a case";

  FamilyCase opened = Open({{8210, fc::MEMBER_ROLE_PARENT}}, "bad-open-ok");
  const std::string parent = MemberOf(opened, fc::MEMBER_ROLE_PARENT);
  FamilyCase out;
  EXPECT_EQ(Epds(opened.case_id(), parent, {1, 1, 1}, "bad-epds-1", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Epds(opened.case_id(), parent, {0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, "bad-epds-2", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Epds(opened.case_id(), std::string(64, 'a'), kEpdsLow, "bad-epds-3", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // No encoding: refused, the field named; never guessed.
  grpc::Status no_encoding =
      Epds(opened.case_id(), parent, kEpdsLow, "bad-epds-4", &out, fc::EPDS_ANSWER_ENCODING_UNSPECIFIED);
  EXPECT_EQ(no_encoding.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(no_encoding.error_message().rfind("encoding: required", 0), 0u) << no_encoding.error_message();
  EXPECT_EQ(Epds(opened.case_id(), parent, kEpdsLow, "bad-epds-5", &out, static_cast<fc::EpdsAnswerEncoding>(7))
                .error_message()
                .rfind("encoding", 0),
            0u);
  grpc::Status future_screening = Epds(opened.case_id(), parent, kEpdsLow, "bad-epds-6", &out,
                                       fc::EPDS_ANSWER_ENCODING_OPTION_POSITIONS, "2999-01-01");
  EXPECT_EQ(future_screening.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(future_screening.error_message().rfind("screened_on", 0), 0u) << future_screening.error_message();
  // None of the refused screenings left an event: once a valid one is on
  // the topic, it is the parent's only one.
  ASSERT_TRUE(Epds(opened.case_id(), parent, kEpdsLow, "bad-epds-ok", &out).ok());
  std::vector<testing::ReadRecord> screened;
  ASSERT_TRUE(WaitFor(
      [&] {
        screened.clear();
        for (auto& r : testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 3s)) {
          if (r.key == parent && r.headers.at("ce_type") == "yhteys.familycentre.v1.EpdsScreened")
            screened.push_back(r);
        }
        return !screened.empty();
      },
      20s));
  EXPECT_EQ(screened.size(), 1u);
  fc::StartServiceRequest start;
  start.set_idempotency_key("bad-start");
  start.set_case_id(opened.case_id());
  start.set_service(fc::FAMILY_SERVICE_FAMILY_WORK);
  start.set_started_on("2999-01-01");
  grpc::Status future = Api().StartService(Ctx().get(), start, &out);
  EXPECT_EQ(future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(future.error_message().rfind("started_on", 0), 0u);
  list.set_unit_id(kUnit);
  list.set_page_size(101);
  EXPECT_EQ(Api().ListOpenCases(Ctx().get(), list, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  list.set_page_size(5);
  list.set_page_token("minus-one");
  EXPECT_EQ(Api().ListOpenCases(Ctx().get(), list, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  fc::GetCaseRequest get;
  get.set_case_id(opened.case_id());
  FamilyCase now;
  ASSERT_TRUE(Api().GetCase(Ctx().get(), get, &now).ok());
  EXPECT_EQ(now.SerializeAsString(), out.SerializeAsString());  // the valid screening's answer: nothing since
}

// TervHL § 51 a: a parent under 23 is referred within 14 days of the
// screening, a parent of 23 or over within 3 months.
TEST_F(FamilyTest, AParentUnderTwentyThreeGetsTheFourteenDayClock) {
  const auto today = *calendar::ParseDate(e2e::Today());
  const std::chrono::year_month_day birth{today.year() - std::chrono::years{21}, std::chrono::January,
                                          std::chrono::day{2}};
  fc::OpenCaseRequest req = OpenRequest({}, "young-parent-open");
  auto* m = req.add_members();
  m->set_identity_code(hetu::SyntheticIdentityCodeBornOn(birth, 980));
  m->set_role(fc::MEMBER_ROLE_PARENT);
  FamilyCase opened;
  ASSERT_TRUE(Api().OpenCase(Ctx().get(), req, &opened).ok());
  const std::string parent = MemberOf(opened, fc::MEMBER_ROLE_PARENT);
  FamilyCase after;
  ASSERT_TRUE(Epds(opened.case_id(), parent, kEpdsProbable, "young-parent-epds", &after).ok());
  const std::string screened_on = after.epds(0).screened_on();
  auto router = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
  std::vector<router::v1::Referral> refs;
  ASSERT_TRUE(WaitFor(
      [&] {
        refs = e2e::ClientReferrals(*router, parent);
        return !refs.empty();
      },
      30s));
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].offer().rule_id(), "familycentre-epds-depression-under-23");
  EXPECT_EQ(refs[0].offer().statutory_deadline().rule(), "days:14");
  EXPECT_EQ(refs[0].offer().statutory_deadline().due_date(),
            calendar::FormatDate(std::chrono::sys_days{*calendar::ParseDate(screened_on)} + std::chrono::days{14}));
  EXPECT_NE(refs[0].offer().statutory_deadline().legal_basis().find("§ 51 a"), std::string::npos);
}

TEST_F(FamilyTest, ParentsEpdsEndsAtTheIntakeUrgentWhenItemTenIsPositive) {
  FamilyCase opened = Open({{8400, fc::MEMBER_ROLE_PARENT}, {8401, fc::MEMBER_ROLE_PARENT}}, "epds-open");
  const std::string first = MemberOf(opened, fc::MEMBER_ROLE_PARENT, 0);
  const std::string second = MemberOf(opened, fc::MEMBER_ROLE_PARENT, 1);
  FamilyCase after;
  ASSERT_TRUE(Epds(opened.case_id(), first, kEpdsProbable, "epds-first", &after).ok());
  ASSERT_EQ(after.epds_size(), 1);
  EXPECT_EQ(after.epds(0).total(), 14);
  EXPECT_EQ(after.epds(0).band(), fc::EPDS_BAND_PROBABLE);
  ASSERT_TRUE(Epds(opened.case_id(), second, kEpdsSelfHarm, "epds-second", &after).ok());
  EXPECT_TRUE(after.epds(1).self_harm_item_positive());

  auto router = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
  auto intake = referral::v1::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
  auto offered = [&](const std::string& client, router::v1::Referral* out) {
    return WaitFor(
        [&] {
          auto refs = e2e::ClientReferrals(*router, client);
          if (refs.size() != 1 || refs[0].state() != referral::v1::REFERRAL_STATE_OFFERED) return false;
          *out = refs[0];
          return true;
        },
        30s);
  };
  router::v1::Referral depression, urgent;
  ASSERT_TRUE(offered(first, &depression));
  ASSERT_TRUE(offered(second, &urgent));
  EXPECT_EQ(depression.offer().rule_id(), "familycentre-epds-depression");
  EXPECT_EQ(depression.offer().urgency(), common::v1::URGENCY_NON_URGENT);
  EXPECT_EQ(depression.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(depression.offer().source_service(), common::v1::SERVICE_NAME_FAMILY_CENTRE);
  EXPECT_EQ(urgent.offer().rule_id(), "familycentre-epds-self-harm");
  EXPECT_EQ(urgent.offer().urgency(), common::v1::URGENCY_URGENT);
  EXPECT_EQ(urgent.offer().statutory_deadline().rule(), "same_day");
  // Same day: the due date is the day it was created (Helsinki time), which
  // the router also stamps on the referral.
  EXPECT_EQ(urgent.offer().statutory_deadline().due_date().size(), 10u);

  for (const auto* r : {&depression, &urgent}) {
    referral::v1::AcceptReferralRequest accept;
    accept.set_idempotency_key("epds-accept-" + r->offer().referral_id());
    accept.set_referral_id(r->offer().referral_id());
    accept.set_unit_id(r->offer().unit_id());
    referral::v1::InboxEntry entry;
    ASSERT_TRUE(intake->AcceptReferral(Ctx().get(), accept, &entry).ok());
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& client : {first, second}) {
          auto refs = e2e::ClientReferrals(*router, client);
          if (refs.size() != 1 || refs[0].state() != referral::v1::REFERRAL_STATE_ACCEPTED) return false;
        }
        return true;
      },
      30s));

  // On the referrals topic each parent has CREATED, OFFERED, ACCEPTED; no
  // identity code in any record of the three topics.
  auto records =
      testing::ReadAll(system_->Bootstrap(), {kTopic, "yhteys.referrals.events.v1", "yhteys.mentalhealth.events.v1"},
                       static_cast<size_t>(-1), 5s);
  std::map<std::string, int> states;
  for (const auto& r : records) {
    for (int i : {8400, 8401}) {
      std::string code = hetu::SyntheticIdentityCode(i);
      EXPECT_EQ(r.value.find(code), std::string::npos);
      EXPECT_EQ(r.value.find(code.substr(0, 6) + code.substr(7, 3)), std::string::npos);
    }
    if (r.topic == "yhteys.referrals.events.v1" && (r.key == first || r.key == second)) ++states[r.key];
  }
  EXPECT_EQ(states[first], 3);
  EXPECT_EQ(states[second], 3);
}

// A form answered on paper or on screen sends the printed option positions.
// "Yes, quite often" is the first printed option of item 10 (thoughts of
// harming oneself): position 0, which the service must score 3 and send to
// the intake as an URGENT, same-day referral, whatever the total.
TEST_F(FamilyTest, ItemTenYesQuiteOftenAsAnOptionPositionEndsAsAnUrgentSameDayReferral) {
  FamilyCase opened = Open({{8500, fc::MEMBER_ROLE_PARENT}}, "epds-positions-open");
  const std::string parent = MemberOf(opened, fc::MEMBER_ROLE_PARENT);
  // Items 1, 2 and 4 on their first option (scores 0); items 3 and 5-9 on
  // their last ("No, never" and the like, scores 0); item 10 "Yes, quite often".
  const std::vector<int> positions = {0, 0, 3, 0, 3, 3, 3, 3, 3, 0};
  FamilyCase after;
  grpc::Status st =
      Epds(opened.case_id(), parent, positions, "epds-positions", &after, fc::EPDS_ANSWER_ENCODING_OPTION_POSITIONS);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(after.epds_size(), 1);
  const fc::EpdsScreening& screening = after.epds(0);
  EXPECT_EQ(std::vector<int>(screening.item_scores().begin(), screening.item_scores().end()),
            (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(screening.total(), 3);
  EXPECT_EQ(screening.band(), fc::EPDS_BAND_LOW);
  EXPECT_TRUE(screening.self_harm_item_positive());
  EXPECT_EQ(screening.encoding(), fc::EPDS_ANSWER_ENCODING_OPTION_POSITIONS);
  ASSERT_EQ(screening.screened_on().size(), 10u);

  auto router = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
  router::v1::Referral urgent;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = e2e::ClientReferrals(*router, parent);
        if (refs.size() != 1) return false;
        urgent = refs[0];
        return true;
      },
      30s));
  EXPECT_EQ(urgent.offer().rule_id(), "familycentre-epds-self-harm");
  EXPECT_EQ(urgent.offer().urgency(), common::v1::URGENCY_URGENT);
  EXPECT_EQ(urgent.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(urgent.offer().statutory_deadline().rule(), "same_day");
  EXPECT_EQ(urgent.offer().statutory_deadline().due_date(), screening.screened_on());

  // The event carries the item scores the service used, under the parent's pseudonym.
  auto records = testing::ReadAll(system_->Bootstrap(), {kTopic}, static_cast<size_t>(-1), 5s);
  int screened = 0;
  for (const auto& r : records) {
    if (r.key != parent || r.headers.at("ce_type") != "yhteys.familycentre.v1.EpdsScreened") continue;
    fc::EpdsScreened event;
    ASSERT_TRUE(event.ParseFromString(r.value));
    ++screened;
    EXPECT_EQ(std::vector<int>(event.item_scores().begin(), event.item_scores().end()),
              (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0, 0, 3}));
    EXPECT_TRUE(event.self_harm_item_positive());
    EXPECT_EQ(event.screened_on(), screening.screened_on());
  }
  EXPECT_EQ(screened, 1);
}

}  // namespace
}  // namespace yhteys
