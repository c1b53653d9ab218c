#pragma once
// The common main() of a domain service: a Runtime plus the ReferralInbox
// publishing on the service's own topic. `extend` registers the service's
// own gRPC API and consumers (may be empty). Returns the exit code.

#include <functional>
#include <string>

#include "yhteys/common/v1/common.pb.h"
#include "yhteys/inbox/inbox_store.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::inbox {

struct DomainService {
  server::ServiceSpec spec;
  common::v1::ServiceName service = common::v1::SERVICE_NAME_UNSPECIFIED;
  std::string topic;
};

int RunDomainService(const DomainService& domain, int argc, char** argv,
                     const std::function<void(server::Runtime&)>& extend);

}  // namespace yhteys::inbox
