// The one-contact path over real processes: redis-server, yhteys-dev-broker
// and the five services on free loopback ports, driven through gRPC, with
// the topics read by a plain Kafka consumer.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "clients.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/health_client.hpp"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using testing::WaitFor;

// Synthetic identity codes (900-series individual numbers).
constexpr char kCode[] = "150342-957T";
constexpr char kCodeDigits[] = "150342957";
constexpr char kOtherCode[] = "280238-912W";

class OneContactTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  homecare::v1::HomeCare::Stub& HomeCare() {
    if (!home_care_) home_care_ = homecare::v1::HomeCare::NewStub(system_->Channel("home-care"));
    return *home_care_;
  }
  referral::v1::ReferralInbox::Stub& Intake() {
    if (!intake_) intake_ = referral::v1::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
    return *intake_;
  }
  router::v1::ReferralRouter::Stub& Router() {
    if (!router_) router_ = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
    return *router_;
  }

  std::string Register(const std::string& code, const std::string& key) {
    homecare::v1::RegisterClientResponse resp;
    grpc::Status st = HomeCare().RegisterClient(Ctx().get(), e2e::RegisterRequest(code, key), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.client_id();
  }

  homecare::v1::RecordAssessmentRequest Assessment(const std::string& client, const std::string& key,
                                                   std::vector<int> mood) {
    return e2e::AssessmentRequest(client, key, mood);
  }

  std::vector<router::v1::Referral> ClientReferrals(const std::string& client) {
    return e2e::ClientReferrals(Router(), client);
  }

  static testing::YhteysSystem* system_;
  std::unique_ptr<homecare::v1::HomeCare::Stub> home_care_;
  std::unique_ptr<referral::v1::ReferralInbox::Stub> intake_;
  std::unique_ptr<router::v1::ReferralRouter::Stub> router_;
};

testing::YhteysSystem* OneContactTest::system_ = nullptr;

TEST_F(OneContactTest, EveryServiceServesHealthAndTheDomainServicesTheReferralInbox) {
  for (const auto& name : testing::YhteysSystem::AllServices()) {
    auto serving = server::CheckHealth(system_->Channel(name), 2s);
    ASSERT_TRUE(serving.ok()) << name;
    EXPECT_TRUE(*serving) << name;
    if (name == "referral-router" || name == "audit-index") continue;
    auto inbox = referral::v1::ReferralInbox::NewStub(system_->Channel(name));
    referral::v1::ListInboxRequest req;
    referral::v1::ListInboxResponse resp;
    EXPECT_TRUE(inbox->ListInbox(Ctx().get(), req, &resp).ok()) << name;
  }
}

