#include "service_types.hpp"

namespace yhteys::router {

const std::vector<ServiceType>& ServiceTypes() {
  static const std::vector<ServiceType> kTypes = {
      {"mental-health-assessment", Sector::kHealth,
       "Low-threshold mental-health assessment and brief care for adults (mielenterveyden matalan kynnyksen palvelu, "
       "TervHL 1326/2010 § 27)"},
      {"perinatal-mental-health", Sector::kHealth,
       "Mental-health assessment and care during pregnancy and the first year after birth (perinataalinen "
       "mielenterveystyö)"},
      {"family-support", Sector::kSocial,
       "Family work and home help for families with children (perhetyö, lapsiperheiden kotipalvelu, SHL 1301/2014 "
       "§§ 18-19)"},
      {"primary-care-nurse", Sector::kHealth, "A primary-care nurse's review (terveysaseman sairaanhoitaja)"},
      {"social-work-assessment", Sector::kSocial,
       "Social work's assessment of the need for social services (palvelutarpeen arviointi, SHL 1301/2014 § 36)"},
      {"home-care", Sector::kSocial, "Home care (kotihoito, SHL 1301/2014 § 19 and TervHL 1326/2010 § 25)"},
  };
  return kTypes;
}

const ServiceType* FindServiceType(std::string_view id) {
  for (const ServiceType& type : ServiceTypes()) {
    if (type.id == id) return &type;
  }
  return nullptr;
}

std::string ServiceTypeIds() {
  std::string out;
  for (const ServiceType& type : ServiceTypes()) {
    if (!out.empty()) out += ", ";
    out += type.id;
  }
  return out;
}

std::string_view SectorName(Sector sector) { return sector == Sector::kHealth ? "health" : "social"; }

}  // namespace yhteys::router
