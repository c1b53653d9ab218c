#include "fill_unset.hpp"

namespace yhteys::proto {

void FillUnset(google::protobuf::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_repeated() || field->real_containing_oneof() != nullptr) continue;
    if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      FillUnset(*reflection->MutableMessage(&message, field));
      continue;
    }
    if (!field->has_presence() || reflection->HasField(message, field)) continue;
    switch (field->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_INT32: reflection->SetInt32(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_INT64: reflection->SetInt64(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_UINT32: reflection->SetUInt32(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_UINT64: reflection->SetUInt64(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE: reflection->SetDouble(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_FLOAT: reflection->SetFloat(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_BOOL: reflection->SetBool(&message, field, false); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_ENUM: reflection->SetEnumValue(&message, field, 0); break;
      case google::protobuf::FieldDescriptor::CPPTYPE_STRING: reflection->SetString(&message, field, ""); break;
      default: break;
    }
  }
}

}  // namespace yhteys::proto
