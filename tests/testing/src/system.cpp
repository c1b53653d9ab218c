#include "yhteys/testing/system.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "yhteys/server/health_client.hpp"

namespace yhteys::testing {

const std::vector<std::string>& YhteysSystem::AllServices() {
  static const std::vector<std::string> kAll = {"family-centre",   "home-care",       "mental-health-intake",
                                                "client-feedback", "referral-router", "audit-index"};
  return kAll;
}

namespace {

std::string Binary(std::string name) {
  if (auto hash = name.find('#'); hash != std::string::npos) name.resize(hash);
  static const std::map<std::string, std::string> kBinaries = {
      {"family-centre", YHTEYS_FAMILY_CENTRE_BIN},     {"home-care", YHTEYS_HOME_CARE_BIN},
      {"mental-health-intake", YHTEYS_MHI_BIN},        {"client-feedback", YHTEYS_CLIENT_FEEDBACK_BIN},
      {"referral-router", YHTEYS_REFERRAL_ROUTER_BIN}, {"audit-index", YHTEYS_AUDIT_INDEX_BIN}};
  return kBinaries.at(name);
}

}  // namespace

YhteysSystem::YhteysSystem(std::vector<std::string> services, std::map<std::string, std::string> env)
    : env_(std::move(env)) {
  Init(services, "");
}

std::shared_ptr<grpc::ChannelCredentials> MtlsCredentials(const std::string& ca_file, const TestCa::Issued& client) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(ca_file);
  options.pem_cert_chain = ReadFile(client.cert_file);
  options.pem_private_key = ReadFile(client.key_file);
  return grpc::SslCredentials(options);
}

YhteysSystem::YhteysSystem(MutualTls, std::vector<std::string> services, std::map<std::string, std::string> env)
    : env_(std::move(env)) {
  ca_ = std::make_unique<TestCa>(dir_.path());
  auto server = ca_->Issue("server", "IP:127.0.0.1,DNS:localhost");
  auto router = ca_->Issue("router", "URI:spiffe://test.fi/role/router");
  auto operator_cert = ca_->Issue("operator", "URI:spiffe://test.fi/role/operator");
  env_.insert({{"YHTEYS_SERVER_TLS_MODE", "mtls"},
               {"YHTEYS_SERVER_TLS_CERT_FILE", server.cert_file},
               {"YHTEYS_SERVER_TLS_KEY_FILE", server.key_file},
               {"YHTEYS_SERVER_TLS_CA_FILE", ca_->ca_file()}});
  credentials_ = MtlsCredentials(ca_->ca_file(), operator_cert);
  for (const auto& name : AllServices()) health_ports_[name] = FreePort();
  Init(services, "  client_tls:\n    mode: mtls\n    ca_file: " + ca_->ca_file() +
                     "\n    cert_file: " + router.cert_file + "\n    key_file: " + router.key_file + "\n");
}

std::shared_ptr<grpc::Channel> YhteysSystem::ChannelAs(const std::string& service, const std::string& san) {
  static int n = 0;
  auto issued = ca_->Issue("client-" + std::to_string(n++), san);
  return Channel(service, MtlsCredentials(ca_->ca_file(), issued));
}

std::shared_ptr<grpc::Channel> YhteysSystem::Channel(const std::string& name,
                                                     const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(ports_.at(name)), credentials);
}

void YhteysSystem::Init(const std::vector<std::string>& services, const std::string& router_tls) {
  std::ofstream(dir_.path() + "/pseudonym.key") << "0123456789abcdef0123456789abcdef-e2e-test-key\n";
  for (int i = 0; i < 3; ++i) broker_ports_ += (i ? "," : "") + std::to_string(FreePort());
  StartBroker();
  for (const auto& name : AllServices()) {
    ports_[name] = FreePort();
    metrics_ports_[name] = FreePort();
  }
  std::ofstream router(dir_.path() + "/router.yaml");
  router << "router:\n  rules_file: " << YHTEYS_SOURCE_DIR << "/services/referral-router/config/rules.yaml\n"
         << "  directory_dir: " << YHTEYS_SOURCE_DIR << "/services/referral-router/config/directory\n"
         << "  offer_timeout_ms: 1000\n  offer_max_backoff_ms: 2000\n"
         << router_tls << "  targets:\n";
  for (const auto& name : AllServices()) {
    // The four domain services answer offers; the router and the audit index do not.
    if (name != "referral-router" && name != "audit-index")
      router << "    " << name << ": 127.0.0.1:" << ports_[name] << "\n";
  }
  router.close();
  for (const auto& name : services) Start(name);
  for (const auto& name : services) {
    if (!WaitServing(name, std::chrono::seconds(30))) {
      // The directory goes with the fixture: the end of the log travels in the message.
      std::string log = ReadLog(name);
      if (log.size() > 3000) log = "..." + log.substr(log.size() - 3000);
      throw std::runtime_error(name + " did not become SERVING; its log ends:\n" + log);
    }
  }
}

YhteysSystem::~YhteysSystem() {
  for (auto& [name, p] : processes_) p.Signal(SIGKILL);
}

