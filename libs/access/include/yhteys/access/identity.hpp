#pragma once
// Who is calling: the caller's identity from its client certificate.
//
// The certificate scheme (one URI SAN per certificate, SPIFFE-shaped):
//   spiffe://<county>/role/<role>                 a system or person not bound to a unit
//   spiffe://<county>/role/<role>/unit/<unit id>  a people-facing system bound to one unit
// e.g. spiffe://paijat-hame.fi/role/homecare-nurse/unit/hc-lahti-1. <county>
// is the wellbeing services county's trust domain (lower-case letters,
// digits, dots and dashes); <role> one of the role names below; <unit id>
// the unit's id as the services know it. The county's CA signs the
// certificates; the services trust only that CA (server.tls.ca_file).
//
// Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace yhteys::access {

enum class Role {
  kHomeCareNurse,       // homecare-nurse: home-care staff
  kFamilyCentreWorker,  // familycentre-worker: family-centre staff
  kIntakeClinician,     // intake-clinician: mental-health intake staff
  kServiceCounsellor,   // service-counsellor: service guidance (palveluohjaus), follows referrals
  kFeedbackKiosk,       // feedback-kiosk: the device a client answers the feedback form on
  kFeedbackAnalyst,     // feedback-analyst: reads units' feedback aggregates
  kExternalUnit,        // external-unit: a unit outside Yhteys answering referrals through the router
  kRouter,              // router: the referral router's service identity (offers referrals)
  kAuditor,             // auditor: answers "who has processed my data"
  kOperator,            // operator: runs the system (health, reflection), reads no client data
};

// Every role, in the order above.
const std::vector<Role>& AllRoles();
std::string_view RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);

struct Identity {
  std::string uri;     // the SAN URI as presented
  std::string county;  // the trust domain
  Role role = Role::kOperator;
  std::string unit;  // empty when the identity is not bound to a unit
};

// Parses "spiffe://<county>/role/<role>[/unit/<unit>]". InvalidArgument
// naming what is wrong (never echoing more than the scheme's parts).
absl::StatusOr<Identity> ParseIdentityUri(std::string_view uri);

// The identity in a PEM certificate: its URI SANs, exactly one of which
// must be a spiffe:// URI of the scheme above. PermissionDenied when there
// is none or more than one; InvalidArgument when the PEM cannot be read.
absl::StatusOr<Identity> IdentityFromCertificate(std::string_view pem);

}  // namespace yhteys::access
