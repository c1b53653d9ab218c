// yhteys-family-centre: wiring only. The service's own domain API is added on top of
// the common ReferralInbox as it is built.
#include "yhteys/inbox/domain_service_main.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  inbox::DomainService domain{{"family-centre", "fc", "127.0.0.1:50051", "127.0.0.1:9461", {}},
                              common::v1::SERVICE_NAME_FAMILY_CENTRE,
                              "yhteys.familycentre.events.v1"};
  return inbox::RunDomainService(domain, argc, argv, nullptr);
}