TEST_F(OneContactTest, DepressionNoticedInHomeCareEndsAcceptedInIntakeAndHomeCareSeesIt) {
  std::string client = Register(kCode, "e2e-register-1");
  ASSERT_EQ(client.size(), 64u);

  auto req = Assessment(client, "e2e-assess-1", {3, 1, 2, 0, 1, 0, 0});
  homecare::v1::RecordAssessmentResponse first;
  grpc::Status recorded = HomeCare().RecordAssessment(Ctx().get(), req, &first);
  ASSERT_TRUE(recorded.ok()) << recorded.error_message();
  EXPECT_EQ(first.scales().drs(), 5);

  // The router creates the referral and offers it to the intake.
  std::string referral_id;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = ClientReferrals(client);
        if (refs.size() == 1 && refs[0].state() == referral::v1::REFERRAL_STATE_OFFERED)
          referral_id = refs[0].offer().referral_id();
        return !referral_id.empty();
      },
      30s));
  referral::v1::GetInboxEntryRequest get;
  get.set_referral_id(referral_id);
  referral::v1::InboxEntry offered;
  ASSERT_TRUE(Intake().GetInboxEntry(Ctx().get(), get, &offered).ok());
  EXPECT_EQ(offered.state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(offered.offer().rule_id(), "homecare-drs-depression");
  EXPECT_EQ(offered.offer().source_service(), common::v1::SERVICE_NAME_HOME_CARE);
  EXPECT_EQ(offered.offer().client_pseudonym(), client);
  EXPECT_FALSE(offered.offer().statutory_deadline().due_date().empty());
  EXPECT_EQ(offered.offer().statutory_deadline().rule(), "months:3");

  // A retry of the assessment with the same key: same answer, no second referral.
  homecare::v1::RecordAssessmentResponse again;
  ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), req, &again).ok());
  EXPECT_EQ(again.assessment_id(), first.assessment_id());

  // The intake accepts; a retry of the accept is answered the same.
  referral::v1::AcceptReferralRequest accept;
  accept.set_idempotency_key("e2e-accept-1");
  accept.set_referral_id(referral_id);
  accept.set_unit_id(offered.offer().unit_id());
  referral::v1::InboxEntry accepted, accepted_again;
  ASSERT_TRUE(Intake().AcceptReferral(Ctx().get(), accept, &accepted).ok());
  EXPECT_EQ(accepted.state(), referral::v1::INBOX_STATE_ACCEPTED);
  ASSERT_TRUE(Intake().AcceptReferral(Ctx().get(), accept, &accepted_again).ok());
  EXPECT_EQ(accepted_again.SerializeAsString(), accepted.SerializeAsString());

  // The router records ACCEPTED; home care sees the outcome (closed loop).
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = ClientReferrals(client);
        return refs.size() == 1 && refs[0].state() == referral::v1::REFERRAL_STATE_ACCEPTED;
      },
      30s));
  ASSERT_TRUE(WaitFor(
      [&] {
        homecare::v1::GetClientRequest gc;
        gc.set_client_id(client);
        homecare::v1::Client c;
        if (!HomeCare().GetClient(Ctx().get(), gc, &c).ok()) return false;
        return c.referrals_size() == 1 && c.referrals(0).referral_id() == referral_id &&
               c.referrals(0).state() == referral::v1::REFERRAL_STATE_ACCEPTED;
      },
      30s));
  EXPECT_EQ(ClientReferrals(client).size(), 1u);

  // The topics, read with a plain Kafka consumer.
  auto records = testing::ReadAll(
      system_->Bootstrap(),
      {"yhteys.homecare.events.v1", "yhteys.mentalhealth.events.v1", "yhteys.referrals.events.v1"}, 1000, 8s);
  std::map<std::string, int> types;
  std::set<std::string> ids;
  for (const auto& r : records) {
    for (const char* h : {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type"}) {
      ASSERT_TRUE(r.headers.count(h)) << h << " missing on " << r.topic;
    }
    EXPECT_EQ(r.headers.at("ce_specversion"), "1.0");
    EXPECT_EQ(r.headers.at("content-type"), "application/protobuf");
    EXPECT_EQ(r.headers.at("ce_subject"), r.key);
    ids.insert(r.headers.at("ce_source") + "|" + r.headers.at("ce_id"));
    if (r.key == client) ++types[r.headers.at("ce_type")];
    // No identity code anywhere in a record, with or without its separator.
    for (const std::string& needle : {std::string(kCode), std::string(kCodeDigits)}) {
      EXPECT_EQ(r.value.find(needle), std::string::npos);
      EXPECT_EQ(r.key.find(needle), std::string::npos);
      for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find(needle), std::string::npos) << name;
    }
  }
  EXPECT_EQ(types["yhteys.homecare.v1.ClientRegistered"], 1);
  EXPECT_EQ(types["yhteys.homecare.v1.AssessmentRecorded"], 1);
  EXPECT_EQ(types["yhteys.referral.v1.ReferralOutcomeReported"], 1);
  // CREATED, OFFERED, ACCEPTED.
  EXPECT_EQ(types["yhteys.referral.v1.ReferralStateChanged"], 3);

  // The referral's states on the topic, in order.
  std::vector<referral::v1::ReferralState> states;
  for (const auto& r : records) {
    if (r.topic != "yhteys.referrals.events.v1" || r.key != client) continue;
    referral::v1::ReferralStateChanged change;
    ASSERT_TRUE(change.ParseFromString(r.value));
    states.push_back(change.state());
  }
  EXPECT_EQ(states, (std::vector<referral::v1::ReferralState>{referral::v1::REFERRAL_STATE_CREATED,
                                                              referral::v1::REFERRAL_STATE_OFFERED,
                                                              referral::v1::REFERRAL_STATE_ACCEPTED}));

  // Nor in any service's log.
  for (const auto& name : testing::YhteysSystem::AllServices()) {
    std::string log = system_->ReadLog(name);
    EXPECT_EQ(log.find(kCode), std::string::npos) << name;
    EXPECT_EQ(log.find(kCodeDigits), std::string::npos) << name;
  }
}

