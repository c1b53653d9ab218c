#include "yhteys/access/access_table.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <algorithm>

#include "split.hpp"

namespace yhteys::access {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr Role kNurse = Role::kHomeCareNurse;
constexpr Role kFamilyWorker = Role::kFamilyCentreWorker;
constexpr Role kClinician = Role::kIntakeClinician;
constexpr Role kCounsellor = Role::kServiceCounsellor;
constexpr Role kKiosk = Role::kFeedbackKiosk;
constexpr Role kAnalyst = Role::kFeedbackAnalyst;
constexpr Role kExternal = Role::kExternalUnit;
constexpr Role kRouter = Role::kRouter;
constexpr Role kOperator = Role::kOperator;
constexpr Role kAuditor = Role::kAuditor;

constexpr AuditAction kNone = AuditAction::kNone;
constexpr AuditAction kRead = AuditAction::kRead;
constexpr AuditAction kCreate = AuditAction::kCreate;
constexpr AuditAction kUpdate = AuditAction::kUpdate;

// THE TABLE. One row per RPC (per service where the same RPC is served by
// several). Purposes: care-relationship (the service's own client), case (a
// family case), intake, referral (a cross-sector referral), feedback
// (anonymous answers), operations.
std::vector<AccessRule> BuildTable() {
  std::vector<AccessRule> t = {
      // ---- home-care ---------------------------------------------------------
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/RegisterClient",
       {kNurse},
       kCreate,
       {"response.client_id"},
       "",
       "care-relationship",
       {"request.unit_id"}},
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/RecordAssessment",
       {kNurse},
       kCreate,
       {"request.client_id"},
       "response.assessment_id",
       "care-relationship",
       {},
       "request.client_id"},
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/GetClient",
       {kNurse},
       kRead,
       {"request.client_id"},
       "",
       "care-relationship",
       {"response.unit_id"}},
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/ListAssessments",
       {kNurse},
       kRead,
       {"request.client_id"},
       "",
       "care-relationship",
       {},
       "request.client_id"},
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/SetCarePlan",
       {kNurse},
       kUpdate,
       {"request.client_id"},
       "",
       "care-relationship",
       {},
       "request.client_id"},
      {"home-care",
       "/yhteys.homecare.v1.HomeCare/RecordVisit",
       {kNurse},
       kCreate,
       {"request.client_id"},
       "response.visit_id",
       "care-relationship",
       {},
       "request.client_id"},

      // ---- family-centre -----------------------------------------------------
      // A contact may be anonymous: it names no client.
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/RecordContact",
       {kFamilyWorker},
       kCreate,
       {},
       "response.contact_id",
       "case",
       {"request.unit_id"}},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/OpenCase",
       {kFamilyWorker},
       kCreate,
       {"response.members.member_id"},
       "response.case_id",
       "case",
       {"request.unit_id"}},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/AddMember",
       {kFamilyWorker},
       kUpdate,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/AssignWorker",
       {kFamilyWorker},
       kUpdate,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/StartService",
       {kFamilyWorker},
       kUpdate,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/EndService",
       {kFamilyWorker},
       kUpdate,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/RecordEpds",
       {kFamilyWorker},
       kCreate,
       {"request.member_id", "response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/CloseCase",
       {kFamilyWorker},
       kUpdate,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {},
       "request.case_id"},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/GetCase",
       {kFamilyWorker},
       kRead,
       {"response.members.member_id"},
       "request.case_id",
       "case",
       {"response.unit_id"}},
      {"family-centre",
       "/yhteys.familycentre.v1.FamilyCentre/ListOpenCases",
       {kFamilyWorker},
       kRead,
       {"response.cases.members.member_id"},
       "",
       "case",
       {"request.unit_id"}},

      // ---- mental-health-intake ------------------------------------------------
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/StartIntake",
       {kClinician},
       kCreate,
       {"response.client_id"},
       "response.intake_id",
       "intake",
       {"request.unit_id"}},
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/SubmitScreening",
       {kClinician},
       kCreate,
       {"response.client_id"},
       "request.intake_id",
       "intake",
       {},
       "request.intake_id"},
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/RecordRiskAssessment",
       {kClinician},
       kCreate,
       {"response.client_id"},
       "request.intake_id",
       "intake",
       {},
       "request.intake_id"},
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/RecordChildrenAtHome",
       {kClinician},
       kUpdate,
       {"response.client_id"},
       "request.intake_id",
       "intake",
       {},
       "request.intake_id"},
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/CompleteIntake",
       {kClinician},
       kUpdate,
       {"response.client_id"},
       "request.intake_id",
       "intake",
       {},
       "request.intake_id"},
      {"mental-health-intake",
       "/yhteys.mentalhealth.v1.MentalHealthIntake/GetIntake",
       {kClinician},
       kRead,
       {"response.client_id"},
       "request.intake_id",
       "intake",
       {"response.unit_id"}},

      // ---- client-feedback: anonymous answers; no client is named -------------
      {"client-feedback",
       "/yhteys.feedback.v1.ClientFeedback/IssueFeedbackToken",
       {kNurse, kFamilyWorker, kClinician, kCounsellor},
       kNone,
       {},
       "",
       "feedback",
       {"request.unit_id"}},
      {"client-feedback",
       "/yhteys.feedback.v1.ClientFeedback/SubmitFeedback",
       {kKiosk},
       kNone,
       {},
       "",
       "feedback",
       {"request.unit_id"}},
      {"client-feedback", "/yhteys.feedback.v1.ClientFeedback/GetUnitSummary", {kAnalyst}, kNone, {}, "", "feedback"},

      // ---- referral-router -----------------------------------------------------
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/GetReferral",
       {kCounsellor},
       kRead,
       {"response.offer.client_pseudonym"},
       "request.referral_id",
       "referral"},
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/ListClientReferrals",
       {kCounsellor},
       kRead,
       {"request.client_pseudonym"},
       "",
       "referral"},
      // The client's journey across sectors, for the service counsellors who
      // meet the client (by pseudonym, or an identity code pseudonymised at the edge).
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/GetClientJourney",
       {kCounsellor},
       kRead,
       {"request.client_pseudonym", "response.client_pseudonym"},
       "",
       "referral"},
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/RespondToExternalReferral",
       {kExternal},
       kUpdate,
       {"response.offer.client_pseudonym"},
       "request.referral_id",
       "referral",
       {"request.unit_id"}},
      // The originating unit's staff (or a counsellor) cancel a referral they asked for.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/CancelReferral",
       {kNurse, kFamilyWorker, kClinician, kCounsellor},
       kUpdate,
       {"response.offer.client_pseudonym"},
       "request.referral_id",
       "referral",
       {"request.unit_id"}},
      // The service directory: no client data. Anyone who refers or takes
      // referrals reads it; a unit reports only its own availability.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/ListUnits",
       {kNurse, kFamilyWorker, kClinician, kCounsellor, kExternal},
       kNone,
       {},
       "",
       "directory"},
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/UpdateUnitAvailability",
       {kNurse, kFamilyWorker, kClinician, kExternal},
       kNone,
       {},
       "",
       "directory",
       {"request.unit_id"}},
      // A unit's worklist, for its own staff (or its external system); the
      // counsellors' worklist of the county, for the service counsellors.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/ListWorklist",
       {kNurse, kFamilyWorker, kClinician, kExternal, kCounsellor},
       kRead,
       {"response.items.referral.offer.client_pseudonym"},
       "",
       "referral",
       {"request.unit_id"}},
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/ListCounsellorWorklist",
       {kCounsellor},
       kRead,
       {"response.items.referral.offer.client_pseudonym"},
       "",
       "referral"},
      // The client's consent or data-sharing denial, recorded by whoever meets the client.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/RecordClientSharing",
       {kNurse, kFamilyWorker, kClinician, kCounsellor},
       kUpdate,
       {"request.client_pseudonym", "response.client_pseudonym"},
       "",
       "consent",
       {"request.unit_id"}},
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/GetClientSharing",
       {kNurse, kFamilyWorker, kClinician, kCounsellor},
       kRead,
       {"request.client_pseudonym"},
       "",
       "consent"},
      // Following referral changes as they happen: a unit's staff or an
      // external unit's system for its own unit, the counsellors for any.
      // Every change sent is audited under its client.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/WatchReferrals",
       {kNurse, kFamilyWorker, kClinician, kExternal, kCounsellor},
       kRead,
       {"response.change.client_pseudonym"},
       "",
       "referral",
       {"request.unit_id", "request.source_unit_id"}},
      // The service counsellors' contact: one contact, every referral it implies.
      {"referral-router",
       "/yhteys.router.v1.ReferralRouter/RecordCounsellingContact",
       {kCounsellor},
       kCreate,
       {"response.client_pseudonym"},
       "",
       "referral",
       {"request.unit_id"}},
  };

  // ---- audit-index: the Client Data Act question, for auditors; the question is audited too.
  t.push_back({"audit-index",
               "/yhteys.audit.v1.AuditIndex/ListClientDataAccess",
               {kAuditor},
               kRead,
               {"request.client_pseudonym", "response.client_pseudonym"},
               "",
               "client-data-access-log"});
  // ---- ReferralInbox: the router offers; the receiving service's staff decide.
  struct InboxOwner {
    std::string_view service;
    std::vector<Role> staff;
  };
  static const InboxOwner kInboxes[] = {
      {"home-care", {kNurse}},
      {"family-centre", {kFamilyWorker}},
      {"mental-health-intake", {kClinician}},
      {"client-feedback", {kCounsellor}},
  };
  for (const auto& inbox : kInboxes) {
    t.push_back({inbox.service,
                 "/yhteys.referral.v1.ReferralInbox/OfferReferral",
                 {kRouter},
                 kCreate,
                 {"request.offer.client_pseudonym"},
                 "request.offer.referral_id",
                 "referral"});
    // The router withdraws an offer left unanswered, or of a cancelled referral.
    t.push_back({inbox.service,
                 "/yhteys.referral.v1.ReferralInbox/WithdrawReferral",
                 {kRouter},
                 kUpdate,
                 {"response.offer.client_pseudonym"},
                 "request.referral_id",
                 "referral"});
    // An entry is the unit's it is offered to until a unit takes the client
    // in, then that unit's (inbox::OwnerUnit): only it acts on the entry. An
    // answer names the unit that gives it, the caller's own, and the inbox
    // refuses one naming another unit than the offer's in its step (after a
    // retry's replay: a unit's retried decline is answered as the first time
    // even once the entry is offered to the next unit, so no owner lookup).
    struct Step {
      std::string_view method;
      bool names_unit;
    };
    for (const Step& step : {Step{"/yhteys.referral.v1.ReferralInbox/AcceptReferral", true},
                             Step{"/yhteys.referral.v1.ReferralInbox/DeclineReferral", true},
                             Step{"/yhteys.referral.v1.ReferralInbox/StartReferral", false},
                             Step{"/yhteys.referral.v1.ReferralInbox/CompleteReferral", false}}) {
      t.push_back({inbox.service,
                   step.method,
                   inbox.staff,
                   kUpdate,
                   {"response.offer.client_pseudonym"},
                   "request.referral_id",
                   "referral",
                   step.names_unit ? std::vector<std::string_view>{"request.unit_id"} : std::vector<std::string_view>{},
                   step.names_unit ? "" : "request.referral_id"});
    }
    t.push_back({inbox.service,
                 "/yhteys.referral.v1.ReferralInbox/GetInboxEntry",
                 inbox.staff,
                 kRead,
                 {"response.offer.client_pseudonym"},
                 "request.referral_id",
                 "referral",
                 {},
                 "request.referral_id"});
    t.push_back({inbox.service,
                 "/yhteys.referral.v1.ReferralInbox/ListInbox",
                 inbox.staff,
                 kRead,
                 {"response.entries.offer.client_pseudonym"},
                 "",
                 "referral"});
  }

  // ---- every service: health for anyone identified; reflection for operators.
  std::vector<Role> everyone = AllRoles();
  t.push_back({"*", "/grpc.health.v1.Health/Check", everyone, kNone, {}, "", "operations"});
  t.push_back({"*", "/grpc.health.v1.Health/Watch", everyone, kNone, {}, "", "operations"});
  t.push_back({"*",
               "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
               {kOperator},
               kNone,
               {},
               "",
               "operations"});
  return t;
}

