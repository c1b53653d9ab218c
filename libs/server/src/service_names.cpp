#include "yhteys/server/service_names.hpp"

namespace yhteys::server {

common::v1::ServiceName ServiceFromName(const std::string& name) {
  if (name == "family-centre") return common::v1::SERVICE_NAME_FAMILY_CENTRE;
  if (name == "home-care") return common::v1::SERVICE_NAME_HOME_CARE;
  if (name == "mental-health-intake") return common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE;
  if (name == "client-feedback") return common::v1::SERVICE_NAME_CLIENT_FEEDBACK;
  if (name == "referral-router") return common::v1::SERVICE_NAME_REFERRAL_ROUTER;
  if (name == "external") return common::v1::SERVICE_NAME_EXTERNAL;
  if (name == "audit-index") return common::v1::SERVICE_NAME_AUDIT_INDEX;
  return common::v1::SERVICE_NAME_UNSPECIFIED;
}

std::string ServiceToName(common::v1::ServiceName service) {
  switch (service) {
    case common::v1::SERVICE_NAME_FAMILY_CENTRE: return "family-centre";
    case common::v1::SERVICE_NAME_HOME_CARE: return "home-care";
    case common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE: return "mental-health-intake";
    case common::v1::SERVICE_NAME_CLIENT_FEEDBACK: return "client-feedback";
    case common::v1::SERVICE_NAME_REFERRAL_ROUTER: return "referral-router";
    case common::v1::SERVICE_NAME_EXTERNAL: return "external";
    case common::v1::SERVICE_NAME_AUDIT_INDEX: return "audit-index";
    default: return "unspecified";
  }
}

common::v1::ServiceName ServiceFromSource(const std::string& ce_source) {
  const std::string prefix = "/yhteys/";
  if (ce_source.rfind(prefix, 0) != 0) return common::v1::SERVICE_NAME_UNSPECIFIED;
  return ServiceFromName(ce_source.substr(prefix.size()));
}

}  // namespace yhteys::server
