#pragma once
// The common main() of a domain service: a Runtime plus the ReferralInbox
// publishing on the service's own topic. `extend` builds and registers the
// service's own gRPC API and consumers (may be empty); what it returns is
// kept alive until the service stops. An extension that cannot start (a bad
// data file, say) logs why and returns nullptr: the service exits with 2.
// Returns the exit code.

#include <functional>
#include <memory>
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

using Extension = std::function<std::shared_ptr<void>(server::Runtime&)>;

int RunDomainService(const DomainService& domain, int argc, char** argv, const Extension& extend);

}  // namespace yhteys::inbox
