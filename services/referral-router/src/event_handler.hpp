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
#include "referral_builder.hpp"
#include "referral_store.hpp"
#include "rules.hpp"
#include "unit_store.hpp"
#include "yhteys/calendar/working_days.hpp"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/router/v1/counselling_events.pb.h"

namespace yhteys::router {

// The referrals a counselling contact implies.
struct ContactReferrals {
  std::vector<v1::Referral> referrals;
  std::string sharing_version;       // of the client's sharing decision they were made under
  std::vector<int> unmatched_needs;  // indexes of the needs no rule takes
};

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

  // Every referral the needs of `contact` imply (by the rules on
  // CounsellingNeedRecorded), routed, under the client's sharing decision;
  // `ce_source` and the contact id make their ids, `ce_time` their creation
  // time. Blocking (reads the sharing decision and the units' reports).
  absl::StatusOr<ContactReferrals> ReferralsForContact(const v1::CounsellingContactRecorded& contact,
                                                       const std::string& ce_source, const std::string& ce_time) const;
  // Counts and logs referrals just made, and wakes the dispatcher.
  void Created(const std::vector<v1::Referral>& referrals);

 private:
  kafka::HandleResult HandleOutcome(const kafka::ConsumedRecord& record);
  kafka::HandleResult HandleContact(const kafka::ConsumedRecord& record);
  kafka::HandleResult Create(const kafka::ConsumedRecord& record, const std::vector<v1::Referral>& referrals,
                             const std::string& sharing_version);
  std::vector<const Rule*> MatchedRules(const google::protobuf::Message& event) const;
  // The trigger of an event: InvalidArgument without a client pseudonym.
  static absl::StatusOr<Trigger> TriggerOf(const google::protobuf::Message& event, const std::string& ce_source,
                                           const std::string& ce_id, const std::string& ce_time);
  // The referral each matched rule makes, routed, onto `out`.
  // InvalidArgument: the event has no clock-start date.
  absl::Status AppendReferrals(const google::protobuf::Message& event, const std::vector<const Rule*>& matched,
                               const Trigger& trigger, const std::string& ce_time, referral::v1::SharingStatus sharing,
                               std::vector<v1::Referral>* out) const;

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
