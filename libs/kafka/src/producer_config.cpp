#include "yhteys/kafka/producer_config.hpp"

#include "absl/status/status.h"

namespace yhteys::kafka {

std::map<std::string, std::string> IdempotentProducerConfig(const std::string& bootstrap,
                                                            const std::string& client_id) {
  return {
      {"bootstrap.servers", bootstrap},
      {"client.id", client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"message.timeout.ms", "30000"},
      {"partitioner", "murmur2_random"},
  };
}

absl::StatusOr<rd_kafka_conf_t*> MakeConf(const std::map<std::string, std::string>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return absl::InvalidArgumentError("kafka property " + name + ": " + err);
    }
  }
  return conf;
}

}  // namespace yhteys::kafka
