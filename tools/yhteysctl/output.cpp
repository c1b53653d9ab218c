#include "output.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace yhteysctl {

void Fail(const std::string& message) {
  std::fprintf(stderr, "yhteysctl: %s\n", message.c_str());
  std::exit(2);
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

int Print(const std::optional<std::string>& get, const grpc::Status& status, const google::protobuf::Message& message) {
  if (!status.ok()) {
    std::fprintf(stderr, "yhteysctl: %d %s\n", static_cast<int>(status.error_code()), status.error_message().c_str());
    return 1;
  }
  if (!get.has_value()) {
    std::printf("%s\n", ToJson(message).c_str());
    return 0;
  }
  const google::protobuf::Message* current = &message;
  std::stringstream path(*get);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(path, part, '.')) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) Fail("--get: no field " + parts[i]);
    const auto* refl = current->GetReflection();
    if (field->is_repeated()) Fail("--get: " + parts[i] + " is a list");
    if (i + 1 < parts.size()) {
      current = &refl->GetMessage(*current, field);
      continue;
    }
    using FD = google::protobuf::FieldDescriptor;
    switch (field->cpp_type()) {
      case FD::CPPTYPE_STRING: std::printf("%s\n", refl->GetString(*current, field).c_str()); break;
      case FD::CPPTYPE_INT32: std::printf("%d\n", refl->GetInt32(*current, field)); break;
      case FD::CPPTYPE_INT64: std::printf("%lld\n", static_cast<long long>(refl->GetInt64(*current, field))); break;
      case FD::CPPTYPE_BOOL: std::printf("%s\n", refl->GetBool(*current, field) ? "true" : "false"); break;
      case FD::CPPTYPE_ENUM: std::printf("%s\n", refl->GetEnum(*current, field)->name().c_str()); break;
      case FD::CPPTYPE_MESSAGE: std::printf("%s\n", ToJson(refl->GetMessage(*current, field)).c_str()); break;
      default: Fail("--get: unsupported field type");
    }
  }
  return 0;
}

}  // namespace yhteysctl
