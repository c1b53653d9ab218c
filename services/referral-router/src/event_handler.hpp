#pragma once
// The router's consumer logic: decodes each domain event by its ce_type,
// applies the rules (creating referrals), or records a target's decision
// (ReferralOutcomeReported). Undecodable records, unknown types, events
// without a client pseudonym and events whose clock-start date is not a date
// are poison (dead-lettered); Redis failures are retried.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <functional>
#include <vector>

#include "client_sharing.hpp"
#include "directory_source.hpp"
#include "referral_store.hpp"
#include "rules.hpp"
#include "unit_store.hpp"
#include "yhteys/calendar/working_days.hpp"
#include "yhteys/kafka/consumer.hpp"

namespace yhteys::router {

class EventHandler {
 public:
  // `notify_dispatcher` is called after referrals were created. Clocks
  // start from each event's own date and count working days under `policy`;
  // the day an event is consumed never moves a due date.
  // The client's sharing decision (`sharing`) is applied to each referral
  // (ApplySharing). The units each is offered to are chosen from the
  // directory in force (ChooseUnits).
  EventHandler(ReferralStore& store, const SharingStore& sharing, const DirectorySource& directory,
               const UnitStore& units, std::vector<Rule> rules, calendar::WorkingDayPolicy policy,
               std::function<void()> notify_dispatcher, prometheus::Registry* registry);

  kafka::HandleResult Handle(const kafka::ConsumedRecord& record);

 private:
  kafka::HandleResult HandleOutcome(const kafka::ConsumedRecord& record);

  ReferralStore& store_;
  const SharingStore& sharing_;
  const DirectorySource& directory_;
  const UnitStore& units_;
  std::vector<Rule> rules_;
  calendar::WorkingDayPolicy policy_;
  std::function<void()> notify_dispatcher_;
  prometheus::Family<prometheus::Counter>* language_unmet_ = nullptr;
};

}  // namespace yhteys::router
