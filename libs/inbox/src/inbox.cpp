#include "yhteys/inbox/inbox.hpp"

namespace yhteys::inbox {

Inbox::Inbox(server::Runtime& rt, common::v1::ServiceName service_name, std::string topic)
    : store(rt.redis(), rt.keyspace(),
            {service_name, std::move(topic), rt.event_source(), rt.idempotency_ttl(), rt.store_settings().today}),
      service(store, rt.rpc_env(), &rt.relay()) {}

server::AuditLog::RecordUnitLookup Inbox::EntryOwner() {
  return [this](const std::string& referral_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
    auto entry = store.Get(referral_id);
    if (!entry.ok()) return entry.status();
    return server::AuditLog::RecordOwner{OwnerUnit(*entry), {entry->offer().client_pseudonym()}};
  };
}

}  // namespace yhteys::inbox
