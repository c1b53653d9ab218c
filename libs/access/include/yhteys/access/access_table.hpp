#pragma once
// Who may call what, and what each call leaves in the audit log: one table,
// as data (src/access_table.cpp), of every RPC of every service -> the roles
// allowed, the audit action, where the request or response names the
// clients whose data it touches, and the purpose recorded. A method that is
// not in the table is denied (fail closed); a test fails when a service has
// an RPC the table does not list.
//
// Thread-safe: the table is immutable.

#include <google/protobuf/message.h>

#include <string>
#include <string_view>
#include <vector>

#include "yhteys/access/identity.hpp"

namespace yhteys::access {

// What a call does to client data, for the audit log.
enum class AuditAction {
  kNone,    // touches no client data (health, reflection, aggregates): not audited unless denied
  kRead,    // reads client data
  kCreate,  // records new client data
  kUpdate,  // changes client data
};

struct AccessRule {
  // The service (binary) name the rule is for, or "*" for every service
  // that serves the method (the common ReferralInbox differs per service).
  std::string_view service;
  std::string_view method;  // the gRPC path, "/yhteys.homecare.v1.HomeCare/GetClient"
  std::vector<Role> roles;  // the roles allowed
  AuditAction audit = AuditAction::kNone;
  // Where the call names the clients it touches: "request.<path>" or
  // "response.<path>", a dotted path whose repeated steps are read in full
  // (e.g. "response.members.member_id").
  std::vector<std::string_view> clients;
  // Where the call names the record it is about (a case, an intake, a
  // referral), the same way; may be empty.
  std::string_view subject;
  std::string_view purpose;  // why the data is processed: care-relationship, case, referral, ...
  // Where the call names the unit it acts in, the same way: a caller bound
  // to a unit may act only in that unit (request paths are checked before
  // the handler runs; response paths, for reads, before the answer leaves).
  std::vector<std::string_view> units = {};
  // Where the request names an existing record it acts on ("request.<path>":
  // a client, a case, an intake, a referral) whose unit the service looks
  // up (AuditLog::AddRecordUnitLookup): a caller bound to a unit acts only
  // on its own unit's records. Empty when the request names its unit or
  // touches no unit's record.
  std::string_view owner = "";
};

const std::vector<AccessRule>& AccessTable();

// The rule for `method` on `service`: the service's own row first, then a
// "*" row; nullptr when there is none.
const AccessRule* FindRule(std::string_view service, std::string_view method);

// The same by "Service/Method" (e.g. "HomeCare/GetClient"), as handlers name
// their methods.
const AccessRule* FindRuleBySuffix(std::string_view service, std::string_view service_and_method);

struct Decision {
  bool allowed = false;
  std::string reason;                // why it was denied
  const AccessRule* rule = nullptr;  // the rule found, if any
};

// Whether `identity` may call `method` on `service`.
Decision Authorize(std::string_view service, const Identity& identity, std::string_view method);

// The client pseudonyms a call touched, read from the request and (when the
// call succeeded) the response by the rule's `clients` paths; duplicates
// and empty values dropped, in the order found.
std::vector<std::string> ClientsOf(const AccessRule& rule, const google::protobuf::Message* request,
                                   const google::protobuf::Message* response);
// The units a call names by the rule's `units` paths rooted at `request` or
// `response` (either may be nullptr), empty values dropped.
std::vector<std::string> UnitsOf(const AccessRule& rule, const google::protobuf::Message* request,
                                 const google::protobuf::Message* response);
// The record the request acts on, by the rule's `owner` path, or "".
std::string OwnerOf(const AccessRule& rule, const google::protobuf::Message* request);
// The rule's subject (a case, intake or referral id), or "".
std::string SubjectOf(const AccessRule& rule, const google::protobuf::Message* request,
                      const google::protobuf::Message* response);

}  // namespace yhteys::access
