#pragma once
// The services' names as config, CloudEvents sources and the audit log
// write them ("home-care", "/yhteys/home-care") and their enum values.
// Pure functions.

#include <string>

#include "yhteys/common/v1/common.pb.h"

namespace yhteys::server {

// "mental-health-intake" <-> SERVICE_NAME_MENTAL_HEALTH_INTAKE, and so on
// ("external" for a unit outside Yhteys); UNSPECIFIED / "unspecified" for
// anything else.
common::v1::ServiceName ServiceFromName(const std::string& name);
std::string ServiceToName(common::v1::ServiceName service);
// "/yhteys/home-care" -> SERVICE_NAME_HOME_CARE.
common::v1::ServiceName ServiceFromSource(const std::string& ce_source);

}  // namespace yhteys::server
