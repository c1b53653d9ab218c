#pragma once
// Hermetic test fixtures: real child processes (redis-server, the dev
// broker, service binaries) on free loopback ports, librdkafka's mock
// cluster in-process, and polling with a deadline instead of sleeps.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace yhteys::testing {

// A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's
// ephemeral range (so no outgoing connection takes it meanwhile).
int FreePort();

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// A certificate authority for tests, made with the openssl command line in
// `dir`: a CA, and certificates it signs (EC P-256, one day). Throws
// std::runtime_error when openssl fails.
class TestCa {
 public:
  struct Issued {
    std::string cert_file;
    std::string key_file;
  };
  explicit TestCa(std::string dir, std::string name = "ca");
  const std::string& ca_file() const { return ca_file_; }
  // A certificate named `name` with the subjectAltName entries `san`
  // (e.g. "URI:spiffe://test.fi/role/router" or "IP:127.0.0.1").
  Issued Issue(const std::string& name, const std::string& san) const;

 private:
  std::string dir_;
  std::string name_;
  std::string ca_file_;
  std::string ca_key_;
};

// A child process; killed with SIGKILL by the destructor if still running.
class Process {
 public:
  Process() = default;
  Process(std::vector<std::string> argv, std::map<std::string, std::string> env, std::string log_path);
  ~Process();
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;

  bool Start();
  void Signal(int sig);
  // Waits for exit; returns the exit status as from waitpid, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

 private:
  std::vector<std::string> argv_;
  std::map<std::string, std::string> env_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// Polls `condition` every 10 ms until true or `timeout`.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// The real redis-server, on a free port, data in its own directory.
class RedisServer {
 public:
  explicit RedisServer(bool append_only = true);
  ~RedisServer();
  // Starts (or restarts on the same port and directory); waits for PING.
  bool Start();
  // Starts with further redis-server arguments; waits until it accepts
  // connections, and for PING too only if `wait_until_loaded`.
  bool Start(const std::vector<std::string>& extra_args, bool wait_until_loaded);
  const std::string& dir() const { return dir_.path(); }
  void Kill();    // SIGKILL
  void Stop();    // SIGTERM and wait
  void Pause();   // SIGSTOP
  void Resume();  // SIGCONT
  int port() const { return port_; }

 private:
  TempDir dir_;
  bool append_only_;
  int port_;
  Process process_;
};

// librdkafka's mock cluster inside the test process.
class MockKafka {
 public:
  explicit MockKafka(int brokers = 3);
  ~MockKafka();
  const std::string& bootstrap() const { return bootstrap_; }
  void CreateTopic(const std::string& topic, int partitions = 3);
  void SetAllBrokersDown(bool down);
  rd_kafka_mock_cluster_t* cluster() { return cluster_; }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
  int brokers_;
};

struct ReadRecord {
  std::string topic;
  int32_t partition;
  int64_t offset;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads every record of `topics` from the beginning with a plain consumer
// (no group) until `expected` records were read or `timeout` passed.
std::vector<ReadRecord> ReadAll(const std::string& bootstrap, const std::vector<std::string>& topics, size_t expected,
                                std::chrono::milliseconds timeout);

// Produces one record synchronously; headers are added in the given order.
bool ProduceRecord(const std::string& bootstrap, const std::string& topic, const std::string& key,
                   const std::string& value, const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace yhteys::testing