// Appends the non-empty string values at `path` (repeated steps read in full).
void Collect(const Message& message, const std::vector<std::string_view>& path, size_t at,
             std::vector<std::string>* out) {
  if (at >= path.size()) return;
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(std::string(path[at]));
  if (field == nullptr) return;
  const auto* r = message.GetReflection();
  const bool last = at + 1 == path.size();
  if (last) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return;
    if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, field); ++i) out->push_back(r->GetRepeatedString(message, field, i));
    } else {
      out->push_back(r->GetString(message, field));
    }
    return;
  }
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return;
  if (field->is_repeated()) {
    for (int i = 0; i < r->FieldSize(message, field); ++i)
      Collect(r->GetRepeatedMessage(message, field, i), path, at + 1, out);
  } else if (r->HasField(message, field)) {
    Collect(r->GetMessage(message, field), path, at + 1, out);
  }
}

std::vector<std::string> Read(std::string_view spec, const Message* request, const Message* response) {
  std::vector<std::string_view> path = detail::Split(spec, '.');
  if (path.size() < 2) return {};
  const Message* root = path[0] == "request" ? request : path[0] == "response" ? response : nullptr;
  std::vector<std::string> out;
  if (root != nullptr) Collect(*root, path, 1, &out);
  return out;
}

}  // namespace

