#include "yhteys/testing/fixtures.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace yhteys::testing {

namespace {

// The low end of the kernel's ephemeral port range (ip_local_port_range,
// 32768 by default).
int EphemeralLow() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  if (!(range >> low) || low < 12000) low = 32768;
  return low;
}

bool CanBind(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

// Not a port bind(0) hands out: those come from the ephemeral range, where
// any outgoing connection (a Redis or Kafka client of a test running beside
// this one) may take the port before the service binds it ("Address already
// in use"). A random port of the 10000 below that range instead, free now,
// and never the same one twice in this process.
int FreePort() {
  static std::mutex mutex;
  static std::set<int> handed_out;
  static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::lock_guard<std::mutex> lock(mutex);
  const int high = EphemeralLow() - 1;
  std::uniform_int_distribution<int> pick(high - 10000, high);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(random);
    if (handed_out.count(port) == 0 && CanBind(port)) {
      handed_out.insert(port);
      return port;
    }
  }
  throw std::runtime_error("FreePort: no free port below the ephemeral range");
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "yhteys-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> env, std::string log_path)
    : argv_(std::move(argv)), env_(std::move(env)), log_path_(std::move(log_path)) {}

Process::~Process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

Process::Process(Process&& other) noexcept { *this = std::move(other); }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    argv_ = std::move(other.argv_);
    env_ = std::move(other.env_);
    log_path_ = std::move(other.log_path_);
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

bool Process::Start() {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::setpgid(0, 0);
    if (!log_path_.empty()) {
      int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
      }
    }
    // Hermetic: the services read YHTEYS_* as configuration, so none leaks
    // in from the shell that runs the tests; only what the test sets.
    std::vector<std::string> inherited;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view entry(*e);
      if (entry.starts_with("YHTEYS_")) inherited.emplace_back(entry.substr(0, entry.find('=')));
    }
    for (const auto& name : inherited) ::unsetenv(name.c_str());
    for (const auto& [k, v] : env_) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
  pid_ = pid;
  return true;
}

void Process::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Process::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

bool Process::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

RedisServer::RedisServer(bool append_only) : append_only_(append_only), port_(FreePort()) {
  if (!Start()) throw std::runtime_error("redis-server did not start");
}

RedisServer::~RedisServer() { Kill(); }

bool RedisServer::Start() { return Start({}, true); }

bool RedisServer::Start(const std::vector<std::string>& extra_args, bool wait_until_loaded) {
  std::vector<std::string> argv = {"redis-server",
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   dir_.path(),
                                   "--save",
                                   "",
                                   "--appendonly",
                                   append_only_ ? "yes" : "no",
                                   "--appendfsync",
                                   "always",
                                   "--protected-mode",
                                   "no",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir_.path() + "/redis.log"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = Process(argv, {}, dir_.path() + "/redis.stdout");
  if (!process_.Start()) return false;
  return WaitFor(
      [&] {
        timeval tv{0, 200000};
        redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
        bool ok = false;
        if (c != nullptr && c->err == 0) {
          auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
          ok = r != nullptr && (r->type == REDIS_REPLY_STATUS || !wait_until_loaded);
          if (r) freeReplyObject(r);
        }
        if (c) redisFree(c);
        return ok;
      },
      std::chrono::seconds(10));
}

void RedisServer::Kill() {
  process_.Signal(SIGKILL);
  process_.Wait(std::chrono::seconds(5));
}

void RedisServer::Stop() {
  process_.Signal(SIGTERM);
  process_.Wait(std::chrono::seconds(10));
}

void RedisServer::Pause() { process_.Signal(SIGSTOP); }
void RedisServer::Resume() { process_.Signal(SIGCONT); }

MockKafka::MockKafka(int brokers) : brokers_(brokers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[256];
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (handle_ == nullptr) throw std::runtime_error(err);
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) throw std::runtime_error("mock cluster failed");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

MockKafka::~MockKafka() {
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_) rd_kafka_destroy(handle_);
}

void MockKafka::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, brokers_ < 3 ? brokers_ : 3);
}

void MockKafka::SetAllBrokersDown(bool down) {
  for (int id = 1; id <= brokers_; ++id) {
    if (down)
      rd_kafka_mock_broker_set_down(cluster_, id);
    else
      rd_kafka_mock_broker_set_up(cluster_, id);
  }
}

std::vector<ReadRecord> ReadAll(const std::string& bootstrap, const std::vector<std::string>& topics, size_t expected,
                                std::chrono::milliseconds timeout) {
  std::vector<ReadRecord> records;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[256];
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", "yhteys-test-reader", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) return records;
  // Assign every partition from the beginning (no group coordination).
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(16);
  for (const auto& topic : topics) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
      for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
        rd_kafka_topic_partition_list_add(assignment, topic.c_str(), md->topics[0].partitions[p].id)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
      }
    }
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
  }
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (records.size() < expected && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 100);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ReadRecord r;
      r.topic = rd_kafka_topic_name(msg->rkt);
      r.partition = msg->partition;
      r.offset = msg->offset;
      if (msg->key) r.key.assign(static_cast<const char*>(msg->key), msg->key_len);
      if (msg->payload) r.value.assign(static_cast<const char*>(msg->payload), msg->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers[name] = value ? std::string(static_cast<const char*>(value), size) : "";
        }
      }
      records.push_back(std::move(r));
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return records;
}

bool ProduceRecord(const std::string& bootstrap, const std::string& topic, const std::string& key,
                   const std::string& value, const std::vector<std::pair<std::string, std::string>>& headers) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[256];
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) return false;
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size() + 1);
  for (const auto& [k, v] : headers) rd_kafka_header_add(hdrs, k.c_str(), -1, v.data(), static_cast<ssize_t>(v.size()));
  rd_kafka_resp_err_t e = rd_kafka_producev(
      rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
      RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_headers_destroy(hdrs);
  bool ok = e == RD_KAFKA_RESP_ERR_NO_ERROR && rd_kafka_flush(rk, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_destroy(rk);
  return ok;
}

}  // namespace yhteys::testing

namespace yhteys::testing {
namespace {

void Run(const std::string& cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TestCa::TestCa(std::string dir, std::string name) : dir_(std::move(dir)), name_(std::move(name)) {
  ca_file_ = dir_ + "/" + name_ + ".pem";
  ca_key_ = dir_ + "/" + name_ + ".key";
  Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=" + name_ +
      " -keyout " + ca_key_ + " -out " + ca_file_);
}

TestCa::Issued TestCa::Issue(const std::string& name, const std::string& san) const {
  Issued out{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  const std::string csr = dir_ + "/" + name + ".csr";
  const std::string ext = dir_ + "/" + name + ".ext";
  Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + name + " -keyout " +
      out.key_file + " -out " + csr);
  {
    std::ofstream(ext) << "subjectAltName=" << san << "\nbasicConstraints=CA:FALSE\n"
                       << "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n";
  }
  Run("openssl x509 -req -in " + csr + " -CA " + ca_file_ + " -CAkey " + ca_key_ + " -CAcreateserial -days 1 -out " +
      out.cert_file + " -extfile " + ext);
  return out;
}

}  // namespace yhteys::testing
