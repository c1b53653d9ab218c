#pragma once
// The whole Yhteys system as real processes for end-to-end tests: a
// redis-server, yhteys-dev-broker and the five services on free loopback
// ports, in a temporary directory that holds configs, keys and logs.
// Services can be killed, stopped and restarted on the same ports.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "yhteys/testing/fixtures.hpp"

namespace yhteys::testing {

// Channel credentials that trust `ca_file` and present `client` (mutual TLS).
std::shared_ptr<grpc::ChannelCredentials> MtlsCredentials(const std::string& ca_file, const TestCa::Issued& client);

class YhteysSystem {
 public:
  static const std::vector<std::string>& AllServices();

  // Starts Redis, the broker and `services` (all five by default) and waits
  // until each is SERVING. Throws std::runtime_error if something does not
  // come up.
  // `env` adds or overrides YHTEYS_* settings for every service (e.g. a
  // short server.shutdown_delay_ms for a fault test); YHTEYS_ROUTER_* ones
  // for the router alone (e.g. YHTEYS_ROUTER_DIRECTORY_DIR, a test's own
  // service directory).
  explicit YhteysSystem(std::vector<std::string> services = AllServices(), std::map<std::string, std::string> env = {});

  // The production shape: every service serves mTLS with certificates from
  // a test CA made at start (TestCa), the router offers referrals with its
  // own certificate (role router), and Channel() connects as an operator.
  struct MutualTls {};
  YhteysSystem(MutualTls, std::vector<std::string> services = AllServices(),
               std::map<std::string, std::string> env = {});
  // Under MutualTls: the CA, and a channel to `service` that presents a
  // certificate with the given SAN (e.g. "URI:spiffe://test.fi/role/homecare-nurse/unit/hc-lahti-1").
  const TestCa& ca() const { return *ca_; }
  // Under MutualTls each service also serves grpc.health.v1 alone on a
  // plaintext port (server.health_address), as for Kubernetes probes.
  int HealthPort(const std::string& service) const { return health_ports_.at(service); }
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& service, const std::string& san);
  std::shared_ptr<grpc::Channel> Channel(const std::string& service,
                                         const std::shared_ptr<grpc::ChannelCredentials>& credentials);
  ~YhteysSystem();

  // Starts a service (again) on its port; returns when the process runs.
  // `env` adds or overrides YHTEYS_* settings for this start only.
  void Start(const std::string& service, const std::map<std::string, std::string>& env = {});
  // A second instance of `service` ("<service>#2") on ports of its own, in
  // the same consumer group: for rebalances. Signal/WaitExit/Channel take
  // the instance name.
  std::string StartSecondInstance(const std::string& service);
  // Waits until the service reports SERVING.
  bool WaitServing(const std::string& service, std::chrono::milliseconds timeout);
  void Signal(const std::string& service, int sig);
  // Waits for the process to exit; returns its wait status, -1 on timeout.
  int WaitExit(const std::string& service, std::chrono::milliseconds timeout);

  // The dev broker on its fixed ports: killed (SIGKILL), and started again
  // as an empty cluster on the same ports.
  void KillBroker();
  void StartBroker();
  // Every broker down (connections refused) or up again, data kept.
  void SetBrokersDown(bool down);

  std::shared_ptr<grpc::Channel> Channel(const std::string& service);
  std::string Bootstrap() const;
  std::string ReadLog(const std::string& service) const;
  int MetricsPort(const std::string& service) const { return metrics_ports_.at(service); }
  int Port(const std::string& service) const { return ports_.at(service); }
  RedisServer& redis() { return redis_; }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  RedisServer redis_;
  Process broker_;
  std::string broker_ports_;
  std::map<std::string, int> ports_;
  std::map<std::string, int> metrics_ports_;
  std::map<std::string, Process> processes_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<TestCa> ca_;
  std::map<std::string, int> health_ports_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;  // nullptr: plaintext

  void Init(const std::vector<std::string>& services, const std::string& router_tls);
};

// GET http://127.0.0.1:<port>/metrics, or "" on failure.
std::string ScrapeMetrics(int port);

// The values of the samples of metric `name` in a /metrics text whose line
// contains every one of `labels` (e.g. `state="CREATED"`).
std::vector<double> MetricSamples(const std::string& text, const std::string& name,
                                  const std::vector<std::string>& labels = {});
// Their sum; 0 when there is none.
double MetricSum(const std::string& text, const std::string& name, const std::vector<std::string>& labels = {});

}  // namespace yhteys::testing
