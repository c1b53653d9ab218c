#include "yhteys/kafka/cloud_event.hpp"

#include "absl/status/status.h"

namespace yhteys::kafka {

rd_kafka_headers_t* ToHeaders(const CloudEvent& event) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(7);
  auto add = [&](const char* name, const std::string& value) {
    rd_kafka_header_add(headers, name, -1, value.data(), static_cast<ssize_t>(value.size()));
  };
  add("ce_specversion", kSpecVersion);
  add("ce_id", event.id);
  add("ce_source", event.source);
  add("ce_type", event.type);
  if (!event.time.empty()) add("ce_time", event.time);
  if (!event.subject.empty()) add("ce_subject", event.subject);
  add("content-type", event.content_type);
  return headers;
}

std::string HeaderValue(const rd_kafka_headers_t* headers, const char* name) {
  if (headers == nullptr) return "";
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR || value == nullptr) {
    return "";
  }
  return std::string(static_cast<const char*>(value), size);
}

absl::StatusOr<CloudEvent> FromHeaders(const rd_kafka_headers_t* headers) {
  CloudEvent event;
  std::string spec = HeaderValue(headers, "ce_specversion");
  if (spec.empty()) return absl::InvalidArgumentError("header ce_specversion: missing");
  if (spec != kSpecVersion) return absl::InvalidArgumentError("header ce_specversion: unsupported version");
  event.id = HeaderValue(headers, "ce_id");
  if (event.id.empty()) return absl::InvalidArgumentError("header ce_id: missing");
  event.source = HeaderValue(headers, "ce_source");
  if (event.source.empty()) return absl::InvalidArgumentError("header ce_source: missing");
  event.type = HeaderValue(headers, "ce_type");
  if (event.type.empty()) return absl::InvalidArgumentError("header ce_type: missing");
  event.time = HeaderValue(headers, "ce_time");
  event.subject = HeaderValue(headers, "ce_subject");
  std::string content_type = HeaderValue(headers, "content-type");
  if (!content_type.empty()) event.content_type = content_type;
  return event;
}

}  // namespace yhteys::kafka
