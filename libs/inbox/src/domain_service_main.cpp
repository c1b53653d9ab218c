#include "yhteys/inbox/domain_service_main.hpp"

#include "yhteys/calendar/clock.hpp"
#include "yhteys/inbox/inbox_service.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::inbox {

int RunDomainService(const DomainService& domain, int argc, char** argv, const Extension& extend) {
  calendar::UseFinnishTimeZoneUnlessSet();
  auto runtime = server::Runtime::Create(domain.spec, argc, argv);
  if (!runtime.ok()) {
    log::SetService(domain.spec.name);
    log::Error("cannot start", {{"error", std::string(runtime.status().message())}});
    return 2;
  }
  server::Runtime& rt = **runtime;
  InboxStore store(rt.redis(), rt.keyspace(), {domain.service, domain.topic, rt.event_source(), rt.idempotency_ttl()});
  InboxService inbox(store, rt.rpc_env(), &rt.relay());
  rt.AddService(&inbox);
  // An entry a unit has taken in is that unit's (an offer is the service's until then).
  rt.AddRecordUnitLookup(
      "yhteys.referral.v1.ReferralInbox",
      [&store](const std::string& referral_id) -> absl::StatusOr<server::AuditLog::RecordOwner> {
        auto entry = store.Get(referral_id);
        if (!entry.ok()) return entry.status();
        return server::AuditLog::RecordOwner{entry->handled_by_unit(), {entry->offer().client_pseudonym()}};
      });
  std::shared_ptr<void> extension;
  if (extend) {
    extension = extend(rt);
    if (!extension) return 2;
  }
  return rt.Run();
}

}  // namespace yhteys::inbox