const std::vector<AccessRule>& AccessTable() {
  static const std::vector<AccessRule> table = BuildTable();
  return table;
}

const AccessRule* FindRule(std::string_view service, std::string_view method) {
  const AccessRule* any = nullptr;
  for (const AccessRule& rule : AccessTable()) {
    if (rule.method != method) continue;
    if (rule.service == service) return &rule;
    if (rule.service == "*") any = &rule;
  }
  return any;
}

const AccessRule* FindRuleBySuffix(std::string_view service, std::string_view service_and_method) {
  const AccessRule* any = nullptr;
  for (const AccessRule& rule : AccessTable()) {
    std::string_view m = rule.method;
    if (m.size() <= service_and_method.size() || m.substr(m.size() - service_and_method.size()) != service_and_method ||
        m[m.size() - service_and_method.size() - 1] != '.') {
      continue;
    }
    if (rule.service == service) return &rule;
    if (rule.service == "*") any = &rule;
  }
  return any;
}

Decision Authorize(std::string_view service, const Identity& identity, std::string_view method) {
  Decision d;
  d.rule = FindRule(service, method);
  if (d.rule == nullptr) {
    d.reason = "the method is not in the access table";
    return d;
  }
  if (std::find(d.rule->roles.begin(), d.rule->roles.end(), identity.role) == d.rule->roles.end()) {
    d.reason = "role " + std::string(RoleName(identity.role)) + " may not call " + std::string(method);
    return d;
  }
  d.allowed = true;
  return d;
}

std::vector<std::string> ClientsOf(const AccessRule& rule, const Message* request, const Message* response) {
  std::vector<std::string> out;
  for (std::string_view spec : rule.clients) {
    for (std::string& value : Read(spec, request, response)) {
      if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
    }
  }
  return out;
}

std::vector<std::string> UnitsOf(const AccessRule& rule, const Message* request, const Message* response) {
  std::vector<std::string> out;
  for (std::string_view spec : rule.units) {
    for (std::string& value : Read(spec, request, response)) {
      if (!value.empty()) out.push_back(std::move(value));
    }
  }
  return out;
}

std::string OwnerOf(const AccessRule& rule, const Message* request) {
  if (rule.owner.empty()) return "";
  auto values = Read(rule.owner, request, nullptr);
  return values.empty() ? "" : values.front();
}

std::string SubjectOf(const AccessRule& rule, const Message* request, const Message* response) {
  if (rule.subject.empty()) return "";
  auto values = Read(rule.subject, request, response);
  return values.empty() ? "" : values.front();
}

}  // namespace yhteys::access
