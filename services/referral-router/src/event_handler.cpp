#include "event_handler.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/time_util.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <memory>

#include "counselling.hpp"
#include "referral_builder.hpp"
#include "referral_lifecycle.hpp"
#include "unit_choice.hpp"
#include "yhteys/ids/proto_time.hpp"
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

// The county the referral belongs to: its first candidate's, or the one
// whose directory serves the municipality; "" when none does.
std::string CountyOf(const Directory& directory, const v1::Referral& r, const std::string& municipality) {
  if (r.candidates_size() > 0) {
    if (const DirectoryUnit* unit = directory.Find(r.candidates(0).unit_id())) return unit->county;
  }
  for (const DirectoryUnit& unit : directory.units) {
    if (unit.municipalities.count(municipality) > 0) return unit.county;
  }
  return "";
}

bool IsPseudonym(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

EventHandler::EventHandler(ReferralStore& store, const SharingStore& sharing, const DirectorySource& directory,
                           const UnitStore& units, std::vector<Rule> rules, calendar::WorkingDayPolicy policy,
                           std::function<void()> notify_dispatcher, prometheus::Registry* registry)
    : store_(store),
      sharing_(sharing),
      directory_(directory),
      units_(units),
      rules_(std::move(rules)),
      policy_(policy),
      notify_dispatcher_(std::move(notify_dispatcher)) {
  if (registry != nullptr) {
    language_unmet_ = &prometheus::BuildCounter()
                           .Name("yhteys_referral_language_unmet_total")
                           .Help(
                               "Referrals for which no unit gives the service in the client's language, by "
                               "language and municipality")
                           .Register(*registry);
  }
}

HandleResult EventHandler::Handle(const kafka::ConsumedRecord& record) {
  if (record.event.type == referral::v1::ReferralOutcomeReported::descriptor()->full_name())
    return HandleOutcome(record);
  if (record.event.type == v1::CounsellingContactRecorded::descriptor()->full_name()) return HandleContact(record);

  const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(record.event.type);
  if (type == nullptr) return {Outcome::kPoison, "unknown-event-type"};
  std::unique_ptr<google::protobuf::Message> event(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!event->ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};

  std::vector<const Rule*> matched = MatchedRules(*event);
  if (matched.empty()) return {Outcome::kDone, ""};

  auto trigger = TriggerOf(*event, record.event.source, record.event.id, record.event.time);
  if (!trigger.ok()) return {Outcome::kPoison, "missing-client-pseudonym"};
  auto sharing = sharing_.Get(trigger->client_pseudonym);
  if (!sharing.ok()) return FromStatus(sharing.status());
  std::vector<v1::Referral> referrals;
  if (auto st = AppendReferrals(*event, matched, *trigger, record.event.time, sharing->sharing.status(), &referrals);
      !st.ok()) {
    if (st.code() == absl::StatusCode::kInvalidArgument) return {Outcome::kPoison, "no-clock-start-date"};
    return FromStatus(st);
  }
  return Create(record, referrals, sharing->version);
}

std::vector<const Rule*> EventHandler::MatchedRules(const google::protobuf::Message& event) const {
  std::vector<const Rule*> matched;
  for (const Rule& rule : rules_) {
    if (Matches(rule, event)) matched.push_back(&rule);
  }
  return matched;
}

absl::StatusOr<Trigger> EventHandler::TriggerOf(const google::protobuf::Message& event, const std::string& ce_source,
                                                const std::string& ce_id, const std::string& ce_time) {
  Trigger trigger;
  trigger.ce_source = ce_source;
  trigger.ce_id = ce_id;
  trigger.client_pseudonym = StringField(event, "client_pseudonym").value_or("");
  if (!IsPseudonym(trigger.client_pseudonym)) return absl::InvalidArgumentError("client_pseudonym: missing");
  if (auto lang = NumericField(event, "language")) trigger.language = static_cast<common::v1::Language>(*lang);
  trigger.municipality_code = StringField(event, "municipality_code").value_or("");
  trigger.source_unit_id = StringField(event, "unit_id").value_or("");
  if (auto age = NumericField(event, "age_years"); age && *age > 0) trigger.age_years = static_cast<int>(*age);
  // The referral was made when its cause was recorded: a replay of the
  // topic makes it again with the same creation time.
  google::protobuf::Timestamp recorded;
  if (google::protobuf::util::TimeUtil::FromString(ce_time, &recorded)) trigger.created_at = recorded;
  return trigger;
}

absl::Status EventHandler::AppendReferrals(const google::protobuf::Message& event,
                                           const std::vector<const Rule*>& matched, const Trigger& trigger,
                                           const std::string& ce_time, referral::v1::SharingStatus sharing,
                                           std::vector<v1::Referral>* out) const {
  const std::shared_ptr<const Directory> directory = directory_.Get();
  for (const Rule* rule : matched) {
    bool from_ce_time = false;
    auto clock_start = ClockStartOf(*rule, event, ce_time, &from_ce_time);
    if (!clock_start.ok()) {
      log::Error("event has no clock-start date",
                 {{"rule", rule->id}, {"error", std::string(clock_start.status().message())}});
      return clock_start.status();
    }
    if (from_ce_time) {
      log::Warn("clock started from the event's recording time",
                {{"rule", rule->id}, {"field", rule->clock_start_field}});
    }
    v1::Referral referral = BuildReferral(*rule, trigger, *clock_start, policy_);
    const NeedForUnit need{rule->service_type, trigger.municipality_code, trigger.age_years, trigger.language,
                           rule->urgency == common::v1::URGENCY_URGENT};
    // The units that could take it, with each one's own latest report of
    // its status and capacity over the file's.
    Directory local;
    std::vector<std::string> ids;
    for (const DirectoryUnit& unit : directory->units) {
      if (unit.service_type == need.service_type && unit.municipalities.count(need.municipality_code) > 0) {
        local.units.push_back(unit);
        ids.push_back(unit.id);
      }
    }
    auto reported = units_.Get(ids);
    if (!reported.ok()) return reported.status();
    ApplyAvailability(*reported, &local.units);
    Route(ChooseUnits(local, need), local, &referral);
    referral.set_county(CountyOf(*directory, referral, trigger.municipality_code));
    ApplySharing(*rule, sharing, &referral);
    StopClocks(&referral);
    out->push_back(std::move(referral));
  }
  return absl::OkStatus();
}

absl::StatusOr<ContactReferrals> EventHandler::ReferralsForContact(const v1::CounsellingContactRecorded& contact,
                                                                   const std::string& ce_source,
                                                                   const std::string& ce_time) const {
  ContactReferrals made;
  auto sharing = sharing_.Get(contact.client_pseudonym());
  if (!sharing.ok()) return sharing.status();
  made.sharing_version = sharing->version;
  for (int i = 0; i < contact.needs_size(); ++i) {
    const v1::CounsellingNeedRecorded view = NeedView(contact, i);
    const std::vector<const Rule*> matched = MatchedRules(view);
    if (matched.empty()) {
      made.unmatched_needs.push_back(i);
      continue;
    }
    auto trigger = TriggerOf(view, ce_source, contact.contact_id(), ce_time);
    if (!trigger.ok()) return trigger.status();
    if (auto st = AppendReferrals(view, matched, *trigger, ce_time, sharing->sharing.status(), &made.referrals);
        !st.ok()) {
      return st;
    }
  }
  return made;
}

HandleResult EventHandler::HandleContact(const kafka::ConsumedRecord& record) {
  v1::CounsellingContactRecorded contact;
  if (!contact.ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};
  if (!IsPseudonym(contact.client_pseudonym())) return {Outcome::kPoison, "missing-client-pseudonym"};
  // The contact's own referrals were made with it (RecordCounsellingContact);
  // made again here only when the router's state is rebuilt from the topics.
  auto made = ReferralsForContact(contact, record.event.source, record.event.time);
  if (!made.ok()) {
    if (made.status().code() == absl::StatusCode::kInvalidArgument) return {Outcome::kPoison, "invalid-contact"};
    return FromStatus(made.status());
  }
  for (int i : made->unmatched_needs) {
    log::Warn("a need of a counselling contact matches no rule now",
              {{"contact", contact.contact_id()}, {"need", contact.needs(i).need()}});
  }
  if (made->referrals.empty()) return {Outcome::kDone, ""};
  return Create(record, made->referrals, made->sharing_version);
}

HandleResult EventHandler::Create(const kafka::ConsumedRecord& record, const std::vector<v1::Referral>& referrals,
                                  const std::string& sharing_version) {
  auto duplicate = store_.CreateReferrals(record.event.source, record.event.id, referrals, sharing_version);
  if (!duplicate.ok()) return FromStatus(duplicate.status());
  if (*duplicate) return {Outcome::kDuplicate, ""};
  Created(referrals);
  return {Outcome::kDone, ""};
}

void EventHandler::Created(const std::vector<v1::Referral>& referrals) {
  for (const auto& r : referrals) {
    if (r.offer().language_unmet() && language_unmet_ != nullptr) {
      language_unmet_
          ->Add({{"language", common::v1::Language_Name(r.offer().language())},
                 {"municipality", r.offer().municipality_code()}})
          .Increment();
    }
    log::Info("referral created", {{"referral", r.offer().referral_id()},
                                   {"rule", r.offer().rule_id()},
                                   {"unit", r.offer().unit_id()},
                                   {"candidates", r.candidates_size()},
                                   {"language_unmet", r.offer().language_unmet()},
                                   {"target", ServiceToName(r.target_service())},
                                   {"client", r.offer().client_pseudonym()},
                                   {"clock_started_on", r.offer().clock_started_on()},
                                   {"state", referral::v1::ReferralState_Name(r.state())},
                                   {"sharing", referral::v1::SharingStatus_Name(r.offer().sharing_status())},
                                   {"details_withheld", r.offer().details_withheld()}});
  }
  if (notify_dispatcher_) notify_dispatcher_();
}

HandleResult EventHandler::HandleOutcome(const kafka::ConsumedRecord& record) {
  referral::v1::ReferralOutcomeReported outcome;
  if (!outcome.ParseFromString(record.value)) return {Outcome::kPoison, "undecodable-payload"};
  Answer answer;
  answer.state = outcome.outcome();
  answer.unit_id = outcome.unit_id();
  answer.decline_reason = outcome.decline_reason();
  answer.outcome = outcome.completion();
  answer.at = outcome.has_reported_at() ? outcome.reported_at() : ids::NowTimestamp();
  auto changed = store_.Change(
      outcome.referral_id(), [&](const v1::Referral& r) { return DecideAnswer(r, answer); },
      Dedup::Event(record.event.source, record.event.id));
  if (!changed.ok()) {
    switch (changed.status().code()) {
      case absl::StatusCode::kNotFound: return {Outcome::kPoison, "unknown-referral"};
      case absl::StatusCode::kInvalidArgument:
        // A malformed referral id, or an answer that is no decision.
        return {Outcome::kPoison, "invalid-outcome"};
      case absl::StatusCode::kFailedPrecondition:
        // The referral moved on (e.g. the unit answered an offer that had
        // expired and gone to the next candidate): nothing to apply.
        log::Warn("stale referral outcome ignored",
                  {{"referral", outcome.referral_id()}, {"error", std::string(changed.status().message())}});
        return {Outcome::kDone, ""};
      default: return FromStatus(changed.status());
    }
  }
  if (changed->replayed) return {Outcome::kDuplicate, ""};
  log::Info("referral outcome recorded", {{"referral", outcome.referral_id()},
                                          {"unit", outcome.unit_id()},
                                          {"state", referral::v1::ReferralState_Name(changed->referral.state())}});
  // The event goes out; a decline re-routes: the next candidate waits for its offer.
  if (notify_dispatcher_) notify_dispatcher_();
  return {Outcome::kDone, ""};
}

}  // namespace yhteys::router
