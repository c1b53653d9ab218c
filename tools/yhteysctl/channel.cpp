#include "channel.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include "output.hpp"
#include "yhteys/ids/ids.hpp"

namespace yhteysctl {
namespace {

std::string ReadPemOrFail(const std::string& flag, const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("--" + flag + ": cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::shared_ptr<grpc::ChannelCredentials> CredentialsFrom(const Globals& globals) {
  if (globals.cert.has_value() != globals.key.has_value()) Fail("--cert and --key go together");
  if (!globals.ca) {
    if (globals.cert) Fail("--cert needs --ca (the CA that signed the services' certificates)");
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadPemOrFail("ca", *globals.ca);
  if (globals.cert) {
    options.pem_cert_chain = ReadPemOrFail("cert", *globals.cert);
    options.pem_private_key = ReadPemOrFail("key", *globals.key);
  }
  return grpc::SslCredentials(options);
}

}  // namespace

const std::map<std::string, std::string>& DefaultAddresses() {
  static const auto* addresses = new std::map<std::string, std::string>{
      {"family-centre", "127.0.0.1:50051"},        {"home-care", "127.0.0.1:50052"},
      {"mental-health-intake", "127.0.0.1:50053"}, {"client-feedback", "127.0.0.1:50054"},
      {"referral-router", "127.0.0.1:50055"},      {"audit-index", "127.0.0.1:50056"}};
  return *addresses;
}

Connection Connect(const Globals& globals, const std::string& default_service) {
  Connection connection;
  connection.service = globals.service.value_or(default_service);
  auto it = DefaultAddresses().find(connection.service);
  if (it == DefaultAddresses().end()) Fail("--service: unknown service " + connection.service);
  connection.address = globals.address.value_or(it->second);
  connection.credentials = CredentialsFrom(globals);
  connection.channel = grpc::CreateChannel(connection.address, connection.credentials);
  return connection;
}

void SetDeadline(grpc::ClientContext* ctx, const Globals& globals) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(globals.timeout_ms));
}

std::string IdempotencyKey(const std::optional<std::string>& given) {
  return given ? *given : "ctl-" + yhteys::ids::NewUuid();
}

}  // namespace yhteysctl
