#include "referral_builder.hpp"

#include "referral_lifecycle.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"

namespace yhteys::router {

std::string ShardKeyOfPseudonym(const std::string& pseudonym) { return pseudonym.substr(0, 16); }

std::string ReferralIdFor(const Trigger& trigger, const std::string& rule_id) {
  std::string digest = ids::Sha256Hex(trigger.ce_source + "|" + trigger.ce_id + "|" + rule_id);
  return ids::ShardedId("ref", ShardKeyOfPseudonym(trigger.client_pseudonym), digest.substr(0, 16));
}

std::string ShardKeyOfReferralId(const std::string& referral_id) { return ids::ShardKeyOfId(referral_id, "ref"); }

absl::StatusOr<std::chrono::year_month_day> ClockStartOf(const Rule& rule, const google::protobuf::Message& event,
                                                         const std::string& ce_time, bool* used_fallback) {
  if (used_fallback != nullptr) *used_fallback = false;
  std::string text = StringField(event, rule.clock_start_field).value_or("");
  if (!text.empty()) {
    auto date = calendar::ParseDate(text);
    if (!date.ok()) {
      return absl::InvalidArgumentError(rule.clock_start_field + ": not a date YYYY-MM-DD");
    }
    return *date;
  }
  if (auto date = calendar::FinnishDateOf(ce_time)) {
    if (used_fallback != nullptr) *used_fallback = true;
    return *date;
  }
  return absl::InvalidArgumentError(rule.clock_start_field + ": empty, and ce_time is not an RFC 3339 time");
}

namespace {

void SetClock(referral::v1::Deadline* out, const Clock& clock, std::chrono::year_month_day start,
              const calendar::WorkingDayPolicy& policy) {
  out->set_due_date(calendar::FormatDate(calendar::DeadlineFor(clock.rule, start, policy)));
  out->set_rule(clock.rule_text);
  out->set_legal_basis(clock.basis);
}

}  // namespace

v1::Referral BuildReferral(const Rule& rule, const Trigger& trigger, std::chrono::year_month_day clock_start,
                           const calendar::WorkingDayPolicy& policy) {
  v1::Referral referral;
  auto* offer = referral.mutable_offer();
  offer->set_referral_id(ReferralIdFor(trigger, rule.id));
  offer->set_client_pseudonym(trigger.client_pseudonym);
  offer->set_source_service(ServiceFromSource(trigger.ce_source));
  offer->set_source_unit_id(trigger.source_unit_id);
  offer->set_source_event_id(trigger.ce_id);
  offer->set_rule_id(rule.id);
  offer->set_need_code(rule.need);
  offer->set_urgency(rule.urgency);
  offer->set_clock_started_on(calendar::FormatDate(clock_start));
  if (rule.statutory) SetClock(offer->mutable_statutory_deadline(), *rule.statutory, clock_start, policy);
  if (rule.statutory_completion) {
    SetClock(offer->mutable_statutory_completion_deadline(), *rule.statutory_completion, clock_start, policy);
  }
  if (rule.target_clock) SetClock(offer->mutable_target_deadline(), *rule.target_clock, clock_start, policy);
  offer->set_language(trigger.language);
  offer->set_municipality_code(trigger.municipality_code);
  offer->set_consent_basis(rule.consent_basis);
  *offer->mutable_created_at() = trigger.created_at ? *trigger.created_at : ids::NowTimestamp();
  referral.set_state(referral::v1::REFERRAL_STATE_CREATED);
  SetClocks(&referral);
  *referral.mutable_updated_at() = offer->created_at();
  return referral;
}

}  // namespace yhteys::router
