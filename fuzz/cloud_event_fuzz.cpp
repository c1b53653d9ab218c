// libFuzzer target: a consumed Kafka record as the services decode it
// (libs/kafka cloud_event: CloudEvents binary mode, then the protobuf value
// looked up by ce_type in the generated descriptor pool, as the referral
// router's EventHandler and `yhteysctl tail` do).
//
// Input format (text-friendly, so the seeds in fuzz/corpus/cloud_event are
// readable): header lines "name=value" (a line without '=' is a header with
// a null value) up to the first empty line; every byte after it is the
// record value. Without an empty line the record has a null value (a
// tombstone), which the consumer dead-letters before any handler sees it.
//
// Checked: FromHeaders never crashes; what it accepts has the required
// attributes and spec version 1.0 and survives ToHeaders/FromHeaders
// unchanged; a payload of a known type decodes or is refused, and a decoded
// message can be walked by reflection (what the router's rules do).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "all_contracts.hpp"
#include "yhteys/kafka/cloud_event.hpp"

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "cloud_event_fuzz: broken promise: %s\n", what);
    std::abort();
  }
}

struct Record {
  rd_kafka_headers_t* headers = nullptr;
  std::optional<std::string> value;  // nullopt: a null value
};

Record Split(std::string_view input) {
  Record record;
  record.headers = rd_kafka_headers_new(8);
  while (!input.empty()) {
    const std::size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
    if (line.empty()) {
      record.value = std::string(input);
      break;
    }
    const std::size_t eq = line.find('=');
    const std::string_view name = line.substr(0, eq);
    if (eq == std::string_view::npos) {
      rd_kafka_header_add(record.headers, name.data(), static_cast<ssize_t>(name.size()), nullptr, 0);
    } else {
      const std::string_view value = line.substr(eq + 1);
      rd_kafka_header_add(record.headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                          static_cast<ssize_t>(value.size()));
    }
  }
  return record;
}

bool SameEvent(const yhteys::kafka::CloudEvent& a, const yhteys::kafka::CloudEvent& b) {
  return a.id == b.id && a.source == b.source && a.type == b.type && a.time == b.time && a.subject == b.subject &&
         a.content_type == b.content_type;
}

// Reads every set field, recursively, the way the router's rules read
// fields by path (bounded: protobuf itself limits nesting to 100).
std::size_t Walk(const Message& message, int depth) {
  std::size_t seen = 0;
  if (depth > 100) return seen;
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(message, f) : 1;
    for (int i = 0; i < n; ++i) {
      ++seen;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          seen += Walk(f->is_repeated() ? r->GetRepeatedMessage(message, f, i) : r->GetMessage(message, f), depth + 1);
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          seen += (f->is_repeated() ? r->GetRepeatedString(message, f, i) : r->GetString(message, f)).size() > 0;
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          seen += (f->is_repeated() ? r->GetRepeatedEnumValue(message, f, i) : r->GetEnumValue(message, f)) != 0;
          break;
        default: break;
      }
    }
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  yhteys::proto::LinkAllContracts();
  // Protobuf logs each refused payload (e.g. invalid UTF-8); fatal errors
  // still abort.
  google::protobuf::SetLogHandler(nullptr);
  // A record without any headers (rd_kafka_message_headers gives null).
  Check(!yhteys::kafka::FromHeaders(nullptr).ok(), "no headers is not an event");
  Check(yhteys::kafka::HeaderValue(nullptr, "ce_id").empty(), "no headers, no value");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Record record = Split(std::string_view(reinterpret_cast<const char*>(data), size));

  for (const char* name :
       {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type", ""}) {
    (void)yhteys::kafka::HeaderValue(record.headers, name);
  }
  auto event = yhteys::kafka::FromHeaders(record.headers);
  rd_kafka_headers_destroy(record.headers);
  if (!event.ok()) {
    Check(event.status().code() == absl::StatusCode::kInvalidArgument, "header errors are INVALID_ARGUMENT");
    Check(std::string(event.status().message()).starts_with("header "), "header errors name the header");
    return 0;
  }
  Check(!event->id.empty() && !event->source.empty() && !event->type.empty(), "required attributes are present");
  Check(!event->content_type.empty(), "content type defaults");

  // What a consumer accepted, a producer writes back the same.
  rd_kafka_headers_t* again = yhteys::kafka::ToHeaders(*event);
  auto round_trip = yhteys::kafka::FromHeaders(again);
  rd_kafka_headers_destroy(again);
  Check(round_trip.ok() && SameEvent(*event, *round_trip), "ToHeaders/FromHeaders round trip");

  if (!record.value) return 0;  // null value: dead-lettered, never decoded

  // The router's and yhteysctl's decoding: the message named by ce_type.
  const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(event->type);
  if (type == nullptr) return 0;  // unknown type: dead-lettered
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  Check(prototype != nullptr, "a known type has a prototype");
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromString(*record.value)) return 0;  // undecodable: dead-lettered
  (void)Walk(*message, 0);
  // What decoded re-encodes and decodes to the same message.
  std::unique_ptr<Message> copy(prototype->New());
  Check(copy->ParseFromString(message->SerializeAsString()), "a decoded event re-encodes");
  Check(copy->ByteSizeLong() == message->ByteSizeLong(), "re-encoding keeps the size");
  return 0;
}
