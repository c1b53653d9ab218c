#pragma once
// CloudEvents Kafka protocol binding, binary mode: the event attributes are
// Kafka headers (ce_specversion, ce_id, ce_source, ce_type, ce_time,
// ce_subject) and the record value is the protobuf payload with
// content-type application/protobuf.

#include <librdkafka/rdkafka.h>

#include <string>

#include "absl/status/statusor.h"

namespace yhteys::kafka {

inline constexpr char kSpecVersion[] = "1.0";
inline constexpr char kContentType[] = "application/protobuf";

struct CloudEvent {
  std::string id;
  std::string source;
  std::string type;
  std::string time;
  std::string subject;
  std::string content_type = kContentType;
};

// A new header list carrying `event` (caller owns it until produce succeeds).
rd_kafka_headers_t* ToHeaders(const CloudEvent& event);

// Reads the attributes from a record's headers (may be null). Missing
// ce_specversion, ce_id, ce_source or ce_type is INVALID_ARGUMENT naming the
// header; an unsupported specversion likewise.
absl::StatusOr<CloudEvent> FromHeaders(const rd_kafka_headers_t* headers);

// A header's value, or "" when absent.
std::string HeaderValue(const rd_kafka_headers_t* headers, const char* name);

}  // namespace yhteys::kafka
