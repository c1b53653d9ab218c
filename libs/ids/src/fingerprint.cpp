#include "yhteys/ids/fingerprint.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>

#include "yhteys/ids/ids.hpp"

namespace yhteys::ids {

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* field = copy->GetDescriptor()->FindFieldByName("idempotency_key");
  if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);
  return Sha256Hex(copy->GetDescriptor()->full_name() + "\n" + SerializeDeterministic(*copy));
}

}  // namespace yhteys::ids