TEST_F(OneContactTest, BadInputIsInvalidArgumentNamingTheFieldAndWritesNothing) {
  struct Case {
    std::string code;
    std::string municipality;
    common::v1::Language language;
    std::string field;
  } cases[] = {
      {"150342-957A", "398", common::v1::LANGUAGE_FI, "identity_code"},  // wrong check character
      {"310242-957T", "398", common::v1::LANGUAGE_FI, "identity_code"},  // impossible date
      {"150342-957t", "398", common::v1::LANGUAGE_FI, "identity_code"},  // lower case
      {"", "398", common::v1::LANGUAGE_FI, "identity_code"},
      {kOtherCode, "39", common::v1::LANGUAGE_FI, "municipality_code"},
      {kOtherCode, "398", common::v1::LANGUAGE_UNSPECIFIED, "language"},
      {kOtherCode, "398", static_cast<common::v1::Language>(99), "language"},
  };
  int n = 0;
  for (const auto& c : cases) {
    homecare::v1::RegisterClientRequest req;
    req.set_idempotency_key("e2e-bad-" + std::to_string(n++));
    req.set_identity_code(c.code);
    req.set_municipality_code(c.municipality);
    req.set_language(c.language);
    req.set_unit_id("hc-lahti-1");
    homecare::v1::RegisterClientResponse resp;
    grpc::Status st = HomeCare().RegisterClient(Ctx().get(), req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(st.error_message().rfind(c.field + ":", 0), 0u) << st.error_message();
    if (!c.code.empty()) {
      EXPECT_EQ(st.error_message().find(c.code.substr(0, 6)), std::string::npos);
    }
  }
  // Oversize unit id, missing idempotency key.
  homecare::v1::RegisterClientRequest big;
  big.set_idempotency_key("e2e-bad-big");
  big.set_identity_code(kOtherCode);
  big.set_municipality_code("398");
  big.set_language(common::v1::LANGUAGE_FI);
  big.set_unit_id(std::string(5000, 'u'));
  homecare::v1::RegisterClientResponse resp;
  grpc::Status st = HomeCare().RegisterClient(Ctx().get(), big, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("unit_id:", 0), 0u);
  big.set_unit_id("hc-1");
  big.clear_idempotency_key();
  st = HomeCare().RegisterClient(Ctx().get(), big, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("idempotency_key:", 0), 0u);

  // Assessment: unknown client, out-of-range item, missing item.
  std::string client = Register(kOtherCode, "e2e-register-other");
  homecare::v1::RecordAssessmentResponse out;
  auto unknown = Assessment(std::string(64, 'f'), "e2e-a-1", {0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(HomeCare().RecordAssessment(Ctx().get(), unknown, &out).error_code(), grpc::StatusCode::NOT_FOUND);
  auto high = Assessment(client, "e2e-a-2", {0, 0, 0, 9, 0, 0, 0});
  st = HomeCare().RecordAssessment(Ctx().get(), high, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("items.mood.repetitive_health_complaints:", 0), 0u) << st.error_message();
  auto missing = Assessment(client, "e2e-a-3", {0, 0, 0, 0, 0, 0, 0});
  missing.mutable_items()->mutable_mood()->clear_persistent_anger();
  st = HomeCare().RecordAssessment(Ctx().get(), missing, &out);
  EXPECT_EQ(st.error_message(), "items.mood.persistent_anger: required");

  // The same key with a different body is refused.
  auto low = Assessment(client, "e2e-a-4", {0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), low, &out).ok());
  auto changed = Assessment(client, "e2e-a-4", {1, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(HomeCare().RecordAssessment(Ctx().get(), changed, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Nothing from the bad requests reached the client's record or the router.
  homecare::v1::GetClientRequest gc;
  gc.set_client_id(client);
  homecare::v1::Client c;
  ASSERT_TRUE(HomeCare().GetClient(Ctx().get(), gc, &c).ok());
  EXPECT_EQ(c.latest_assessment().scales().drs(), 0);
  EXPECT_TRUE(ClientReferrals(client).empty());
}

}  // namespace
}  // namespace yhteys
