#pragma once
// Where a call goes and how: the services' default local addresses, the
// channel (plaintext, TLS or mutual TLS as the global flags say), a call's
// deadline and its idempotency key.

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "globals.hpp"

namespace yhteysctl {

// Service name (--service) -> its default local address.
const std::map<std::string, std::string>& DefaultAddresses();

struct Connection {
  std::string service;  // --service, or the command's own
  std::string address;  // --address, or the service's default address
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::shared_ptr<grpc::Channel> channel;
};

// The channel to --address, or to the default address of --service (or of
// `default_service` without --service). Plaintext without --ca; TLS with
// --ca; mutual TLS with --ca, --cert and --key. Fails (exit 2) on an unknown
// service, a half certificate or an unreadable file.
Connection Connect(const Globals& globals, const std::string& default_service);

// --timeout-ms from now.
void SetDeadline(grpc::ClientContext* ctx, const Globals& globals);

// The --idempotency-key given, or a new one.
std::string IdempotencyKey(const std::optional<std::string>& given);

}  // namespace yhteysctl
