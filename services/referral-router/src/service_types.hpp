#pragma once
// The one vocabulary of service types that the rules (then.service_type)
// and the service directory (a service's service_type) both use. A rule's
// need (e.g. "possible-depression") says why; its service type says what
// kind of unit can help. The list is short on purpose: it names kinds of
// service as the national service catalogue (Suomi.fi palvelutietovaranto)
// and Open Referral HSDS's service taxonomy do, not unit names.

#include <string>
#include <string_view>
#include <vector>

namespace yhteys::router {

enum class Sector { kHealth, kSocial };

struct ServiceType {
  std::string_view id;
  Sector sector;
  std::string_view description;
};

const std::vector<ServiceType>& ServiceTypes();
// nullptr when `id` is not in the vocabulary.
const ServiceType* FindServiceType(std::string_view id);
// "a, b, c": for error messages.
std::string ServiceTypeIds();
std::string_view SectorName(Sector sector);

}  // namespace yhteys::router
