#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "all_contracts.hpp"
#include "split.hpp"
#include "yhteys/access/access_table.hpp"
#include "yhteys/access/identity.hpp"
#include "yhteys/familycentre/v1/family_centre_service.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.pb.h"
#include "yhteys/testing/fixtures.hpp"

namespace yhteys::access {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;

// ---- Identity ----------------------------------------------------------------

TEST(IdentityTest, ParsesTheSchemeWithAndWithoutAUnit) {
  auto nurse = ParseIdentityUri("spiffe://paijat-hame.fi/role/homecare-nurse/unit/hc-lahti-1");
  ASSERT_TRUE(nurse.ok()) << nurse.status();
  EXPECT_EQ(nurse->county, "paijat-hame.fi");
  EXPECT_EQ(nurse->role, Role::kHomeCareNurse);
  EXPECT_EQ(nurse->unit, "hc-lahti-1");
  auto router = ParseIdentityUri("spiffe://paijat-hame.fi/role/router");
  ASSERT_TRUE(router.ok()) << router.status();
  EXPECT_EQ(router->role, Role::kRouter);
  EXPECT_EQ(router->unit, "");
  for (Role role : AllRoles()) EXPECT_EQ(RoleFromName(RoleName(role)), role);
}

TEST(IdentityTest, RefusesEverythingElse) {
  for (const char* bad : {"", "https://paijat-hame.fi/role/router", "spiffe://paijat-hame.fi/router",
                          "spiffe://paijat-hame.fi/role/dentist", "spiffe://paijat-hame.fi/role/router/",
                          "spiffe://paijat-hame.fi/role/homecare-nurse/unit/", "spiffe:///role/router",
                          "spiffe://Paijat-Hame.fi/role/router", "spiffe://paijat-hame.fi/role/router/ward/x",
                          "spiffe://paijat-hame.fi/role/homecare-nurse/unit/hc lahti"}) {
    EXPECT_FALSE(ParseIdentityUri(bad).ok()) << bad;
  }
}

// A certificate from a test CA with the given subjectAltName entries.
std::string CertificateWith(const std::string& san) {
  static testing::TempDir dir;
  static testing::TestCa ca(dir.path());
  static int n = 0;
  return testing::ReadFile(ca.Issue("c" + std::to_string(n++), san).cert_file);
}

TEST(IdentityTest, FromACertificatesUriSan) {
  auto identity = IdentityFromCertificate(CertificateWith("URI:spiffe://lappi.fi/role/intake-clinician/unit/mhi-1"));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->role, Role::kIntakeClinician);
  EXPECT_EQ(identity->unit, "mhi-1");
  // No URI SAN at all (a DNS name only).
  EXPECT_EQ(IdentityFromCertificate(CertificateWith("DNS:laptop.test")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      IdentityFromCertificate(CertificateWith("URI:spiffe://lappi.fi/role/router,URI:spiffe://lappi.fi/role/operator"))
          .status()
          .code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(IdentityFromCertificate(CertificateWith("URI:spiffe://lappi.fi/role/superuser")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(IdentityFromCertificate("not a certificate").status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- The table ----------------------------------------------------------------

// Which proto services each binary serves (besides health and reflection).
const std::vector<std::pair<std::string, std::string>> kServed = {
    {"home-care", "yhteys.homecare.v1.HomeCare"},
    {"home-care", "yhteys.referral.v1.ReferralInbox"},
    {"family-centre", "yhteys.familycentre.v1.FamilyCentre"},
    {"family-centre", "yhteys.referral.v1.ReferralInbox"},
    {"mental-health-intake", "yhteys.mentalhealth.v1.MentalHealthIntake"},
    {"mental-health-intake", "yhteys.referral.v1.ReferralInbox"},
    {"client-feedback", "yhteys.feedback.v1.ClientFeedback"},
    {"client-feedback", "yhteys.referral.v1.ReferralInbox"},
    {"referral-router", "yhteys.router.v1.ReferralRouter"},
    {"audit-index", "yhteys.audit.v1.AuditIndex"},
};

// A new RPC fails here until the table lists it.
TEST(AccessTableTest, EveryRpcOfEveryServiceIsInTheTable) {
  proto::LinkAllContracts();
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  for (const auto& [binary, service_name] : kServed) {
    const auto* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    for (int i = 0; i < service->method_count(); ++i) {
      std::string path = "/" + service_name + "/" + service->method(i)->name();
      EXPECT_NE(FindRule(binary, path), nullptr) << binary << " " << path;
    }
  }
  // Every yhteys service in the contracts is one of those served.
  std::set<std::string> served;
  for (const auto& [binary, name] : kServed) served.insert(name);
  for (const char* file :
       {"yhteys/homecare/v1/home_care_service.proto", "yhteys/familycentre/v1/family_centre_service.proto",
        "yhteys/mentalhealth/v1/mental_health_intake_service.proto", "yhteys/feedback/v1/client_feedback_service.proto",
        "yhteys/referral/v1/referral_inbox_service.proto", "yhteys/router/v1/referral_router_service.proto",
        "yhteys/audit/v1/audit_index_service.proto"}) {
    const auto* fd = pool->FindFileByName(file);
    ASSERT_NE(fd, nullptr) << file;
    for (int i = 0; i < fd->service_count(); ++i) EXPECT_TRUE(served.count(fd->service(i)->full_name())) << file;
  }
}

// Unit scope cannot be forgotten: every RPC open to a role bound to a unit
// (nurse, family-centre worker, intake clinician) names the unit it acts in
// or the record whose unit it is, except the listed ones.
TEST(AccessTableTest, EveryRpcOfAUnitBoundRoleIsScopedToItsUnit) {
  const std::set<std::string_view> kUnscoped = {
      // The service's inbox: the handler keeps to a unit-bound caller's
      // own unit's entries (inbox::OwnerUnit), and offers naming no unit.
      "/yhteys.referral.v1.ReferralInbox/ListInbox",
      // Consent is the client's own decision, recorded wherever they are met.
      "/yhteys.router.v1.ReferralRouter/GetClientSharing",
      // The service directory: which units give what, where; no client data.
      "/yhteys.router.v1.ReferralRouter/ListUnits",
  };
  for (const AccessRule& rule : AccessTable()) {
    bool unit_bound = false;
    for (Role role : rule.roles) {
      unit_bound |= role == Role::kHomeCareNurse || role == Role::kFamilyCentreWorker || role == Role::kIntakeClinician;
    }
    if (!unit_bound || kUnscoped.count(rule.method) || rule.method.rfind("/grpc.", 0) == 0) continue;
    EXPECT_TRUE(!rule.units.empty() || !rule.owner.empty()) << rule.service << " " << rule.method;
  }
}

// Resolves "request.a.b" / "response.a.b" on the method's types: every step a
// field, the last a string.
bool PathResolves(const google::protobuf::MethodDescriptor* method, std::string_view spec) {
  const std::vector<std::string_view> parts = detail::Split(spec, '.');
  if (parts.size() < 2) return false;
  const Descriptor* type = parts[0] == "request"    ? method->input_type()
                           : parts[0] == "response" ? method->output_type()
                                                    : nullptr;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (type == nullptr) return false;
    const FieldDescriptor* f = type->FindFieldByName(std::string(parts[i]));
    if (f == nullptr) return false;
    if (i + 1 == parts.size()) return f->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    type = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? f->message_type() : nullptr;
  }
  return false;
}

TEST(AccessTableTest, EveryRowNamesARealMethodAndItsPathsResolve) {
  proto::LinkAllContracts();
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  for (const AccessRule& rule : AccessTable()) {
    EXPECT_FALSE(rule.roles.empty()) << rule.method;
    EXPECT_FALSE(rule.purpose.empty()) << rule.method;
    std::string_view m = rule.method;
    ASSERT_EQ(m.front(), '/') << m;
    auto slash = m.rfind('/');
    std::string service_name(m.substr(1, slash - 1));
    if (service_name.rfind("grpc.", 0) == 0) continue;  // health and reflection: no client data
    const auto* service = pool->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << m;
    const auto* method = service->FindMethodByName(std::string(m.substr(slash + 1)));
    ASSERT_NE(method, nullptr) << m;
    for (std::string_view spec : rule.clients) EXPECT_TRUE(PathResolves(method, spec)) << m << " " << spec;
    if (!rule.subject.empty()) {
      EXPECT_TRUE(PathResolves(method, rule.subject)) << m << " " << rule.subject;
    }
    for (std::string_view spec : rule.units) {
      EXPECT_TRUE(PathResolves(method, spec)) << m << " " << spec;
      // A response's unit can only stop a read: a write has happened by then.
      if (spec.rfind("response.", 0) == 0) {
        EXPECT_EQ(rule.audit, AuditAction::kRead) << m << " " << spec;
      }
    }
    if (!rule.owner.empty()) {
      // The record is known before the handler runs: a request path.
      EXPECT_EQ(rule.owner.rfind("request.", 0), 0u) << m << " " << rule.owner;
      EXPECT_TRUE(PathResolves(method, rule.owner)) << m << " " << rule.owner;
    }
    // Whatever reads or changes client data names the clients (a contact may be anonymous).
    if (rule.audit != AuditAction::kNone && m.find("RecordContact") == std::string_view::npos) {
      EXPECT_FALSE(rule.clients.empty()) << m;
    }
  }
}

Identity As(Role role) {
  Identity id;
  id.role = role;
  id.county = "paijat-hame.fi";
  return id;
}

TEST(AuthorizeTest, RolesPerRpc) {
  struct Case {
    const char* service;
    const char* method;
    Role role;
    bool allowed;
  } cases[] = {
      {"home-care", "/yhteys.homecare.v1.HomeCare/GetClient", Role::kHomeCareNurse, true},
      {"home-care", "/yhteys.homecare.v1.HomeCare/GetClient", Role::kFeedbackKiosk, false},
      {"home-care", "/yhteys.homecare.v1.HomeCare/RecordVisit", Role::kFeedbackKiosk, false},
      {"home-care", "/yhteys.homecare.v1.HomeCare/GetClient", Role::kOperator, false},
      {"home-care", "/yhteys.homecare.v1.HomeCare/GetClient", Role::kAuditor, false},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/OfferReferral", Role::kRouter, true},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/OfferReferral", Role::kHomeCareNurse, false},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/WithdrawReferral", Role::kRouter, true},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/WithdrawReferral", Role::kHomeCareNurse, false},
      {"mental-health-intake", "/yhteys.referral.v1.ReferralInbox/StartReferral", Role::kIntakeClinician, true},
      {"mental-health-intake", "/yhteys.referral.v1.ReferralInbox/StartReferral", Role::kRouter, false},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/AcceptReferral", Role::kHomeCareNurse, true},
      {"home-care", "/yhteys.referral.v1.ReferralInbox/AcceptReferral", Role::kIntakeClinician, false},
      {"mental-health-intake", "/yhteys.referral.v1.ReferralInbox/AcceptReferral", Role::kIntakeClinician, true},
      {"client-feedback", "/yhteys.feedback.v1.ClientFeedback/SubmitFeedback", Role::kFeedbackKiosk, true},
      {"client-feedback", "/yhteys.feedback.v1.ClientFeedback/GetUnitSummary", Role::kFeedbackKiosk, false},
      {"client-feedback", "/yhteys.feedback.v1.ClientFeedback/GetUnitSummary", Role::kFeedbackAnalyst, true},
      {"referral-router", "/yhteys.router.v1.ReferralRouter/RespondToExternalReferral", Role::kExternalUnit, true},
      {"referral-router", "/yhteys.router.v1.ReferralRouter/RespondToExternalReferral", Role::kServiceCounsellor,
       false},
      {"referral-router", "/yhteys.router.v1.ReferralRouter/ListClientReferrals", Role::kServiceCounsellor, true},
      {"home-care", "/grpc.health.v1.Health/Check", Role::kFeedbackKiosk, true},
      {"home-care", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Role::kOperator, true},
      {"home-care", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Role::kHomeCareNurse, false},
      {"home-care", "/yhteys.homecare.v1.HomeCare/DropEverything", Role::kOperator, false},
      {"home-care", "/yhteys.familycentre.v1.FamilyCentre/GetCase", Role::kFamilyCentreWorker, false},
  };
  for (const auto& c : cases) {
    Decision d = Authorize(c.service, As(c.role), c.method);
    EXPECT_EQ(d.allowed, c.allowed) << c.service << " " << c.method << " " << RoleName(c.role);
    if (!d.allowed) {
      EXPECT_FALSE(d.reason.empty());
    }
  }
}

TEST(AuditPathsTest, ClientsAndSubjectAreReadFromRequestAndResponse) {
  const AccessRule* rule = FindRule("family-centre", "/yhteys.familycentre.v1.FamilyCentre/RecordEpds");
  ASSERT_NE(rule, nullptr);
  familycentre::v1::RecordEpdsRequest request;
  request.set_case_id("case-1");
  request.set_member_id(std::string(64, 'b'));
  familycentre::v1::FamilyCase response;
  response.add_members()->set_member_id(std::string(64, 'a'));
  response.add_members()->set_member_id(std::string(64, 'b'));
  EXPECT_EQ(ClientsOf(*rule, &request, &response),
            (std::vector<std::string>{std::string(64, 'b'), std::string(64, 'a')}));
  EXPECT_EQ(ClientsOf(*rule, &request, nullptr), (std::vector<std::string>{std::string(64, 'b')}));
  EXPECT_EQ(SubjectOf(*rule, &request, &response), "case-1");

  const AccessRule* list = FindRule("home-care", "/yhteys.referral.v1.ReferralInbox/ListInbox");
  ASSERT_NE(list, nullptr);
  referral::v1::ListInboxRequest list_request;
  referral::v1::ListInboxResponse entries;
  entries.add_entries()->mutable_offer()->set_client_pseudonym("p1");
  entries.add_entries()->mutable_offer()->set_client_pseudonym("p2");
  entries.add_entries()->mutable_offer()->set_client_pseudonym("p1");
  EXPECT_EQ(ClientsOf(*list, &list_request, &entries), (std::vector<std::string>{"p1", "p2"}));
}

}  // namespace
}  // namespace yhteys::access
