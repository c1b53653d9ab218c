// The canary test (no identity code, name or free text anywhere): traffic through every service with
// canary identity codes (synthetic, 900 series) and canary free text, good
// and bad requests alike, until the cross-sector referrals it causes were
// offered; then every Kafka record (every topic and dead-letter topic, key,
// value and headers), every service's log and every /metrics output is
// searched: no canary may appear, with or without the code's separator.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/audit/v1/audit_index_service.grpc.pb.h"
#include "yhteys/familycentre/v1/family_centre_service.grpc.pb.h"
#include "yhteys/feedback/v1/client_feedback_service.grpc.pb.h"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using testing::WaitFor;

constexpr char kCanaryText[] = "CANARY-free-text-3f9e1b Anna Virtanen, Kotikatu 5";
constexpr int kFirstCanary = 11000;

std::string Digits(const std::string& code) { return code.substr(0, 6) + code.substr(7, 3); }

// Every canary code with a wrong check character: the refused variant a
// careless error message would echo.
std::string WrongCheck(const std::string& code) { return code.substr(0, 10) + (code.back() == 'A' ? "B" : "A"); }

TEST(CanaryTest, NoCanaryInAnyRecordLogOrMetric) {
  testing::YhteysSystem system;
  std::vector<std::string> codes;
  for (int i = 0; i < 6; ++i) codes.push_back(hetu::SyntheticIdentityCode(kFirstCanary + i));
  auto home = homecare::v1::HomeCare::NewStub(system.Channel("home-care"));
  auto intake = mentalhealth::v1::MentalHealthIntake::NewStub(system.Channel("mental-health-intake"));
  auto family = familycentre::v1::FamilyCentre::NewStub(system.Channel("family-centre"));
  auto feedback = feedback::v1::ClientFeedback::NewStub(system.Channel("client-feedback"));
  auto router = router::v1::ReferralRouter::NewStub(system.Channel("referral-router"));

  // Home care: a client whose assessment triggers the DRS and CHESS rules.
  homecare::v1::RegisterClientResponse registered;
  ASSERT_TRUE(home->RegisterClient(Ctx().get(), e2e::RegisterRequest(codes[0], "canary-hc-1"), &registered).ok());
  const std::string hc_client = registered.client_id();
  auto assessment = e2e::AssessmentRequest(hc_client, "canary-hc-2", {3, 1, 2, 0, 1, 0, 0});
  assessment.mutable_items()->mutable_health()->set_dyspnea(3);
  assessment.mutable_items()->mutable_health()->set_vomiting(4);
  assessment.mutable_items()->mutable_adl()->set_adl_status_change(2);
  homecare::v1::RecordAssessmentResponse scored;
  ASSERT_TRUE(home->RecordAssessment(Ctx().get(), assessment, &scored).ok());
  homecare::v1::RegisterClientResponse refused;
  grpc::Status bad =
      home->RegisterClient(Ctx().get(), e2e::RegisterRequest(WrongCheck(codes[1]), "canary-hc-3"), &refused);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Mental-health intake: a parent with children at home.
  mentalhealth::v1::StartIntakeRequest start;
  start.set_idempotency_key("canary-mhi-1");
  start.set_identity_code(codes[2]);
  start.set_channel(mentalhealth::v1::INTAKE_CHANNEL_DIGITAL);
  start.set_municipality_code("398");
  start.set_language(common::v1::LANGUAGE_FI);
  start.set_unit_id("mhi-lahti-1");
  mentalhealth::v1::Intake in;
  ASSERT_TRUE(intake->StartIntake(Ctx().get(), start, &in).ok());
  const std::string parent = in.client_id();
  mentalhealth::v1::SubmitScreeningRequest phq9;
  phq9.set_idempotency_key("canary-mhi-2");
  phq9.set_intake_id(in.intake_id());
  phq9.set_instrument(mentalhealth::v1::INSTRUMENT_PHQ9);
  for (int a : {2, 2, 2, 2, 2, 1, 1, 0, 0}) phq9.add_answers(a);
  ASSERT_TRUE(intake->SubmitScreening(Ctx().get(), phq9, &in).ok());
  mentalhealth::v1::RecordChildrenAtHomeRequest children;
  children.set_idempotency_key("canary-mhi-3");
  children.set_intake_id(in.intake_id());
  children.set_children_count(1);
  children.set_consent_to_family_centre(true);
  ASSERT_TRUE(intake->RecordChildrenAtHome(Ctx().get(), children, &in).ok());
  mentalhealth::v1::CompleteIntakeRequest complete;
  complete.set_idempotency_key("canary-mhi-4");
  complete.set_intake_id(in.intake_id());
  complete.set_chosen_level(mentalhealth::v1::CARE_LEVEL_3_SHORT_PSYCHOSOCIAL);
  ASSERT_TRUE(intake->CompleteIntake(Ctx().get(), complete, &in).ok());
  start.set_idempotency_key("canary-mhi-5");
  start.set_identity_code(WrongCheck(codes[3]));
  EXPECT_EQ(intake->StartIntake(Ctx().get(), start, &in).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Family centre: a mother and a child; the mother's EPDS item 10 is positive.
  familycentre::v1::OpenCaseRequest open;
  open.set_idempotency_key("canary-fc-1");
  open.set_unit_id("fc-lahti-1");
  open.set_municipality_code("398");
  open.set_language(common::v1::LANGUAGE_FI);
  open.add_reasons(familycentre::v1::CONTACT_REASON_PARENT_WELLBEING);
  auto* mother = open.add_members();
  mother->set_identity_code(codes[4]);
  mother->set_role(familycentre::v1::MEMBER_ROLE_PARENT);
  auto* other = open.add_members();
  other->set_identity_code(codes[5]);
  other->set_role(familycentre::v1::MEMBER_ROLE_OTHER_CAREGIVER);
  familycentre::v1::FamilyCase family_case;
  ASSERT_TRUE(family->OpenCase(Ctx().get(), open, &family_case).ok());
  const std::string mother_id = family_case.members(0).member_id();
  familycentre::v1::RecordEpdsRequest epds;
  epds.set_idempotency_key("canary-fc-2");
  epds.set_case_id(family_case.case_id());
  epds.set_member_id(mother_id);
  epds.set_encoding(familycentre::v1::EPDS_ANSWER_ENCODING_SCORED_POINTS);
  for (int a : {1, 1, 1, 0, 1, 0, 0, 1, 0, 1}) epds.add_answers(a);
  ASSERT_TRUE(family->RecordEpds(Ctx().get(), epds, &family_case).ok());
  open.set_idempotency_key("canary-fc-3");
  open.mutable_members(1)->set_identity_code(codes[4]);  // the same person twice: refused
  EXPECT_EQ(family->OpenCase(Ctx().get(), open, &family_case).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // Client feedback with canary free text, accepted and refused.
  feedback::v1::SubmitFeedbackRequest answer;
  answer.set_idempotency_key("canary-fb-1");
  answer.set_unit_id("hc-lahti-1");
  answer.set_service("home-care-visits");
  answer.set_channel(feedback::v1::FEEDBACK_CHANNEL_WEB);
  answer.set_nps(9);
  auto* statement = answer.add_statements();
  statement->set_statement(feedback::v1::STATEMENT_LISTENED_TO);
  statement->set_value(5);
  answer.set_free_text(std::string(kCanaryText) + " " + codes[0]);
  feedback::v1::SubmitFeedbackResponse received;
  grpc::Status fb = feedback->SubmitFeedback(Ctx().get(), answer, &received);
  ASSERT_TRUE(fb.ok()) << fb.error_message();
  EXPECT_TRUE(received.free_text_stored());
  answer.set_idempotency_key("canary-fb-2");
  answer.set_nps(11);  // refused
  EXPECT_EQ(feedback->SubmitFeedback(Ctx().get(), answer, &received).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The cross-sector effects happened: the router read all of it.
  auto offered = [&](const std::string& client, size_t n) {
    return WaitFor(
        [&] {
          auto refs = e2e::ClientReferrals(*router, client);
          size_t count = 0;
          for (const auto& r : refs) count += r.state() == referral::v1::REFERRAL_STATE_OFFERED;
          return count == n;
        },
        30s);
  };
  ASSERT_TRUE(offered(hc_client, 2));  // DRS -> intake, CHESS -> external nurse
  ASSERT_TRUE(offered(parent, 1));     // children at home -> family centre
  ASSERT_TRUE(offered(mother_id, 1));  // EPDS item 10 -> intake, urgent

  // The client's consent recorded by identity code, and the audit index
  // asked by identity code (and with a mistyped one): the codes stay at the
  // edge of the router and the index too.
  router::v1::RecordClientSharingRequest consent;
  consent.set_idempotency_key("canary-consent");
  consent.set_identity_code(codes[0]);
  consent.set_status(referral::v1::SHARING_STATUS_CONSENT_GIVEN);
  consent.set_unit_id("hc-lahti-1");
  router::v1::ClientSharing sharing;
  ASSERT_TRUE(router->RecordClientSharing(Ctx().get(), consent, &sharing).ok());
  EXPECT_EQ(sharing.client_pseudonym(), hc_client);
  consent.set_identity_code(WrongCheck(codes[1]));
  consent.set_idempotency_key("canary-consent-2");
  EXPECT_EQ(router->RecordClientSharing(Ctx().get(), consent, &sharing).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  auto index = audit::v1::AuditIndex::NewStub(system.Channel("audit-index"));
  audit::v1::ListClientDataAccessRequest ask;
  ask.set_identity_code(codes[0]);
  ask.set_from_date(e2e::Today());
  audit::v1::ListClientDataAccessResponse answer_of_index;
  ASSERT_TRUE(WaitFor(
      [&] {
        answer_of_index.Clear();
        return index->ListClientDataAccess(Ctx().get(), ask, &answer_of_index).ok() &&
               answer_of_index.entries_size() >= 2;
      },
      30s));
  EXPECT_EQ(answer_of_index.client_pseudonym(), hc_client);
  ask.set_identity_code(WrongCheck(codes[0]));
  grpc::Status wrong = index->ListClientDataAccess(Ctx().get(), ask, &answer_of_index);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wrong.error_message().find(Digits(codes[0]).substr(0, 6)), std::string::npos);

  std::vector<std::string> needles = {kCanaryText, "CANARY-free-text", "Virtanen", "Kotikatu"};
  for (const auto& code : codes) {
    needles.push_back(code);
    needles.push_back(Digits(code));
    needles.push_back(WrongCheck(code));
  }
  std::vector<std::string> topics;
  for (const char* t : {"yhteys.homecare.events.v1", "yhteys.mentalhealth.events.v1", "yhteys.familycentre.events.v1",
                        "yhteys.feedback.events.v1", "yhteys.referrals.events.v1"}) {
    topics.push_back(t);
    topics.push_back(std::string(t) + ".dlq");
  }
  topics.push_back("yhteys.audit.v1");
  topics.push_back("yhteys.audit.v1.dlq");
  auto records = testing::ReadAll(system.Bootstrap(), topics, static_cast<size_t>(-1), 5s);
  // 2 home care, 3 intake, 2 family centre, 1 feedback, and CREATED and
  // OFFERED for each of the 4 referrals: the search reads all of them.
  ASSERT_GE(records.size(), 16u);
  // The search finds what is there: the pseudonyms are in the records.
  int with_pseudonym = 0;
  for (const auto& r : records) with_pseudonym += r.value.find(hc_client) != std::string::npos;
  EXPECT_GE(with_pseudonym, 4);
  // S9 includes the audit log: every call above left a record there, and
  // the home-care client's are among those searched.
  int audit_records = 0, audit_with_client = 0;
  for (const auto& r : records) {
    if (r.topic != "yhteys.audit.v1") continue;
    ++audit_records;
    audit_with_client += r.value.find(hc_client) != std::string::npos;
  }
  EXPECT_GE(audit_records, 8);
  EXPECT_GE(audit_with_client, 2);
  for (const auto& r : records) {
    for (const auto& needle : needles) {
      EXPECT_EQ(r.key.find(needle), std::string::npos) << r.topic << " key";
      EXPECT_EQ(r.value.find(needle), std::string::npos) << r.topic << " value";
      for (const auto& [name, value] : r.headers) {
        EXPECT_EQ(value.find(needle), std::string::npos) << r.topic << " header " << name;
      }
    }
  }
  for (const auto& name : testing::YhteysSystem::AllServices()) {
    std::string log = system.ReadLog(name);
    std::string metrics = testing::ScrapeMetrics(system.MetricsPort(name));
    ASSERT_FALSE(log.empty()) << name;
    ASSERT_NE(metrics.find("yhteys_rpc_requests_total"), std::string::npos) << name;
    for (const auto& needle : needles) {
      EXPECT_EQ(log.find(needle), std::string::npos) << name << " log";
      EXPECT_EQ(metrics.find(needle), std::string::npos) << name << " /metrics";
    }
  }
}

}  // namespace
}  // namespace yhteys
