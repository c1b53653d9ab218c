#include "event_handler.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>

#include "referral_builder.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/status/grpc_status.hpp"

namespace yhteys::router {
namespace {

using kafka::HandleResult;
using kafka::Outcome;

HandleResult FromStatus(const absl::Status& status) {
  if (status::IsRetryable(status)) return {Outcome::kRetry, "redis-unavailable"};
  // The client's sharing decision changed between reading it and writing: made again under the new one.
  if (status.code() == absl::StatusCode::kAborted) return {Outcome::kRetry, "sharing-changed"};
  log::Error("referral store failed", {{"error", std::string(status.message())}});
  return {Outcome::kRetry, "store-failed"};
}

bool IsPseudonym(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

EventHandler::EventHandler(ReferralStore& store, const SharingStore& sharing, std::vector<Rule> rules,
                           calendar::WorkingDayPolicy policy, std::function<void()> notify_dispatcher,
                           prometheus::Registry* registry)
    : store_(store),
      sharing_(sharing),
      rules_(std::move(rules)),
      policy_(policy),
      notify_dispatcher_(std::move(notify_dispatcher)) {
  if (registry != nullptr) {
    referrals_ = &prometheus::BuildCounter()
                      .Name("yhteys_referrals_total")
                      .Help("Referral state transitions recorded by the router, by new state")
                      .Register(*registry);
  }
}

void EventHandler::CountState(referral::v1::ReferralState state) {
  if (referrals_ == nullptr) return;
  std::string name = referral::v1::ReferralState_Name(state).substr(std::string("REFERRAL_STATE_").size());
  referrals_->Add({{"state", name}}).Increment();
}

HandleResult EventHandler::Handle(const kafka::ConsumedRecord& record) {
  if (record.event.type == referral::v1::ReferralOutcomeReported::descriptor()->full_name())
    return HandleOutcome(record);

  const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(record.event.type);
  if (type == nullptr) return {Outcome::kPoison, "unknown-event-type"};
  std::unique_ptr<google::protobuf::Message> event(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!event->ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};

  std::vector<const Rule*> matched;
  for (const Rule& rule : rules_) {
    if (Matches(rule, *event)) matched.push_back(&rule);
  }
  if (matched.empty()) return {Outcome::kDone, ""};

  Trigger trigger;
  trigger.ce_source = record.event.source;
  trigger.ce_id = record.event.id;
  trigger.client_pseudonym = StringField(*event, "client_pseudonym").value_or("");
  if (!IsPseudonym(trigger.client_pseudonym)) return {Outcome::kPoison, "missing-client-pseudonym"};
  if (auto lang = NumericField(*event, "language")) trigger.language = static_cast<common::v1::Language>(*lang);
  trigger.municipality_code = StringField(*event, "municipality_code").value_or("");

  auto sharing = sharing_.Get(trigger.client_pseudonym);
  if (!sharing.ok()) return FromStatus(sharing.status());
  std::vector<v1::Referral> referrals;
  for (const Rule* rule : matched) {
    bool from_ce_time = false;
    auto clock_start = ClockStartOf(*rule, *event, record.event.time, &from_ce_time);
    if (!clock_start.ok()) {
      log::Error("event has no clock-start date",
                 {{"rule", rule->id}, {"error", std::string(clock_start.status().message())}});
      return {Outcome::kPoison, "no-clock-start-date"};
    }
    if (from_ce_time) {
      log::Warn("clock started from the event's recording time",
                {{"rule", rule->id}, {"field", rule->clock_start_field}});
    }
    referrals.push_back(BuildReferral(*rule, trigger, *clock_start, policy_));
    ApplySharing(*rule, sharing->sharing.status(), &referrals.back());
  }
  auto duplicate = store_.CreateReferrals(record.event.source, record.event.id, referrals, sharing->version);
  if (!duplicate.ok()) return FromStatus(duplicate.status());
  if (*duplicate) return {Outcome::kDuplicate, ""};
  for (const auto& r : referrals) {
    CountState(r.state());
    log::Info("referral created", {{"referral", r.offer().referral_id()},
                                   {"rule", r.offer().rule_id()},
                                   {"target", ServiceToName(r.target_service())},
                                   {"client", r.offer().client_pseudonym()},
                                   {"clock_started_on", r.offer().clock_started_on()},
                                   {"state", referral::v1::ReferralState_Name(r.state())},
                                   {"sharing", referral::v1::SharingStatus_Name(r.offer().sharing_status())},
                                   {"details_withheld", r.offer().details_withheld()}});
  }
  if (notify_dispatcher_) notify_dispatcher_();
  return {Outcome::kDone, ""};
}

HandleResult EventHandler::HandleOutcome(const kafka::ConsumedRecord& record) {
  referral::v1::ReferralOutcomeReported outcome;
  if (!outcome.ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};
  v1::Referral updated;
  auto result = store_.ApplyOutcome(record.event.source, record.event.id, outcome, &updated);
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kInvalidArgument) return {Outcome::kPoison, "invalid-outcome"};
    return FromStatus(result.status());
  }
  switch (*result) {
    case ReferralStore::OutcomeResult::kApplied:
      CountState(updated.state());
      log::Info("referral outcome recorded",
                {{"referral", outcome.referral_id()}, {"state", referral::v1::ReferralState_Name(updated.state())}});
      return {Outcome::kDone, ""};
    case ReferralStore::OutcomeResult::kDuplicate: return {Outcome::kDuplicate, ""};
    case ReferralStore::OutcomeResult::kStale:
      log::Warn("stale referral outcome ignored", {{"referral", outcome.referral_id()}});
      return {Outcome::kDone, ""};
    case ReferralStore::OutcomeResult::kUnknownReferral: return {Outcome::kPoison, "unknown-referral"};
  }
  return {Outcome::kDone, ""};
}

}  // namespace yhteys::router
