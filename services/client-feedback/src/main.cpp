// yhteys-client-feedback: wiring only. The service's own domain API is added on top of
// the common ReferralInbox as it is built.
#include "yhteys/inbox/domain_service_main.hpp"

int main(int argc, char** argv) {
  using namespace yhteys;
  inbox::DomainService domain{{"client-feedback", "cf", "127.0.0.1:50054", "127.0.0.1:9464", {}},
                              common::v1::SERVICE_NAME_CLIENT_FEEDBACK,
                              "yhteys.feedback.events.v1"};
  return inbox::RunDomainService(domain, argc, argv, nullptr);
}
