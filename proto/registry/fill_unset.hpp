#pragma once
// Sets every unset singular field of `message`, recursively through its
// sub-messages, to its zero value (0, false, "", the first enum value). For
// clients that send a complete form whose unanswered items mean "no
// problem" (interRAI codes 0): yhteysctl, the benchmark driver, tests.

#include <google/protobuf/message.h>

namespace yhteys::proto {

void FillUnset(google::protobuf::Message& message);

}  // namespace yhteys::proto
