// yhteys-mental-health-intake: wiring only. The service's own domain API is added on top of
// the common ReferralInbox as it is built.
#include "yhteys/inbox/domain_service_main.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  inbox::DomainService domain{{"mental-health-intake", "mhi", "127.0.0.1:50053", "127.0.0.1:9463", {}},
                              common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE,
                              "yhteys.mentalhealth.events.v1"};
  return inbox::RunDomainService(domain, argc, argv, nullptr);
}
