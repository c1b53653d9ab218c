#pragma once
// An event a decision emits: the message and its Kafka partition key. Plain
// data with no Redis in it, so that decision functions (pure: state and
// command in, new state and events out) can return events without depending
// on a store; the store publishes them with AtomicStep::Publish.

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace yhteys::redis {

struct Emitted {
  std::shared_ptr<const google::protobuf::Message> message;
  std::string key;  // partition key and ce_subject
};

template <typename Event>
Emitted Emit(Event event, std::string key) {
  return Emitted{std::make_shared<Event>(std::move(event)), std::move(key)};
}

// The event of type `Event` at `index` of `events`, or nullptr (for tests).
template <typename Event>
const Event* EmittedAs(const std::vector<Emitted>& events, size_t index = 0) {
  if (index >= events.size()) return nullptr;
  return dynamic_cast<const Event*>(events[index].message.get());
}

}  // namespace yhteys::redis
