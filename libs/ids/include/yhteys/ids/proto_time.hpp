#pragma once
// The current time as a protobuf Timestamp with sub-second precision
// (protobuf's own TimeUtil::GetCurrentTime keeps whole seconds only).

#include <google/protobuf/timestamp.pb.h>

namespace yhteys::ids {

google::protobuf::Timestamp NowTimestamp();

}  // namespace yhteys::ids
