// Who may see what, over real processes in the production shape: every
// service serves mutual TLS with certificates from a CA made at test start,
// the router offers with its own identity, and each caller's role comes from
// its certificate. Rows S1 (unauthenticated callers) and S2 (a certificate of
// each role against an RPC it may not call) of the fault list, and the audit
// count of a scripted session: every call that touched client data and every
// denial is exactly one event on yhteys.audit.v1.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/audit/v1/audit_events.pb.h"
#include "yhteys/audit/v1/audit_index_service.grpc.pb.h"
#include "yhteys/feedback/v1/client_feedback_service.grpc.pb.h"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.grpc.pb.h"
#include "yhteys/redis/pool.hpp"
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

namespace hc = homecare::v1;

constexpr char kAuditTopic[] = "yhteys.audit.v1";
const std::string kNurse = "spiffe://test.fi/role/homecare-nurse/unit/hc-lahti-1";
const std::string kKiosk = "spiffe://test.fi/role/feedback-kiosk";
// A clinician of the unit the directory chooses first for a Finnish-speaking
// Lahti client's mental-health assessment: inbox entries are the offered
// unit's, so the certificate names a directory unit.
constexpr char kClinicianUnit[] = "ph-mh-lahti-matala";
const std::string kClinician = std::string("spiffe://test.fi/role/intake-clinician/unit/") + kClinicianUnit;
const std::string kAuditor = "spiffe://test.fi/role/auditor";

// One ServerReflectionInfo exchange (list_services) over `channel`: the
// status, and whether an answer came back.
grpc::Status ReflectionListServices(const std::shared_ptr<grpc::Channel>& channel, bool* answered) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  const std::string list_services("\x3a\x00", 2);  // ServerReflectionRequest{list_services: ""}
  grpc::Slice slice(list_services);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  call->WritesDone(reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  *answered = ok && response.Length() > 0;
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  return status;
}

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(testing::YhteysSystem::MutualTls{}); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  // Every audit event, decoded, by actor.
  static std::map<std::string, std::vector<audit::v1::ClientDataAccessed>> AuditByActor() {
    std::map<std::string, std::vector<audit::v1::ClientDataAccessed>> out;
    for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kAuditTopic}, static_cast<size_t>(-1), 2s)) {
      audit::v1::ClientDataAccessed e;
      if (e.ParseFromString(r.value)) out[e.actor()].push_back(e);
    }
    return out;
  }
  // The audit events by this actor.
  static std::vector<audit::v1::ClientDataAccessed> AuditOf(const std::string& actor) { return AuditByActor()[actor]; }
  // Waits until `actor` has at least `count` audit events, then returns them all.
  static std::vector<audit::v1::ClientDataAccessed> AuditOnceThereAre(const std::string& actor, size_t count) {
    std::vector<audit::v1::ClientDataAccessed> events;
    WaitFor(
        [&] {
          events = AuditOf(actor);
          return events.size() >= count;
        },
        30s);
    return events;
  }

  static testing::YhteysSystem* system_;
};

testing::YhteysSystem* AccessTest::system_ = nullptr;

