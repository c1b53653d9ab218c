// yhteys-dev-broker: a development Kafka cluster on loopback.
//
// Hosts librdkafka's mock cluster (it speaks the Kafka wire protocol, so any
// Kafka client works against it: the services, kcat, a Java consumer),
// creates the Yhteys topics and their dead-letter topics, prints the
// bootstrap address (and writes it to --bootstrap-file), and runs until
// SIGTERM or SIGINT. Data lives in memory only.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

const std::vector<std::string> kTopics = {
    "yhteys.familycentre.events.v1", "yhteys.homecare.events.v1", "yhteys.mentalhealth.events.v1",
    "yhteys.feedback.events.v1",     "yhteys.referrals.events.v1", "yhteys.audit.v1",
};
// Topics that have consumers, and so dead-letter topics.
const std::vector<std::string> kConsumed = {
    "yhteys.familycentre.events.v1", "yhteys.homecare.events.v1", "yhteys.mentalhealth.events.v1",
    "yhteys.feedback.events.v1",     "yhteys.referrals.events.v1",
};

void Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--brokers N] [--partitions N] [--bootstrap-file PATH]\n"
               "Runs librdkafka's mock Kafka cluster on loopback with the Yhteys topics.\n",
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

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
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
  for (const auto& topic : kTopics) rd_kafka_mock_topic_create(cluster, topic.c_str(), partitions, replication);
  for (const auto& topic : kConsumed) {
    std::string dlq = topic + ".dlq";
    rd_kafka_mock_topic_create(cluster, dlq.c_str(), 1, replication);
  }
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
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

  int sig = 0;
  sigwait(&signals, &sig);
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  if (!bootstrap_file.empty()) std::remove(bootstrap_file.c_str());
  std::printf("{\"msg\":\"dev broker stopped\"}\n");
  return 0;
}
