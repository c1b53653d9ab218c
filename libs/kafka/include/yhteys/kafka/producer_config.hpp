#pragma once
// librdkafka configuration shared by the producers and consumers.

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace yhteys::kafka {

// enable.idempotence=true (which implies acks=all and at most 5 requests in
// flight), a few ms of linger for batching, and the Java-compatible murmur2
// partitioner so that every client puts a pseudonym in the same partition.
std::map<std::string, std::string> IdempotentProducerConfig(const std::string& bootstrap, const std::string& client_id);

// Builds an rd_kafka_conf_t; an invalid property is INVALID_ARGUMENT naming it.
absl::StatusOr<rd_kafka_conf_t*> MakeConf(const std::map<std::string, std::string>& properties);

}  // namespace yhteys::kafka
