#pragma once
// The ReferralInbox every domain service hosts: the referral router's offers
// to this service, accepted, declined and completed by its units, the
// inbox's events going out on the service's own topic. A main registers it
// as visibly as its own API:
//   inbox::Inbox inbox(*rt, common::v1::SERVICE_NAME_HOME_CARE, homecare::kTopic);
//   rt->AddService(&inbox.service);
//   rt->AddRecordUnitLookup(inbox::kGrpcService, inbox.EntryOwner());

#include <string>

#include "yhteys/common/v1/common.pb.h"
#include "yhteys/inbox/inbox_service.hpp"
#include "yhteys/inbox/inbox_store.hpp"
#include "yhteys/server/runtime.hpp"

namespace yhteys::inbox {

inline constexpr const char* kGrpcService = referral::v1::ReferralInbox::service_full_name();

struct Inbox {
  Inbox(server::Runtime& rt, common::v1::ServiceName service, std::string topic);
  // The runtime keeps callbacks that capture this object: it stays where
  // main() built it, for as long as the runtime runs.
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Unit scope of the inbox's calls: an entry a unit has taken in is that
  // unit's (an offer is the service's until then).
  server::AuditLog::RecordUnitLookup EntryOwner();

  InboxStore store;
  InboxService service;
};

}  // namespace yhteys::inbox
