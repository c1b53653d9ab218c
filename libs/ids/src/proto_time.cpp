#include "yhteys/ids/proto_time.hpp"

#include <chrono>

namespace yhteys::ids {

google::protobuf::Timestamp NowTimestamp() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - seconds);
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds.count());
  ts.set_nanos(static_cast<int32_t>(nanos.count()));
  return ts;
}

}  // namespace yhteys::ids
