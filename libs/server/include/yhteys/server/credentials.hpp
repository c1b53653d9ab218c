#pragma once
// gRPC credentials from configuration. Under `<prefix>.mode`:
//   plaintext  local development only
//   tls        server authenticated by its certificate
//   mtls       both sides present certificates signed by the configured CA
// Files: `<prefix>.cert_file`, `<prefix>.key_file` (a secret), `<prefix>.ca_file`.
// Errors name the config key to fix.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "yhteys/config/config.hpp"

namespace yhteys::server {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFrom(const config::Config& config,
                                                                               const std::string& prefix);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(const config::Config& config,
                                                                                 const std::string& prefix);

}  // namespace yhteys::server