// S1: no certificate, no TLS, or a certificate from another CA: the
// handshake fails and no handler runs.
TEST_F(AccessTest, UnauthenticatedCallersNeverReachAHandler) {
  hc::GetClientRequest get;
  get.set_client_id(std::string(64, 'a'));
  hc::Client out;

  auto plaintext = hc::HomeCare::NewStub(system_->Channel("home-care", grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plaintext->GetClient(Ctx().get(), get, &out).error_code(), grpc::StatusCode::UNAVAILABLE);

  grpc::SslCredentialsOptions server_only;
  server_only.pem_root_certs = testing::ReadFile(system_->ca().ca_file());
  auto no_cert = hc::HomeCare::NewStub(system_->Channel("home-care", grpc::SslCredentials(server_only)));
  EXPECT_EQ(no_cert->GetClient(Ctx().get(), get, &out).error_code(), grpc::StatusCode::UNAVAILABLE);

  testing::TestCa other(system_->dir(), "other-ca");
  auto foreign = other.Issue("foreign-nurse", "URI:" + kNurse);
  auto foreign_stub =
      hc::HomeCare::NewStub(system_->Channel("home-care", testing::MtlsCredentials(system_->ca().ca_file(), foreign)));
  EXPECT_EQ(foreign_stub->GetClient(Ctx().get(), get, &out).error_code(), grpc::StatusCode::UNAVAILABLE);

  // None of them reached the access check either: no audit record names the nurse.
  EXPECT_TRUE(AuditOf(kNurse).empty());
}

// S2: a valid certificate of each role against an RPC that role may not
// call: PERMISSION_DENIED with the reason, and exactly one DENIED event.
TEST_F(AccessTest, EachRoleIsDeniedWhatItMayNotCallAndEachDenialIsAuditedOnce) {
  struct Case {
    std::string service;
    std::string role_uri;
    std::function<grpc::Status(std::shared_ptr<grpc::Channel>)> call;
    std::string rpc;
  };
  auto get_client = [](std::shared_ptr<grpc::Channel> ch) {
    hc::GetClientRequest req;
    req.set_client_id(std::string(64, 'a'));
    hc::Client out;
    return hc::HomeCare::NewStub(ch)->GetClient(Ctx().get(), req, &out);
  };
  auto offer = [](std::shared_ptr<grpc::Channel> ch) {
    referral::v1::OfferReferralRequest req;
    referral::v1::InboxEntry out;
    return referral::v1::ReferralInbox::NewStub(ch)->OfferReferral(Ctx().get(), req, &out);
  };
  auto summary = [](std::shared_ptr<grpc::Channel> ch) {
    feedback::v1::GetUnitSummaryRequest req;
    req.set_unit_id("hc-lahti-1");
    feedback::v1::UnitSummary out;
    return feedback::v1::ClientFeedback::NewStub(ch)->GetUnitSummary(Ctx().get(), req, &out);
  };
  auto respond = [](std::shared_ptr<grpc::Channel> ch) {
    router::v1::RespondToExternalReferralRequest req;
    router::v1::Referral out;
    return router::v1::ReferralRouter::NewStub(ch)->RespondToExternalReferral(Ctx().get(), req, &out);
  };
  const std::vector<Case> cases = {
      {"home-care", "spiffe://test.fi/role/feedback-kiosk/unit/kiosk-1", get_client,
       "/yhteys.homecare.v1.HomeCare/GetClient"},
      {"home-care", "spiffe://test.fi/role/feedback-analyst", get_client, "/yhteys.homecare.v1.HomeCare/GetClient"},
      {"home-care", "spiffe://test.fi/role/operator/unit/ops", get_client, "/yhteys.homecare.v1.HomeCare/GetClient"},
      {"home-care", "spiffe://test.fi/role/auditor/unit/audit", get_client, "/yhteys.homecare.v1.HomeCare/GetClient"},
      {"home-care", "spiffe://test.fi/role/intake-clinician/unit/mhi-x", get_client,
       "/yhteys.homecare.v1.HomeCare/GetClient"},
      {"home-care", "spiffe://test.fi/role/homecare-nurse/unit/hc-x", offer,
       "/yhteys.referral.v1.ReferralInbox/OfferReferral"},
      {"mental-health-intake", "spiffe://test.fi/role/service-counsellor/unit/sc-x", offer,
       "/yhteys.referral.v1.ReferralInbox/OfferReferral"},
      {"client-feedback", "spiffe://test.fi/role/feedback-kiosk/unit/kiosk-2", summary,
       "/yhteys.feedback.v1.ClientFeedback/GetUnitSummary"},
      {"referral-router", "spiffe://test.fi/role/familycentre-worker/unit/fc-x", respond,
       "/yhteys.router.v1.ReferralRouter/RespondToExternalReferral"},
      {"referral-router", "spiffe://test.fi/role/external-unit/unit/ext-x",
       [](std::shared_ptr<grpc::Channel> ch) {
         router::v1::ListClientReferralsRequest req;
         req.set_client_pseudonym(std::string(64, 'a'));
         router::v1::ListClientReferralsResponse out;
         return router::v1::ReferralRouter::NewStub(ch)->ListClientReferrals(Ctx().get(), req, &out);
       },
       "/yhteys.router.v1.ReferralRouter/ListClientReferrals"},
  };
  for (const auto& c : cases) {
    grpc::Status st = c.call(system_->ChannelAs(c.service, "URI:" + c.role_uri));
    EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << c.role_uri << " " << c.rpc;
    EXPECT_NE(st.error_message().find("may not call"), std::string::npos) << st.error_message();
  }
  std::map<std::string, std::vector<audit::v1::ClientDataAccessed>> audit;
  ASSERT_TRUE(WaitFor(
      [&] {
        audit = AuditByActor();
        for (const auto& c : cases) {
          if (audit[c.role_uri].empty()) return false;
        }
        return true;
      },
      30s));
  for (const auto& c : cases) {
    const auto& events = audit[c.role_uri];
    ASSERT_EQ(events.size(), 1u) << c.role_uri;
    EXPECT_EQ(events[0].action(), audit::v1::AUDIT_ACTION_DENIED);
    EXPECT_EQ(events[0].rpc(), c.rpc);
    EXPECT_EQ(events[0].outcome(), "PERMISSION_DENIED");
    EXPECT_FALSE(events[0].denial_reason().empty());
  }

  // A certificate of the right CA that names no Yhteys identity: denied, audited as unidentified.
  auto anonymous = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "DNS:some-laptop.test"));
  hc::GetClientRequest req;
  req.set_client_id(std::string(64, 'a'));
  hc::Client out;
  grpc::Status st = anonymous->GetClient(Ctx().get(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(st.error_message().find("no spiffe:// identity"), std::string::npos) << st.error_message();
  auto unidentified = AuditOnceThereAre("unidentified", 1);
  EXPECT_EQ(unidentified.size(), 1u);
}

// The audit count of a scripted session: a nurse registers a client, records
// an assessment, reads the client twice and their history once, and is
// denied one call; the router offers the resulting referral to the intake,
// whose clinician reads it. Every one is exactly one audit event.
TEST_F(AccessTest, AScriptedSessionLeavesExactlyOneAuditEventPerCall) {
  auto nurse = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + kNurse));
  hc::RegisterClientResponse registered;
  grpc::Status st = nurse->RegisterClient(
      Ctx().get(), e2e::RegisterRequest(hetu::SyntheticIdentityCode(9500), "access-register"), &registered);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string client = registered.client_id();
  hc::RecordAssessmentResponse assessed;
  ASSERT_TRUE(nurse
                  ->RecordAssessment(Ctx().get(), e2e::AssessmentRequest(client, "access-assess", e2e::kDepressedMood),
                                     &assessed)
                  .ok());
  hc::GetClientRequest get;
  get.set_client_id(client);
  hc::Client read;
  ASSERT_TRUE(nurse->GetClient(Ctx().get(), get, &read).ok());
  ASSERT_TRUE(nurse->GetClient(Ctx().get(), get, &read).ok());
  hc::ListAssessmentsRequest list;
  list.set_client_id(client);
  hc::ListAssessmentsResponse history;
  ASSERT_TRUE(nurse->ListAssessments(Ctx().get(), list, &history).ok());
  referral::v1::OfferReferralRequest offer;  // the nurse may not offer referrals
  referral::v1::InboxEntry entry;
  EXPECT_EQ(referral::v1::ReferralInbox::NewStub(system_->ChannelAs("home-care", "URI:" + kNurse))
                ->OfferReferral(Ctx().get(), offer, &entry)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto events = AuditOnceThereAre(kNurse, 6);
  ASSERT_EQ(events.size(), 6u);
  std::map<std::string, int> by_rpc;
  for (const auto& e : events) {
    ++by_rpc[e.rpc() + " " + audit::v1::AuditAction_Name(e.action())];
    EXPECT_EQ(e.actor_role(), e.action() == audit::v1::AUDIT_ACTION_DENIED ? "homecare-nurse" : "homecare-nurse");
    EXPECT_EQ(e.actor_unit(), "hc-lahti-1");
    if (e.action() != audit::v1::AUDIT_ACTION_DENIED) {
      ASSERT_EQ(e.client_pseudonyms_size(), 1) << e.rpc();
      EXPECT_EQ(e.client_pseudonyms(0), client);
      EXPECT_EQ(e.outcome(), "OK");
      EXPECT_EQ(e.purpose(), "care-relationship");
    }
  }
  EXPECT_EQ(by_rpc, (std::map<std::string, int>{
                        {"/yhteys.homecare.v1.HomeCare/RegisterClient AUDIT_ACTION_CREATE", 1},
                        {"/yhteys.homecare.v1.HomeCare/RecordAssessment AUDIT_ACTION_CREATE", 1},
                        {"/yhteys.homecare.v1.HomeCare/GetClient AUDIT_ACTION_READ", 2},
                        {"/yhteys.homecare.v1.HomeCare/ListAssessments AUDIT_ACTION_READ", 1},
                        {"/yhteys.referral.v1.ReferralInbox/OfferReferral AUDIT_ACTION_DENIED", 1},
                    }));

  // The router, with its own certificate, offered the DRS referral to the
  // intake: one audited offer; the clinician's read of it: one more.
  auto intake = referral::v1::ReferralInbox::NewStub(system_->ChannelAs("mental-health-intake", "URI:" + kClinician));
  std::string referral_id;
  auto router_events = [&] {
    std::vector<audit::v1::ClientDataAccessed> out;
    for (const auto& e : AuditOf("spiffe://test.fi/role/router")) {
      if (!e.client_pseudonyms().empty() && e.client_pseudonyms(0) == client) out.push_back(e);
    }
    return out;
  };
  std::vector<audit::v1::ClientDataAccessed> offers;
  ASSERT_TRUE(WaitFor(
      [&] {
        offers = router_events();
        return !offers.empty();
      },
      30s));
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].rpc(), "/yhteys.referral.v1.ReferralInbox/OfferReferral");
  EXPECT_EQ(offers[0].service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(offers[0].purpose(), "referral");
  referral_id = offers[0].subject_id();
  ASSERT_FALSE(referral_id.empty());
  referral::v1::GetInboxEntryRequest get_entry;
  get_entry.set_referral_id(referral_id);
  ASSERT_TRUE(intake->GetInboxEntry(Ctx().get(), get_entry, &entry).ok());
  EXPECT_EQ(entry.offer().client_pseudonym(), client);
  EXPECT_EQ(entry.offer().unit_id(), kClinicianUnit);
  // A clinician of another unit of the same service neither reads the entry
  // (denied) nor answers it (the offer is not for that unit), and does not
  // see it in the inbox.
  const std::string nastola = "spiffe://test.fi/role/intake-clinician/unit/ph-mh-nastola";
  auto other_unit = referral::v1::ReferralInbox::NewStub(system_->ChannelAs("mental-health-intake", "URI:" + nastola));
  referral::v1::InboxEntry other_entry;
  EXPECT_EQ(other_unit->GetInboxEntry(Ctx().get(), get_entry, &other_entry).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  referral::v1::DeclineReferralRequest decline;
  decline.set_idempotency_key("other-unit-decline");
  decline.set_referral_id(referral_id);
  decline.set_reason(referral::v1::DECLINE_REASON_NO_CAPACITY);
  decline.set_unit_id("ph-mh-nastola");
  grpc::Status not_offered = other_unit->DeclineReferral(Ctx().get(), decline, &other_entry);
  EXPECT_EQ(not_offered.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << not_offered.error_message();
  EXPECT_EQ(
      not_offered.error_message().rfind("unit_id: the referral is offered to unit " + std::string(kClinicianUnit), 0),
      0u)
      << not_offered.error_message();
  referral::v1::ListInboxRequest list_inbox;
  referral::v1::ListInboxResponse other_list, own_list;
  ASSERT_TRUE(other_unit->ListInbox(Ctx().get(), list_inbox, &other_list).ok());
  for (const auto& e : other_list.entries()) EXPECT_NE(e.offer().referral_id(), referral_id);
  ASSERT_TRUE(intake->ListInbox(Ctx().get(), list_inbox, &own_list).ok());
  int listed = 0;
  for (const auto& e : own_list.entries()) listed += e.offer().referral_id() == referral_id ? 1 : 0;
  EXPECT_EQ(listed, 1);
  auto clinician = AuditOnceThereAre(kClinician, 2);  // the read and the list
  ASSERT_EQ(clinician.size(), 2u);
  EXPECT_EQ(clinician[0].rpc(), "/yhteys.referral.v1.ReferralInbox/GetInboxEntry");
  EXPECT_EQ(clinician[0].action(), audit::v1::AUDIT_ACTION_READ);
  EXPECT_EQ(clinician[0].subject_id(), referral_id);
  EXPECT_EQ(clinician[1].rpc(), "/yhteys.referral.v1.ReferralInbox/ListInbox");
  std::set<std::string> refused;
  WaitFor(
      [&] {
        refused.clear();
        for (const auto& e : AuditOf(nastola)) {
          if (e.action() == audit::v1::AUDIT_ACTION_DENIED) refused.insert(e.rpc());
        }
        return !refused.empty();
      },
      30s);
  EXPECT_EQ(refused, (std::set<std::string>{"/yhteys.referral.v1.ReferralInbox/GetInboxEntry"}));
  EXPECT_EQ(AuditOf(kNurse).size(), 6u);  // nothing more for the nurse meanwhile
}

// An operator works against the mTLS cluster with yhteysctl presenting a
// certificate: health answers; client data is refused to the operator role;
// without a certificate nothing connects.
TEST_F(AccessTest, YhteysctlPresentsACertificate) {
  auto op = system_->ca().Issue("ctl-operator", "URI:spiffe://test.fi/role/operator");
  // A nurse of another unit than the scripted session's, so that its audit count stays its own.
  auto nurse = system_->ca().Issue("ctl-nurse", "URI:spiffe://test.fi/role/homecare-nurse/unit/hc-ctl");
  const std::string address = "127.0.0.1:" + std::to_string(system_->Port("home-care"));
  auto run = [&](const std::string& tls, const std::string& command) {
    std::string cmd = std::string(YHTEYS_CTL_BIN) + " --address " + address + " " + tls + " " + command + " 2>&1";
    std::string out;
    FILE* pipe = popen(cmd.c_str(), "r");
    char buf[512];
    while (pipe != nullptr && std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
    int rc = pipe != nullptr ? pclose(pipe) : -1;
    return std::make_pair(WEXITSTATUS(rc), out);
  };
  const std::string ca = "--ca " + system_->ca().ca_file();
  auto health = run(ca + " --cert " + op.cert_file + " --key " + op.key_file, "health");
  EXPECT_EQ(health.first, 0) << health.second;
  EXPECT_NE(health.second.find("SERVING"), std::string::npos) << health.second;

  const std::string get = "home-care get-client --client " + std::string(64, 'c');
  auto as_operator = run(ca + " --cert " + op.cert_file + " --key " + op.key_file, get);
  EXPECT_NE(as_operator.first, 0);
  EXPECT_NE(as_operator.second.find("may not call"), std::string::npos) << as_operator.second;
  auto as_nurse = run(ca + " --cert " + nurse.cert_file + " --key " + nurse.key_file, get);
  EXPECT_NE(as_nurse.second.find("no such client"), std::string::npos) << as_nurse.second;  // allowed, and absent
  auto no_cert = run(ca, "health");
  EXPECT_NE(no_cert.first, 0) << no_cert.second;
  auto half = run(ca + " --cert " + nurse.cert_file, "health");
  EXPECT_NE(half.second.find("--cert and --key go together"), std::string::npos) << half.second;
}

// What a caller typed is recorded only when it has the shape of a
// pseudonym: an identity code sent as a client_id is refused and never
// reaches the audit log, though the call is recorded.
TEST_F(AccessTest, AnIdentityCodeSentAsAClientIdNeverReachesTheAuditLog) {
  const std::string uri = "spiffe://test.fi/role/homecare-nurse/unit/hc-typo";
  auto nurse = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + uri));
  const std::string code = hetu::SyntheticIdentityCode(9600);
  hc::GetClientRequest get;
  get.set_client_id(code);
  hc::Client out;
  EXPECT_EQ(nurse->GetClient(Ctx().get(), get, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto events = AuditOnceThereAre(uri, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].outcome(), "INVALID_ARGUMENT");
  EXPECT_EQ(events[0].client_pseudonyms_size(), 0);
  EXPECT_EQ(events[0].SerializeAsString().find(code), std::string::npos);
}

// Unit scope: a caller bound to a unit acts only in it. Registering a client
// into another unit, reading another unit's client, and accepting a referral
// for another unit are refused before anything is written or answered, and
// each refusal is one DENIED audit event.
TEST_F(AccessTest, ACallerBoundToAUnitActsOnlyInThatUnit) {
  const std::string lahti_uri = "spiffe://test.fi/role/homecare-nurse/unit/hc-lahti-1";
  const std::string heinola_uri = "spiffe://test.fi/role/homecare-nurse/unit/hc-heinola-1";
  auto lahti = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + lahti_uri));
  auto heinola = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + heinola_uri));

  // The Heinola nurse may not register a client into Lahti's unit; nothing is written.
  hc::RegisterClientResponse registered;
  auto into_lahti = e2e::RegisterRequest(hetu::SyntheticIdentityCode(9700), "scope-register");  // unit hc-lahti-1
  grpc::Status refused = heinola->RegisterClient(Ctx().get(), into_lahti, &registered);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("unit scope"), std::string::npos) << refused.error_message();
  into_lahti.set_idempotency_key("scope-register-2");
  ASSERT_TRUE(lahti->RegisterClient(Ctx().get(), into_lahti, &registered).ok());
  EXPECT_FALSE(registered.already_registered());

  // Lahti's client is not Heinola's to read.
  hc::GetClientRequest get;
  get.set_client_id(registered.client_id());
  hc::Client client;
  EXPECT_TRUE(lahti->GetClient(Ctx().get(), get, &client).ok());
  grpc::Status not_yours = heinola->GetClient(Ctx().get(), get, &client);
  EXPECT_EQ(not_yours.error_code(), grpc::StatusCode::PERMISSION_DENIED) << not_yours.error_message();

  // An intake clinician of one unit accepting for another.
  const std::string clinician_uri = "spiffe://test.fi/role/intake-clinician/unit/mhi-scope-1";
  auto inbox = referral::v1::ReferralInbox::NewStub(system_->ChannelAs("mental-health-intake", "URI:" + clinician_uri));
  referral::v1::AcceptReferralRequest accept;
  accept.set_idempotency_key("scope-accept");
  accept.set_referral_id("ref-0000000000000000-0000000000000000");
  accept.set_unit_id("mhi-rovaniemi-1");
  referral::v1::InboxEntry entry;
  EXPECT_EQ(inbox->AcceptReferral(Ctx().get(), accept, &entry).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  std::map<std::string, std::vector<audit::v1::ClientDataAccessed>> audit;
  ASSERT_TRUE(WaitFor(
      [&] {
        audit = AuditByActor();
        return audit[heinola_uri].size() >= 2 && !audit[clinician_uri].empty();
      },
      30s));
  ASSERT_EQ(audit[heinola_uri].size(), 2u);
  for (const auto& e : audit[heinola_uri]) {
    EXPECT_EQ(e.action(), audit::v1::AUDIT_ACTION_DENIED) << e.rpc();
    EXPECT_NE(e.denial_reason().find("unit scope"), std::string::npos);
  }
  ASSERT_EQ(audit[clinician_uri].size(), 1u);
  EXPECT_EQ(audit[clinician_uri][0].action(), audit::v1::AUDIT_ACTION_DENIED);

  // Watching referrals: Heinola's nurse follows those her unit caused, not
  // Lahti's.
  auto heinola_router =
      router::v1::ReferralRouter::NewStub(system_->ChannelAs("referral-router", "URI:" + heinola_uri));
  const auto watch_first = [&](const std::string& source_unit) {
    router::v1::WatchReferralsRequest watch;
    watch.set_source_unit_id(source_unit);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    auto stream = heinola_router->WatchReferrals(&ctx, watch);
    router::v1::ReferralUpdate first;
    if (stream->Read(&first)) {
      ctx.TryCancel();
      (void)stream->Finish();
      return grpc::Status::OK;
    }
    return stream->Finish();  // refused before the first message
  };
  EXPECT_TRUE(watch_first("hc-heinola-1").ok());
  grpc::Status other_unit = watch_first("hc-lahti-1");
  EXPECT_EQ(other_unit.error_code(), grpc::StatusCode::PERMISSION_DENIED) << other_unit.error_message();
}

