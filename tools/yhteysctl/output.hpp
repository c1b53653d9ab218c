#pragma once
// What yhteysctl prints: an answer as JSON (or one field of it, --get), and
// its own errors.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

namespace yhteysctl {

// "yhteysctl: <message>" on stderr, and exit code 2 (a usage error).
[[noreturn]] void Fail(const std::string& message);

// The message as JSON with the proto field names (snake_case).
std::string ToJson(const google::protobuf::Message& message);

// Prints the answer, or with `get` one field of it (dotted path, e.g.
// offer.statutory_deadline.due_date); 0. A failed call: its status on
// stderr, 1.
int Print(const std::optional<std::string>& get, const grpc::Status& status, const google::protobuf::Message& message);

}  // namespace yhteysctl
