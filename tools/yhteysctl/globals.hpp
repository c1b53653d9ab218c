#pragma once
// The global flags of yhteysctl (before or after the command), as parsed:
// where calls go, how they are secured, their deadline, and what of an
// answer is printed.

#include <optional>
#include <string>

namespace yhteysctl {

struct Globals {
  std::optional<std::string> address;  // --address; otherwise the default address of the service
  std::optional<std::string> service;  // --service; otherwise the command's own service
  int timeout_ms = 5000;               // --timeout-ms: each call's deadline
  std::optional<std::string> get;      // --get: print this field (dotted path) of the answer only
  std::optional<std::string> ca;       // --ca: TLS, trusting this PEM CA
  std::optional<std::string> cert;     // --cert and --key: the client certificate (mutual TLS)
  std::optional<std::string> key;
};

}  // namespace yhteysctl
