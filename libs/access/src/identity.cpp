#include "yhteys/access/identity.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "split.hpp"

namespace yhteys::access {
namespace {

constexpr std::string_view kScheme = "spiffe://";

struct RoleName_ {
  Role role;
  std::string_view name;
};

constexpr RoleName_ kRoleNames[] = {
    {Role::kHomeCareNurse, "homecare-nurse"},
    {Role::kFamilyCentreWorker, "familycentre-worker"},
    {Role::kIntakeClinician, "intake-clinician"},
    {Role::kServiceCounsellor, "service-counsellor"},
    {Role::kFeedbackKiosk, "feedback-kiosk"},
    {Role::kFeedbackAnalyst, "feedback-analyst"},
    {Role::kExternalUnit, "external-unit"},
    {Role::kRouter, "router"},
    {Role::kAuditor, "auditor"},
    {Role::kOperator, "operator"},
};

bool IsDomainChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'; }
bool IsIdChar(char c) { return IsDomainChar(c) || c == '_'; }

bool AllOf(std::string_view s, bool (*ok)(char)) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

}  // namespace

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    for (const auto& r : kRoleNames) out.push_back(r.role);
    return out;
  }();
  return roles;
}

std::string_view RoleName(Role role) {
  for (const auto& r : kRoleNames) {
    if (r.role == role) return r.name;
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (const auto& r : kRoleNames) {
    if (r.name == name) return r.role;
  }
  return std::nullopt;
}

absl::StatusOr<Identity> ParseIdentityUri(std::string_view uri) {
  if (uri.substr(0, kScheme.size()) != kScheme) return absl::InvalidArgumentError("identity: not a spiffe:// URI");
  std::vector<std::string_view> parts = detail::Split(uri.substr(kScheme.size()), '/');
  // <county> role <role> [unit <unit>]
  if (parts.size() != 3 && parts.size() != 5) {
    return absl::InvalidArgumentError("identity: expected spiffe://<county>/role/<role>[/unit/<unit>]");
  }
  Identity identity;
  identity.uri = std::string(uri);
  if (!AllOf(parts[0], &IsDomainChar)) return absl::InvalidArgumentError("identity: the county is not a trust domain");
  identity.county = std::string(parts[0]);
  if (parts[1] != "role") return absl::InvalidArgumentError("identity: expected /role/ after the county");
  auto role = RoleFromName(parts[2]);
  if (!role) return absl::InvalidArgumentError("identity: unknown role");
  identity.role = *role;
  if (parts.size() == 5) {
    if (parts[3] != "unit") return absl::InvalidArgumentError("identity: expected /unit/ after the role");
    if (!AllOf(parts[4], &IsIdChar)) return absl::InvalidArgumentError("identity: the unit is not an id");
    identity.unit = std::string(parts[4]);
  }
  return identity;
}

absl::StatusOr<Identity> IdentityFromCertificate(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return absl::InvalidArgumentError("identity: cannot read the certificate");
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return absl::InvalidArgumentError("identity: the certificate is not PEM");
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  std::unique_ptr<GENERAL_NAMES, void (*)(GENERAL_NAMES*)> guard(names, [](GENERAL_NAMES* n) {
    if (n != nullptr) GENERAL_NAMES_free(n);
  });
  std::vector<std::string> uris;
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* text = name->d.uniformResourceIdentifier;
    std::string uri(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)), ASN1_STRING_length(text));
    if (uri.substr(0, kScheme.size()) == kScheme) uris.push_back(std::move(uri));
  }
  if (uris.empty()) return absl::PermissionDeniedError("identity: the certificate names no spiffe:// identity");
  if (uris.size() > 1) return absl::PermissionDeniedError("identity: the certificate names more than one identity");
  auto identity = ParseIdentityUri(uris.front());
  if (!identity.ok()) return absl::PermissionDeniedError(identity.status().message());
  return identity;
}

}  // namespace yhteys::access
