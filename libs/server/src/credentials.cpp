#include "yhteys/server/credentials.hpp"

#include <fstream>
#include <sstream>

namespace yhteys::server {
namespace {

absl::StatusOr<std::string> ReadPem(const config::Config& config, const std::string& key, bool secret) {
  const std::string& path = config.GetString(key);
  if (path.empty()) return absl::InvalidArgumentError("config key " + key + ": required for this TLS mode");
  if (secret) {
    auto content = config::ReadSecretFile(path);
    if (!content.ok())
      return absl::InvalidArgumentError("config key " + key + ": " + std::string(content.status().message()));
    return content;
  }
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError("config key " + key + ": cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

absl::Status CheckMode(const std::string& mode, const std::string& key) {
  if (mode == "plaintext" || mode == "tls" || mode == "mtls") return absl::OkStatus();
  return absl::InvalidArgumentError("config key " + key + ": expected plaintext, tls or mtls");
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFrom(const config::Config& config,
                                                                               const std::string& prefix) {
  const std::string& mode = config.GetString(prefix + ".mode");
  if (auto st = CheckMode(mode, prefix + ".mode"); !st.ok()) return st;
  if (mode == "plaintext") return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(mode == "mtls" ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                                           : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  auto cert = ReadPem(config, prefix + ".cert_file", false);
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(config, prefix + ".key_file", true);
  if (!key.ok()) return key.status();
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (mode == "mtls") {
    auto ca = ReadPem(config, prefix + ".ca_file", false);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(const config::Config& config,
                                                                                 const std::string& prefix) {
  const std::string& mode = config.GetString(prefix + ".mode");
  if (auto st = CheckMode(mode, prefix + ".mode"); !st.ok()) return st;
  if (mode == "plaintext") return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  auto ca = ReadPem(config, prefix + ".ca_file", false);
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *ca;
  if (mode == "mtls") {
    auto cert = ReadPem(config, prefix + ".cert_file", false);
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(config, prefix + ".key_file", true);
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

}  // namespace yhteys::server
