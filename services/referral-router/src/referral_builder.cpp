#include "referral_builder.hpp"

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

v1::Referral BuildReferral(const Rule& rule, const Trigger& trigger, std::chrono::year_month_day today) {
  v1::Referral referral;
  auto* offer = referral.mutable_offer();
  offer->set_referral_id(ReferralIdFor(trigger, rule.id));
  offer->set_client_pseudonym(trigger.client_pseudonym);
  offer->set_source_service(ServiceFromSource(trigger.ce_source));
  offer->set_source_event_id(trigger.ce_id);
  offer->set_rule_id(rule.id);
  offer->set_need_code(rule.need);
  offer->set_urgency(rule.urgency);
  auto* statutory = offer->mutable_statutory_deadline();
  statutory->set_due_date(calendar::FormatDate(calendar::DeadlineFor(rule.statutory.rule, today)));
  statutory->set_rule(rule.statutory.rule_text);
  statutory->set_legal_basis(rule.statutory.basis);
  if (rule.target_clock) {
    auto* target = offer->mutable_target_deadline();
    target->set_due_date(calendar::FormatDate(calendar::DeadlineFor(rule.target_clock->rule, today)));
    target->set_rule(rule.target_clock->rule_text);
    target->set_legal_basis(rule.target_clock->basis);
  }
  offer->set_language(trigger.language);
  offer->set_municipality_code(trigger.municipality_code);
  offer->set_consent_basis(rule.consent_basis);
  *offer->mutable_created_at() = ids::NowTimestamp();
  referral.set_target_service(rule.target);
  referral.set_state(referral::v1::REFERRAL_STATE_CREATED);
  *referral.mutable_updated_at() = offer->created_at();
  return referral;
}

}  // namespace yhteys::router