void YhteysSystem::StartBroker() {
  std::remove((dir_.path() + "/kafka.bootstrap").c_str());
  broker_ =
      Process({YHTEYS_DEV_BROKER_BIN, "--ports", broker_ports_, "--bootstrap-file", dir_.path() + "/kafka.bootstrap"},
              {}, dir_.path() + "/dev-broker.log");
  broker_.Start();
  if (!WaitFor([&] { return !Bootstrap().empty(); }, std::chrono::seconds(10))) {
    throw std::runtime_error("dev broker did not start; see " + dir_.path() + "/dev-broker.log");
  }
}

void YhteysSystem::SetBrokersDown(bool down) { broker_.Signal(down ? SIGUSR1 : SIGUSR2); }

void YhteysSystem::KillBroker() {
  broker_.Signal(SIGKILL);
  broker_.Wait(std::chrono::seconds(5));
}

void YhteysSystem::Start(const std::string& name, const std::map<std::string, std::string>& start_env) {
  std::map<std::string, std::string> env = {
      {"YHTEYS_SERVER_ADDRESS", "127.0.0.1:" + std::to_string(ports_.at(name))},
      {"YHTEYS_METRICS_ADDRESS", "127.0.0.1:" + std::to_string(metrics_ports_.at(name))},
      {"YHTEYS_REDIS_PORT", std::to_string(redis_.port())},
      {"YHTEYS_KAFKA_BOOTSTRAP_FILE", dir_.path() + "/kafka.bootstrap"},
      {"YHTEYS_PSEUDONYM_KEY_FILE", dir_.path() + "/pseudonym.key"},
      {"YHTEYS_IDENTITY_ACCEPT_TEMPORARY_CODES", "true"},
      {"YHTEYS_SERVER_SHUTDOWN_GRACE_MS", "3000"},
      {"YHTEYS_SERVER_SHUTDOWN_DELAY_MS", "500"},
      {"YHTEYS_KAFKA_FETCH_WAIT_MAX_MS", "20"},
      {"YHTEYS_KAFKA_SESSION_TIMEOUT_MS", "6000"},
  };
  // YHTEYS_ROUTER_* keys (e.g. a test's own service directory) go to the
  // router alone: another service would refuse a key it does not know.
  const bool router = name.starts_with("referral-router");
  for (const auto& [k, v] : env_) {
    if (router || !k.starts_with("YHTEYS_ROUTER_")) env[k] = v;
  }
  for (const auto& [k, v] : start_env) env[k] = v;
  if (auto it = health_ports_.find(name); it != health_ports_.end()) {
    env["YHTEYS_SERVER_HEALTH_ADDRESS"] = "127.0.0.1:" + std::to_string(it->second);
  }
  // Processes run in the test's directory: data files by absolute path.
  if (name == "client-feedback") {
    env["YHTEYS_FEEDBACK_UNITS_FILE"] = std::string(YHTEYS_SOURCE_DIR) + "/services/client-feedback/config/units.yaml";
  }
  std::vector<std::string> argv = {Binary(name)};
  if (name.starts_with("referral-router")) argv.insert(argv.end(), {"--config", dir_.path() + "/router.yaml"});
  processes_[name] = Process(argv, env, dir_.path() + "/" + name + ".log");
  if (!processes_[name].Start()) throw std::runtime_error("cannot start " + name);
}

std::string YhteysSystem::StartSecondInstance(const std::string& service) {
  std::string name = service + "#2";
  if (!ports_.count(name)) {
    ports_[name] = FreePort();
    metrics_ports_[name] = FreePort();
  }
  Start(name);
  return name;
}

bool YhteysSystem::WaitServing(const std::string& name, std::chrono::milliseconds timeout) {
  auto channel = Channel(name);
  return WaitFor(
      [&] {
        auto serving = server::CheckHealth(channel, std::chrono::milliseconds(500));
        return serving.ok() && *serving;
      },
      timeout);
}

void YhteysSystem::Signal(const std::string& name, int sig) { processes_.at(name).Signal(sig); }

int YhteysSystem::WaitExit(const std::string& name, std::chrono::milliseconds timeout) {
  return processes_.at(name).Wait(timeout);
}

std::shared_ptr<grpc::Channel> YhteysSystem::Channel(const std::string& name) {
  return Channel(name, credentials_ ? credentials_ : grpc::InsecureChannelCredentials());
}

std::string YhteysSystem::Bootstrap() const {
  std::ifstream in(dir_.path() + "/kafka.bootstrap");
  std::string line;
  std::getline(in, line);
  return line;
}

std::string YhteysSystem::ReadLog(const std::string& name) const { return ReadFile(dir_.path() + "/" + name + ".log"); }

std::string ScrapeMetrics(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  (void)::write(fd, request.data(), request.size());
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::vector<double> MetricSamples(const std::string& text, const std::string& name,
                                  const std::vector<std::string>& labels) {
  std::vector<double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) continue;
    if (line.size() <= name.size() || (line[name.size()] != '{' && line[name.size()] != ' ')) continue;
    bool all = true;
    for (const auto& l : labels) all = all && line.find(l) != std::string::npos;
    if (!all) continue;
    auto space = line.rfind(' ');
    if (space != std::string::npos) samples.push_back(std::strtod(line.c_str() + space + 1, nullptr));
  }
  return samples;
}

double MetricSum(const std::string& text, const std::string& name, const std::vector<std::string>& labels) {
  double sum = 0;
  for (double v : MetricSamples(text, name, labels)) sum += v;
  return sum;
}

}  // namespace yhteys::testing
