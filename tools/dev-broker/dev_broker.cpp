// yhteys-dev-broker: a development Kafka cluster on loopback.
//
// Hosts librdkafka's mock cluster (it speaks the Kafka wire protocol, so any
// Kafka client works against it: the services, kcat, a Java consumer),
// creates the Yhteys topics and their dead-letter topics, prints the
// bootstrap address (and writes it to --bootstrap-file), and runs until
// SIGTERM or SIGINT. Data lives in memory only: a restarted dev broker is an
// empty cluster (topics re-created, no records, no committed offsets).
//
// With --ports the brokers listen on those fixed loopback ports, so a
// restarted dev broker keeps its addresses and running services reconnect
// by themselves. SIGUSR1 takes all brokers down (an outage that keeps the
// data), SIGUSR2 brings them back. librdkafka's mock cluster has no port setting (it binds
// port 0), so this binary interposes bind(): the mock brokers' port-0
// loopback binds, in broker order, get the configured ports.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "yhteys/kafka/topics.hpp"

namespace {

// Fixed ports for the mock brokers' listeners, handed out in bind order.
std::vector<int> g_fixed_ports;
std::atomic<size_t> g_next_fixed_port{0};

}  // namespace

// The bind() librdkafka's mock brokers call (this executable's definition is
// found before libc's). Rewrites only an IPv4 loopback bind to port 0 while
// fixed ports remain, and sets SO_REUSEADDR so that a restart can bind again
// while old connections sit in TIME_WAIT.
extern "C" int bind(int fd, const struct sockaddr* addr, socklen_t len) {
  using BindFn = int (*)(int, const struct sockaddr*, socklen_t);
  static BindFn real_bind = reinterpret_cast<BindFn>(dlsym(RTLD_NEXT, "bind"));
  if (addr != nullptr && addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, addr, sizeof in);
    if (in.sin_port == 0 && in.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
      size_t i = g_next_fixed_port.fetch_add(1);
      if (i < g_fixed_ports.size()) {
        in.sin_port = htons(static_cast<uint16_t>(g_fixed_ports[i]));
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        return real_bind(fd, reinterpret_cast<const sockaddr*>(&in), sizeof in);
      }
    }
  }
  return real_bind(fd, addr, len);
}

namespace {

bool ParsePorts(const std::string& text, std::vector<int>* ports) {
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    long port = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || port < 1 || port > 65535) return false;
    ports->push_back(static_cast<int>(port));
  }
  return !ports->empty();
}

void Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--brokers N] [--partitions N] [--ports P1,P2,...] [--bootstrap-file PATH]\n"
               "Runs librdkafka's mock Kafka cluster on loopback with the Yhteys topics.\n"
               "--ports: one fixed port per broker (default: free ports chosen by the system).\n"
               "Data is in memory only: a restart is an empty cluster on the same ports.\n",
               argv0);
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  int partitions = 6;
  std::string bootstrap_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (arg == "--partitions" && i + 1 < argc) {
      partitions = std::atoi(argv[++i]);
    } else if (arg == "--ports" && i + 1 < argc) {
      if (!ParsePorts(argv[++i], &g_fixed_ports)) {
        std::fprintf(stderr, "dev-broker: --ports must be a comma-separated list of ports\n");
        return 2;
      }
    } else if (arg == "--bootstrap-file" && i + 1 < argc) {
      bootstrap_file = argv[++i];
    } else {
      Usage(argv[0]);
      return 2;
    }
  }
  if (brokers < 1 || brokers > 9 || partitions < 1 || partitions > 64) {
    std::fprintf(stderr, "dev-broker: --brokers must be 1..9 and --partitions 1..64\n");
    return 2;
  }
  if (!g_fixed_ports.empty() && static_cast<int>(g_fixed_ports.size()) != brokers) {
    std::fprintf(stderr, "dev-broker: --ports names %zu ports for %d brokers\n", g_fixed_ports.size(), brokers);
    return 2;
  }

  // A client that disconnects while a mock broker writes to it must not
  // kill the whole cluster (seen when every service reconnected at once).
  signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (handle == nullptr) {
    std::fprintf(stderr, "dev-broker: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, brokers);
  if (cluster == nullptr) {
    std::fprintf(stderr, "dev-broker: cannot create the mock cluster\n");
    return 1;
  }
  int replication = brokers < 3 ? brokers : 3;
  // Every topic of Yhteys, and (each having consumers) its dead-letter topic.
  for (std::string_view name : yhteys::kafka::topics::kAll) {
    const std::string topic(name);
    rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, replication);
    if (yhteys::kafka::topics::HasDeadLetter(topic)) {
      rd_kafka_mock_topic_create(cluster, yhteys::kafka::topics::DeadLetter(topic).c_str(), 1, replication);
    }
  }
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  // A fixed port that could not be bound (in use) leaves the broker on no
  // port at all: say so rather than run a cluster nobody can reach.
  for (int port : g_fixed_ports) {
    if (bootstrap.find(":" + std::to_string(port)) == std::string::npos) {
      std::fprintf(stderr, "dev-broker: cannot listen on 127.0.0.1:%d (in use?); bootstrap is %s\n", port,
                   bootstrap.c_str());
      return 1;
    }
  }
  if (!bootstrap_file.empty()) {
    std::string tmp = bootstrap_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << bootstrap << "\n";
      if (!out) {
        std::fprintf(stderr, "dev-broker: cannot write %s\n", bootstrap_file.c_str());
        return 1;
      }
    }
    std::rename(tmp.c_str(), bootstrap_file.c_str());
  }
  std::printf("{\"msg\":\"dev broker ready\",\"bootstrap\":\"%s\",\"brokers\":%d,\"partitions\":%d}\n",
              bootstrap.c_str(), brokers, partitions);
  std::fflush(stdout);

  // SIGUSR1 takes every broker down (connections refused, as in an
  // outage), SIGUSR2 brings them back with their data: fault tests use it.
  int sig = 0;
  while (true) {
    sigwait(&signals, &sig);
    if (sig != SIGUSR1 && sig != SIGUSR2) break;
    for (int id = 1; id <= brokers; ++id) {
      if (sig == SIGUSR1)
        rd_kafka_mock_broker_set_down(cluster, id);
      else
        rd_kafka_mock_broker_set_up(cluster, id);
    }
    std::printf("{\"msg\":\"dev broker %s\"}\n", sig == SIGUSR1 ? "brokers down" : "brokers up");
    std::fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  if (!bootstrap_file.empty()) std::remove(bootstrap_file.c_str());
  std::printf("{\"msg\":\"dev broker stopped\"}\n");
  return 0;
}