// "Who has processed my data, and why" (Client Data Act 703/2023), after a
// scripted day: the nurse registers, assesses and reads a client; a nurse
// of another unit tries to read her; the router offers the DRS referral to
// the intake, whose clinician reads it. The auditor asks the audit index by
// identity code: the answer is exactly the records on yhteys.audit.v1 that
// name her, oldest first, each with who, role, unit, what, why and the
// outcome. The question is audited too, and found by the next question.
// Then the index is rebuilt from the topic under a new consumer group, from
// an empty store, and gives the same answer.
TEST_F(AccessTest, WhoHasProcessedMyDataAfterAScriptedDay) {
  const std::string code = hetu::SyntheticIdentityCode(9800);
  const std::string heinola = "spiffe://test.fi/role/homecare-nurse/unit/hc-heinola-1";
  auto nurse = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + kNurse));
  hc::RegisterClientResponse registered;
  ASSERT_TRUE(nurse->RegisterClient(Ctx().get(), e2e::RegisterRequest(code, "day-register"), &registered).ok());
  const std::string client = registered.client_id();
  hc::RecordAssessmentResponse assessed;
  ASSERT_TRUE(
      nurse->RecordAssessment(Ctx().get(), e2e::AssessmentRequest(client, "day-assess", e2e::kDepressedMood), &assessed)
          .ok());
  hc::GetClientRequest get;
  get.set_client_id(client);
  hc::Client read;
  ASSERT_TRUE(nurse->GetClient(Ctx().get(), get, &read).ok());
  EXPECT_EQ(hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + heinola))
                ->GetClient(Ctx().get(), get, &read)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The referral the router offered the intake, read there by the clinician.
  std::string referral_id;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& e : AuditOf("spiffe://test.fi/role/router")) {
          if (!e.client_pseudonyms().empty() && e.client_pseudonyms(0) == client) referral_id = e.subject_id();
        }
        return !referral_id.empty();
      },
      30s));
  referral::v1::GetInboxEntryRequest get_entry;
  get_entry.set_referral_id(referral_id);
  referral::v1::InboxEntry entry;
  ASSERT_TRUE(referral::v1::ReferralInbox::NewStub(system_->ChannelAs("mental-health-intake", "URI:" + kClinician))
                  ->GetInboxEntry(Ctx().get(), get_entry, &entry)
                  .ok());

  // What the topic holds about her (the audit log itself).
  auto on_topic = [&] {
    std::map<std::string, audit::v1::ClientDataAccessed> out;
    for (const auto& r : testing::ReadAll(system_->Bootstrap(), {kAuditTopic}, static_cast<size_t>(-1), 2s)) {
      audit::v1::ClientDataAccessed e;
      if (!e.ParseFromString(r.value)) continue;
      for (const auto& c : e.client_pseudonyms()) {
        if (c == client) out[r.headers.at("ce_id")] = e;
      }
    }
    return out;
  };
  std::map<std::string, audit::v1::ClientDataAccessed> topic;
  ASSERT_TRUE(WaitFor(
      [&] {
        topic = on_topic();
        return topic.size() >= 6;
      },
      30s));

  auto index = audit::v1::AuditIndex::NewStub(system_->ChannelAs("audit-index", "URI:" + kAuditor));
  audit::v1::ListClientDataAccessRequest ask;
  ask.set_identity_code(code);
  ask.set_from_date(e2e::Today());
  audit::v1::ListClientDataAccessResponse answer;
  // Every question is audited under her too: those records are told apart.
  auto is_question = [](const audit::v1::AccessEntry& e) {
    return e.record().rpc() == "/yhteys.audit.v1.AuditIndex/ListClientDataAccess";
  };
  auto ask_until = [&](size_t count, audit::v1::ListClientDataAccessResponse* out, bool questions_too = false) {
    return WaitFor(
        [&] {
          *out = {};
          grpc::Status st = index->ListClientDataAccess(Ctx().get(), ask, out);
          size_t n = 0;
          for (const auto& e : out->entries()) n += questions_too || !is_question(e);
          return st.ok() && n >= count;
        },
        30s);
  };
  ASSERT_TRUE(ask_until(topic.size(), &answer));
  EXPECT_EQ(answer.client_pseudonym(), client);
  EXPECT_TRUE(answer.next_page_token().empty());

  // The first answer is the topic's records about her (asked before any
  // question was audited), each once, oldest first.
  std::vector<std::string> seen;
  std::map<std::string, int> what;
  int64_t previous = 0;
  for (const auto& e : answer.entries()) {
    if (is_question(e)) continue;  // an earlier poll of this loop, indexed meanwhile
    seen.push_back(e.event_id());
    const auto& r = e.record();
    ASSERT_TRUE(topic.count(e.event_id())) << e.event_id();
    EXPECT_EQ(r.SerializeAsString(), topic[e.event_id()].SerializeAsString());
    const int64_t at = r.at().seconds() * 1000 + r.at().nanos() / 1000000;
    EXPECT_GE(at, previous);
    previous = at;
    ++what[r.actor_role() + " " + r.rpc() + " " + audit::v1::AuditAction_Name(r.action()) + " " + r.purpose() + " " +
           r.outcome()];
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "an entry twice";
  EXPECT_EQ(seen.size(), topic.size());
  EXPECT_EQ(
      what,
      (std::map<std::string, int>{
          {"homecare-nurse /yhteys.homecare.v1.HomeCare/RegisterClient AUDIT_ACTION_CREATE care-relationship OK", 1},
          {"homecare-nurse /yhteys.homecare.v1.HomeCare/RecordAssessment AUDIT_ACTION_CREATE care-relationship OK", 1},
          {"homecare-nurse /yhteys.homecare.v1.HomeCare/GetClient AUDIT_ACTION_READ care-relationship OK", 1},
          {"homecare-nurse /yhteys.homecare.v1.HomeCare/GetClient AUDIT_ACTION_DENIED care-relationship "
           "PERMISSION_DENIED",
           1},
          {"router /yhteys.referral.v1.ReferralInbox/OfferReferral AUDIT_ACTION_CREATE referral OK", 1},
          {"intake-clinician /yhteys.referral.v1.ReferralInbox/GetInboxEntry AUDIT_ACTION_READ referral OK", 1},
      }));

  // The question itself is in the log, about her, and found by the next one.
  audit::v1::ListClientDataAccessResponse again;
  ASSERT_TRUE(ask_until(topic.size() + 1, &again, /*questions_too=*/true));
  int questions = 0;
  for (const auto& e : again.entries()) questions += is_question(e);
  ASSERT_GE(questions, 1);
  const auto& asked = again.entries(again.entries_size() - 1).record();
  EXPECT_EQ(asked.actor(), kAuditor);
  EXPECT_EQ(asked.rpc(), "/yhteys.audit.v1.AuditIndex/ListClientDataAccess");
  EXPECT_EQ(asked.service(), common::v1::SERVICE_NAME_AUDIT_INDEX);
  EXPECT_EQ(asked.purpose(), "client-data-access-log");
  EXPECT_EQ(asked.action(), audit::v1::AUDIT_ACTION_READ);

  // By pseudonym, paged: the same entries.
  audit::v1::ListClientDataAccessRequest by_pseudonym;
  by_pseudonym.set_client_pseudonym(client);
  by_pseudonym.set_from_date(e2e::Today());
  by_pseudonym.set_page_size(4);
  std::vector<std::string> paged;
  for (int page = 0; page < 10; ++page) {
    audit::v1::ListClientDataAccessResponse part;
    ASSERT_TRUE(index->ListClientDataAccess(Ctx().get(), by_pseudonym, &part).ok());
    for (const auto& e : part.entries()) paged.push_back(e.event_id());
    if (part.next_page_token().empty()) break;
    by_pseudonym.set_page_token(part.next_page_token());
  }
  ASSERT_GE(paged.size(), static_cast<size_t>(again.entries_size()));
  for (int i = 0; i < again.entries_size(); ++i) EXPECT_EQ(paged[i], again.entries(i).event_id());

  // Only the auditor may ask; a nurse's try is a denial in the log.
  audit::v1::ListClientDataAccessResponse refused;
  EXPECT_EQ(audit::v1::AuditIndex::NewStub(system_->ChannelAs("audit-index", "URI:" + kNurse))
                ->ListClientDataAccess(Ctx().get(), ask, &refused)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Bad questions name their field.
  audit::v1::ListClientDataAccessRequest bad = ask;
  bad.set_to_date("2020-01-01");
  grpc::Status invalid = index->ListClientDataAccess(Ctx().get(), bad, &refused);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(invalid.error_message(), "to_date: before from_date");
  bad = ask;
  bad.set_identity_code("010101-923X");
  invalid = index->ListClientDataAccess(Ctx().get(), bad, &refused);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(invalid.error_message().find("010101"), std::string::npos);

  // Rebuilt from the topic: the index's keys gone, a new consumer group.
  audit::v1::ListClientDataAccessResponse before_rebuild;
  ASSERT_TRUE(index->ListClientDataAccess(Ctx().get(), ask, &before_rebuild).ok());
  system_->Signal("audit-index", SIGTERM);
  ASSERT_NE(system_->WaitExit("audit-index", 20s), -1);
  redis::Pool pool(redis::PoolOptions{"127.0.0.1", system_->redis().port()});
  auto keys = pool.Command({"KEYS", "{ai:*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_GT((*keys)->elements, 0u);
  for (size_t i = 0; i < (*keys)->elements; ++i) {
    ASSERT_TRUE(pool.Command({"DEL", redis::ReplyString((*keys)->element[i])}).ok());
  }
  system_->Start("audit-index", {{"YHTEYS_KAFKA_CONSUMER_GROUP", "yhteys-audit-index-rebuilt"}});
  ASSERT_TRUE(system_->WaitServing("audit-index", 30s));
  audit::v1::ListClientDataAccessResponse rebuilt;
  ASSERT_TRUE(ask_until(static_cast<size_t>(before_rebuild.entries_size()), &rebuilt, /*questions_too=*/true));
  ASSERT_GE(rebuilt.entries_size(), before_rebuild.entries_size());
  for (int i = 0; i < before_rebuild.entries_size(); ++i) {
    EXPECT_EQ(rebuilt.entries(i).event_id(), before_rebuild.entries(i).event_id());
    EXPECT_EQ(rebuilt.entries(i).record().SerializeAsString(), before_rebuild.entries(i).record().SerializeAsString());
  }
}

// S3: a data-sharing denial (kielto) in force. The nurse records the
// client's denial with the router; then her assessment shows possible
// depression (a rule that shares on consent) and a MAPLe of 5 (the SHL § 36
// assessment duty, need only under a denial). The depression referral is
// WITHHELD: the intake is offered nothing. The social-care unit learns only
// that a need exists (no rule, source or event). A counsellor reading her
// referrals is refused (PERMISSION_DENIED naming the denial), and each
// refusal is one audit event under her pseudonym. Once she consents, the
// counsellor may read them.
TEST_F(AccessTest, ADataSharingDenialInForceWithholdsDetailsAndRefusesReads) {
  const std::string code = hetu::SyntheticIdentityCode(9900);  // born 1930-1949: 75 or over
  const std::string counsellor = "spiffe://test.fi/role/service-counsellor/unit/sn-lahti-1";
  auto nurse_router = router::v1::ReferralRouter::NewStub(system_->ChannelAs("referral-router", "URI:" + kNurse));
  router::v1::RecordClientSharingRequest deny;
  deny.set_idempotency_key("s3-deny");
  deny.set_identity_code(code);
  deny.set_status(referral::v1::SHARING_STATUS_SHARING_DENIED);
  deny.set_unit_id("hc-lahti-1");
  router::v1::ClientSharing sharing;
  ASSERT_TRUE(nurse_router->RecordClientSharing(Ctx().get(), deny, &sharing).ok());
  EXPECT_EQ(sharing.status(), referral::v1::SHARING_STATUS_SHARING_DENIED);
  const std::string client = sharing.client_pseudonym();
  // Recording for another unit is out of the nurse's scope.
  deny.set_unit_id("hc-heinola-1");
  deny.set_idempotency_key("s3-deny-other-unit");
  EXPECT_EQ(nurse_router->RecordClientSharing(Ctx().get(), deny, &sharing).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto nurse = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + kNurse));
  hc::RegisterClientResponse registered;
  ASSERT_TRUE(nurse->RegisterClient(Ctx().get(), e2e::RegisterRequest(code, "s3-register"), &registered).ok());
  ASSERT_EQ(registered.client_id(), client);
  auto assess = e2e::AssessmentRequest(client, "s3-assess", e2e::kDepressedMood);
  assess.mutable_items()->mutable_behaviour()->set_wandering(2);  // MAPLe 5
  hc::RecordAssessmentResponse assessed;
  ASSERT_TRUE(nurse->RecordAssessment(Ctx().get(), assess, &assessed).ok());

  // What the referrals topic says about her.
  std::map<std::string, referral::v1::ReferralStateChanged> latest;  // by referral id
  ASSERT_TRUE(WaitFor(
      [&] {
        latest.clear();
        for (const auto& r :
             testing::ReadAll(system_->Bootstrap(), {"yhteys.referrals.events.v1"}, static_cast<size_t>(-1), 2s)) {
          if (r.headers.at("ce_type") != "yhteys.referral.v1.ReferralStateChanged") continue;
          referral::v1::ReferralStateChanged e;
          if (e.ParseFromString(r.value) && e.client_pseudonym() == client) latest[e.referral_id()] = e;
        }
        int settled = 0;
        for (const auto& [id, e] : latest) {
          settled +=
              e.state() == referral::v1::REFERRAL_STATE_WITHHELD || e.state() == referral::v1::REFERRAL_STATE_OFFERED;
        }
        return settled == 2;
      },
      30s));
  ASSERT_EQ(latest.size(), 2u);
  std::string need_only_id;
  std::string need_only_unit;
  for (const auto& [id, e] : latest) {
    EXPECT_EQ(e.sharing_status(), referral::v1::SHARING_STATUS_SHARING_DENIED);
    if (e.state() == referral::v1::REFERRAL_STATE_WITHHELD) {
      EXPECT_EQ(e.rule_id(), "homecare-drs-depression");
      EXPECT_FALSE(e.details_withheld());
    } else {
      need_only_id = id;
      need_only_unit = e.unit_id();  // the directory's unit the offer went to
      EXPECT_EQ(e.state(), referral::v1::REFERRAL_STATE_OFFERED);
      EXPECT_TRUE(e.details_withheld());
      EXPECT_EQ(e.need_code(), "social-care-service-need-assessment");
      EXPECT_TRUE(e.rule_id().empty());
      EXPECT_TRUE(e.source_event_id().empty());
      EXPECT_EQ(e.source_service(), common::v1::SERVICE_NAME_HOME_CARE);  // home care follows its own referrals
      EXPECT_FALSE(e.statutory_deadline().due_date().empty());            // the clocks still run
    }
  }
  ASSERT_FALSE(need_only_id.empty());

  // The external social-care unit answers; its answer shows it no more than it was told.
  ASSERT_FALSE(need_only_unit.empty());
  auto external = router::v1::ReferralRouter::NewStub(
      system_->ChannelAs("referral-router", "URI:spiffe://test.fi/role/external-unit/unit/" + need_only_unit));
  router::v1::RespondToExternalReferralRequest respond;
  respond.set_idempotency_key("s3-accept");
  respond.set_referral_id(need_only_id);
  respond.set_response(referral::v1::INBOX_STATE_ACCEPTED);
  respond.set_unit_id(need_only_unit);
  router::v1::Referral answered;
  ASSERT_TRUE(external->RespondToExternalReferral(Ctx().get(), respond, &answered).ok());
  EXPECT_EQ(answered.state(), referral::v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_TRUE(answered.offer().rule_id().empty());
  EXPECT_TRUE(answered.offer().source_event_id().empty());

  // A counsellor may not read the details while the denial is in force.
  auto reader = router::v1::ReferralRouter::NewStub(system_->ChannelAs("referral-router", "URI:" + counsellor));
  router::v1::ListClientReferralsRequest list;
  list.set_client_pseudonym(client);
  router::v1::ListClientReferralsResponse listed;
  grpc::Status refused = reader->ListClientReferrals(Ctx().get(), list, &listed);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(refused.error_message().find("kielto"), std::string::npos) << refused.error_message();
  EXPECT_EQ(listed.referrals_size(), 0);
  router::v1::GetReferralRequest get;
  get.set_referral_id(need_only_id);
  router::v1::Referral got;
  EXPECT_EQ(reader->GetReferral(Ctx().get(), get, &got).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(got.has_offer());

  // Each refusal is one DENIED audit event under her pseudonym.
  std::vector<audit::v1::ClientDataAccessed> counsellor_events = AuditOnceThereAre(counsellor, 2);
  ASSERT_EQ(counsellor_events.size(), 2u);
  for (const auto& e : counsellor_events) {
    EXPECT_EQ(e.action(), audit::v1::AUDIT_ACTION_DENIED) << e.rpc();
    ASSERT_EQ(e.client_pseudonyms_size(), 1) << e.rpc();
    EXPECT_EQ(e.client_pseudonyms(0), client);
    EXPECT_NE(e.denial_reason().find("kielto"), std::string::npos);
  }
  // Nothing was offered to the intake about her.
  for (const auto& e : AuditOf("spiffe://test.fi/role/router")) {
    for (const auto& c : e.client_pseudonyms()) EXPECT_NE(c, client) << e.rpc();
  }

  // She consents: the counsellor may read them now, the withheld one included.
  router::v1::RecordClientSharingRequest consent;
  consent.set_idempotency_key("s3-consent");
  consent.set_client_pseudonym(client);
  consent.set_status(referral::v1::SHARING_STATUS_CONSENT_GIVEN);
  consent.set_unit_id("hc-lahti-1");
  ASSERT_TRUE(nurse_router->RecordClientSharing(Ctx().get(), consent, &sharing).ok());
  router::v1::GetClientSharingRequest get_sharing;
  get_sharing.set_client_pseudonym(client);
  ASSERT_TRUE(nurse_router->GetClientSharing(Ctx().get(), get_sharing, &sharing).ok());
  EXPECT_EQ(sharing.status(), referral::v1::SHARING_STATUS_CONSENT_GIVEN);
  ASSERT_TRUE(reader->ListClientReferrals(Ctx().get(), list, &listed).ok());
  EXPECT_EQ(listed.referrals_size(), 2);

  // Both decisions are events on the referrals topic.
  std::vector<referral::v1::SharingStatus> changes;
  ASSERT_TRUE(WaitFor(
      [&] {
        changes.clear();
        for (const auto& r :
             testing::ReadAll(system_->Bootstrap(), {"yhteys.referrals.events.v1"}, static_cast<size_t>(-1), 2s)) {
          if (r.headers.at("ce_type") != "yhteys.referral.v1.ClientSharingChanged") continue;
          referral::v1::ClientSharingChanged e;
          if (e.ParseFromString(r.value) && e.client_pseudonym() == client) changes.push_back(e.status());
        }
        return changes.size() >= 2;
      },
      30s));
  EXPECT_EQ(changes, (std::vector<referral::v1::SharingStatus>{referral::v1::SHARING_STATUS_SHARING_DENIED,
                                                               referral::v1::SHARING_STATUS_CONSENT_GIVEN}));
}

// Unit scope for calls that name an existing record rather than a unit: a
// nurse of Heinola may not assess, visit, plan for or list the assessments
// of a Lahti client, and a clinician of another unit may not screen in a
// Lahti intake. Each is refused before the handler runs (nothing written)
// and audited once as DENIED under the client.
TEST_F(AccessTest, ACallerBoundToAUnitActsOnlyOnItsOwnUnitsRecords) {
  const std::string heinola_uri = "spiffe://test.fi/role/homecare-nurse/unit/hc-heinola-1";
  auto lahti = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + kNurse));
  auto heinola = hc::HomeCare::NewStub(system_->ChannelAs("home-care", "URI:" + heinola_uri));
  hc::RegisterClientResponse registered;
  ASSERT_TRUE(lahti
                  ->RegisterClient(Ctx().get(), e2e::RegisterRequest(hetu::SyntheticIdentityCode(9950), "own-register"),
                                   &registered)
                  .ok());
  const std::string client = registered.client_id();

  hc::RecordAssessmentResponse assessed;
  grpc::Status st = heinola->RecordAssessment(
      Ctx().get(), e2e::AssessmentRequest(client, "own-assess", e2e::kDepressedMood), &assessed);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED) << st.error_message();
  EXPECT_NE(st.error_message().find("unit scope"), std::string::npos) << st.error_message();
  hc::RecordVisitRequest visit;
  visit.set_idempotency_key("own-visit");
  visit.set_client_id(client);
  visit.set_visit_date(e2e::Today());
  visit.set_outcome(hc::VISIT_OUTCOME_DONE);
  hc::RecordVisitResponse visited;
  EXPECT_EQ(heinola->RecordVisit(Ctx().get(), visit, &visited).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  hc::SetCarePlanRequest plan;
  plan.set_idempotency_key("own-plan");
  plan.set_client_id(client);
  plan.mutable_plan()->set_visits_per_week(7);
  plan.mutable_plan()->add_tasks(hc::CARE_TASK_MEDICATION);
  plan.mutable_plan()->set_valid_from(e2e::Today());
  hc::Client planned;
  EXPECT_EQ(heinola->SetCarePlan(Ctx().get(), plan, &planned).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  hc::ListAssessmentsRequest list;
  list.set_client_id(client);
  hc::ListAssessmentsResponse history;
  EXPECT_EQ(heinola->ListAssessments(Ctx().get(), list, &history).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(history.assessments_size(), 0);

  // Nothing was written: the client's own unit sees no assessment, visit or plan.
  ASSERT_TRUE(lahti->ListAssessments(Ctx().get(), list, &history).ok());
  EXPECT_EQ(history.assessments_size(), 0);
  hc::GetClientRequest get;
  get.set_client_id(client);
  hc::Client read;
  ASSERT_TRUE(lahti->GetClient(Ctx().get(), get, &read).ok());
  EXPECT_FALSE(read.has_care_plan());
  // The own unit may do what the other may not.
  plan.set_idempotency_key("own-plan-lahti");
  EXPECT_TRUE(lahti->SetCarePlan(Ctx().get(), plan, &planned).ok());
  // An unknown client is still NOT_FOUND for a unit-bound caller.
  list.set_client_id(std::string(64, '0'));
  EXPECT_EQ(heinola->ListAssessments(Ctx().get(), list, &history).error_code(), grpc::StatusCode::NOT_FOUND);

  // An intake of Lahti's unit, screened by another unit's clinician.
  namespace mh = mentalhealth::v1;
  // (The intake's own units are its config's, intake.units.)
  auto lahti_clinician = mh::MentalHealthIntake::NewStub(
      system_->ChannelAs("mental-health-intake", "URI:spiffe://test.fi/role/intake-clinician/unit/mhi-lahti-1"));
  const std::string other_clinician = "spiffe://test.fi/role/intake-clinician/unit/mhi-heinola-1";
  auto other = mh::MentalHealthIntake::NewStub(system_->ChannelAs("mental-health-intake", "URI:" + other_clinician));
  mh::StartIntakeRequest start;
  start.set_idempotency_key("own-intake");
  start.set_identity_code(hetu::SyntheticIdentityCode(9951));
  start.set_channel(mh::INTAKE_CHANNEL_DIGITAL);
  start.set_municipality_code("398");
  start.set_language(common::v1::LANGUAGE_FI);
  start.set_unit_id("mhi-lahti-1");
  mh::Intake intake;
  ASSERT_TRUE(lahti_clinician->StartIntake(Ctx().get(), start, &intake).ok());
  mh::SubmitScreeningRequest screen;
  screen.set_idempotency_key("own-screen");
  screen.set_intake_id(intake.intake_id());
  screen.set_instrument(mh::INSTRUMENT_GAD7);
  for (int i = 0; i < 7; ++i) screen.add_answers(1);
  mh::Intake screened;
  EXPECT_EQ(other->SubmitScreening(Ctx().get(), screen, &screened).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(lahti_clinician->SubmitScreening(Ctx().get(), screen, &screened).ok());

  // Four DENIED records for the Heinola nurse, each under the client.
  std::vector<audit::v1::ClientDataAccessed> denied;
  auto about_client = [&] {
    size_t n = 0;
    for (const auto& e : denied) n += e.client_pseudonyms_size() == 1 && e.client_pseudonyms(0) == client;
    return n;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        denied = AuditOf(heinola_uri);
        return about_client() >= 4;
      },
      30s));
  // (The topic's partitions interleave this actor's earlier records: count by client.)
  std::map<std::string, int> under_client;
  for (const auto& e : denied) {
    if (e.client_pseudonyms_size() != 1 || e.client_pseudonyms(0) != client) continue;
    EXPECT_EQ(e.action(), audit::v1::AUDIT_ACTION_DENIED) << e.rpc();
    EXPECT_NE(e.denial_reason().find("unit scope"), std::string::npos) << e.denial_reason();
    ++under_client[e.rpc()];
  }
  EXPECT_EQ(under_client, (std::map<std::string, int>{{"/yhteys.homecare.v1.HomeCare/RecordAssessment", 1},
                                                      {"/yhteys.homecare.v1.HomeCare/RecordVisit", 1},
                                                      {"/yhteys.homecare.v1.HomeCare/SetCarePlan", 1},
                                                      {"/yhteys.homecare.v1.HomeCare/ListAssessments", 1}}));
  auto other_events = AuditOnceThereAre(other_clinician, 1);
  ASSERT_EQ(other_events.size(), 1u);
  EXPECT_EQ(other_events[0].action(), audit::v1::AUDIT_ACTION_DENIED);
  EXPECT_EQ(other_events[0].subject_id(), intake.intake_id());
  ASSERT_EQ(other_events[0].client_pseudonyms_size(), 1);  // under the intake's client
  EXPECT_EQ(other_events[0].client_pseudonyms(0), intake.client_id());
}

// S10: reflection is for operators only; the plaintext health port serves
// health and nothing else.
TEST_F(AccessTest, ReflectionIsForOperatorsAndTheHealthPortServesOnlyHealth) {
  bool answered = false;
  grpc::Status as_operator = ReflectionListServices(system_->Channel("home-care"), &answered);
  EXPECT_TRUE(as_operator.ok()) << as_operator.error_message();
  EXPECT_TRUE(answered);
  const std::string nurse_uri = "spiffe://test.fi/role/homecare-nurse/unit/hc-reflect";
  grpc::Status as_nurse = ReflectionListServices(system_->ChannelAs("home-care", "URI:" + nurse_uri), &answered);
  EXPECT_EQ(as_nurse.error_code(), grpc::StatusCode::PERMISSION_DENIED) << as_nurse.error_message();
  EXPECT_FALSE(answered);
  auto denied = AuditOnceThereAre(nurse_uri, 1);
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0].rpc(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");

  auto health_port = grpc::CreateChannel("127.0.0.1:" + std::to_string(system_->HealthPort("home-care")),
                                         grpc::InsecureChannelCredentials());
  auto serving = server::CheckHealth(health_port, std::chrono::milliseconds(2000));
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);
  hc::GetClientRequest get;
  get.set_client_id(std::string(64, 'a'));
  hc::Client out;
  EXPECT_EQ(hc::HomeCare::NewStub(health_port)->GetClient(Ctx().get(), get, &out).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(ReflectionListServices(health_port, &answered).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

// The production settings on a small system: per-caller rate limits (a
// caller over its role's rate gets RESOURCE_EXHAUSTED saying how long to
// wait; another caller of the same role is not held back) and reflection
// off (UNIMPLEMENTED even for an operator).
TEST(ProductionSettingsTest, RateLimitsAndReflectionOff) {
  testing::YhteysSystem system(testing::YhteysSystem::MutualTls{}, {"client-feedback"},
                               {{"YHTEYS_ACCESS_DEFAULT_RATE_LIMIT", "0.5/3"},
                                {"YHTEYS_SERVER_REFLECTION", "false"},
                                {"YHTEYS_ACCESS_TRUST_DOMAIN", "test.fi"}});
  bool answered = false;
  EXPECT_EQ(ReflectionListServices(system.Channel("client-feedback"), &answered).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  auto submit = [](const std::shared_ptr<grpc::Channel>& channel) -> grpc::Status {
    feedback::v1::SubmitFeedbackRequest req;  // refused by validation, but only after the rate check
    feedback::v1::SubmitFeedbackResponse out;
    return feedback::v1::ClientFeedback::NewStub(channel)->SubmitFeedback(Ctx().get(), req, &out);
  };
  // Another county's certificate, though signed by the same CA: refused.
  auto foreign = system.ChannelAs("client-feedback", "URI:spiffe://other-county.fi/role/feedback-kiosk/unit/k-9");
  grpc::Status other_county = submit(foreign);
  EXPECT_EQ(other_county.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(other_county.error_message().find("another trust domain"), std::string::npos)
      << other_county.error_message();
  auto kiosk = system.ChannelAs("client-feedback", "URI:spiffe://test.fi/role/feedback-kiosk/unit/k-1");
  for (int i = 0; i < 3; ++i) EXPECT_NE(submit(kiosk).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << i;
  grpc::Status limited = submit(kiosk);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(limited.error_message().find("retry in"), std::string::npos) << limited.error_message();
  auto other = system.ChannelAs("client-feedback", "URI:spiffe://test.fi/role/feedback-kiosk/unit/k-2");
  EXPECT_NE(submit(other).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GE(testing::MetricSum(testing::ScrapeMetrics(system.MetricsPort("client-feedback")),
                               "yhteys_rate_limited_total", {"role=\"feedback-kiosk\""}),
            1.0);
}

}  // namespace
}  // namespace yhteys
