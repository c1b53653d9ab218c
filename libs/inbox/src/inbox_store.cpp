#include "yhteys/inbox/inbox_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/validate/validate.hpp"

namespace yhteys::inbox {
namespace {

using referral::v1::InboxEntry;
using referral::v1::InboxState;

std::string EntryKey(const std::string& referral_id) { return "inbox:" + referral_id; }
constexpr char kOpenKey[] = "inbox:open";

// An offer's idempotency key: per referral and unit ("/" is in no
// identifier); an offer naming no unit keeps the referral's own key.
std::string OfferIdempotencyKey(const referral::v1::ReferralOffer& offer) {
  if (offer.unit_id().empty()) return offer.referral_id();
  return offer.referral_id() + "/" + offer.unit_id();
}

// "ACCEPTED" for INBOX_STATE_ACCEPTED.
std::string ShortName(InboxState state) {
  std::string name = referral::v1::InboxState_Name(state);
  constexpr std::string_view kPrefix = "INBOX_STATE_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name.empty() ? std::to_string(static_cast<int>(state)) : name;
}

std::string UnitText(const std::string& unit_id) { return unit_id.empty() ? "this service" : "unit " + unit_id; }

// The offer's earliest due date of any clock as days since 2000-01-01 (the
// latest day the ordered score can hold when there is none, or it is
// unreadable).
int64_t DueScore(const referral::v1::ReferralOffer& offer) {
  constexpr int64_t kNoDueDate = (1 << 15) - 1;
  std::string due;
  for (const referral::v1::Deadline* clock :
       {&offer.statutory_deadline(), &offer.statutory_completion_deadline(), &offer.target_deadline()}) {
    if (!clock->due_date().empty() && (due.empty() || clock->due_date() < due)) due = clock->due_date();
  }
  int y = 0;
  unsigned m = 0, d = 0;
  if (due.size() != 10 || std::sscanf(due.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return kNoDueDate;
  std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!date.ok()) return kNoDueDate;
  auto days = (std::chrono::sys_days{date} - std::chrono::sys_days{std::chrono::year{2000} / 1 / 1}).count();
  return std::clamp<int64_t>(days, 0, kNoDueDate);
}

absl::Status ValidateDeadline(const std::string& field, const referral::v1::Deadline& d, bool required) {
  if (d.due_date().empty()) {
    return required ? absl::InvalidArgumentError(field + ".due_date: required") : absl::OkStatus();
  }
  const std::string& s = d.due_date();
  bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-';
  for (size_t i = 0; shape && i < s.size(); ++i) {
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) shape = false;
  }
  if (!shape) return absl::InvalidArgumentError(field + ".due_date: must be YYYY-MM-DD");
  if (auto st = validate::Text(field + ".rule", d.rule(), 64, false); !st.ok()) return st;
  return validate::Text(field + ".legal_basis", d.legal_basis(), kMaxBasisBytes, false);
}

}  // namespace

absl::Status ValidateOffer(const referral::v1::ReferralOffer& offer) {
  if (auto st = validate::Identifier("offer.referral_id", offer.referral_id()); !st.ok()) return st;
  if (auto st = validate::Pseudonym("offer.client_pseudonym", offer.client_pseudonym()); !st.ok()) return st;
  if (offer.details_withheld()) {
    // Under a data-sharing denial the target learns the need, never its cause.
    if (offer.source_service() != common::v1::SERVICE_NAME_UNSPECIFIED || !offer.rule_id().empty() ||
        !offer.source_event_id().empty()) {
      return absl::InvalidArgumentError(
          "offer.details_withheld: source_service, rule_id and source_event_id must be left out");
    }
  } else {
    if (auto st = validate::EnumSet("offer.source_service", offer.source_service(), &common::v1::ServiceName_IsValid);
        !st.ok()) {
      return st;
    }
    if (auto st = validate::Identifier("offer.rule_id", offer.rule_id()); !st.ok()) return st;
  }
  if (auto st = validate::Identifier("offer.need_code", offer.need_code()); !st.ok()) return st;
  if (auto st = validate::EnumSet("offer.urgency", offer.urgency(), &common::v1::Urgency_IsValid); !st.ok()) return st;
  if (auto st = ValidateDeadline("offer.statutory_deadline", offer.statutory_deadline(), false); !st.ok()) return st;
  if (auto st = ValidateDeadline("offer.statutory_completion_deadline", offer.statutory_completion_deadline(), false);
      !st.ok()) {
    return st;
  }
  if (auto st = ValidateDeadline("offer.target_deadline", offer.target_deadline(), false); !st.ok()) return st;
  // Where the law sets no day count the target clock stands alone; a referral without any clock is refused.
  if (offer.statutory_deadline().due_date().empty() && offer.target_deadline().due_date().empty()) {
    return absl::InvalidArgumentError("offer.statutory_deadline.due_date: required (or offer.target_deadline)");
  }
  if (!common::v1::Language_IsValid(offer.language()))
    return absl::InvalidArgumentError("offer.language: unknown value");
  if (!offer.municipality_code().empty()) {
    if (auto st = validate::MunicipalityCode("offer.municipality_code", offer.municipality_code()); !st.ok()) return st;
  }
  if (auto st = validate::Text("offer.consent_basis", offer.consent_basis(), kMaxBasisBytes, false); !st.ok())
    return st;
  if (!offer.unit_id().empty()) {
    if (auto st = validate::Identifier("offer.unit_id", offer.unit_id()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status ValidateOutcome(const referral::v1::Outcome& outcome, std::chrono::year_month_day today) {
  switch (outcome.result()) {
    case referral::v1::OUTCOME_RESULT_SERVICE_GIVEN:
      if (outcome.reason() != referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED) {
        return absl::InvalidArgumentError("outcome.reason: only with COULD_NOT_HELP");
      }
      break;
    case referral::v1::OUTCOME_RESULT_COULD_NOT_HELP:
      if (outcome.reason() == referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED) {
        return absl::InvalidArgumentError("outcome.reason: required with COULD_NOT_HELP");
      }
      if (!referral::v1::CouldNotHelpReason_IsValid(outcome.reason())) {
        return absl::InvalidArgumentError("outcome.reason: unknown value");
      }
      break;
    case referral::v1::OUTCOME_RESULT_UNSPECIFIED:
      return absl::InvalidArgumentError("outcome.result: required (SERVICE_GIVEN, or COULD_NOT_HELP with a reason)");
    default: return absl::InvalidArgumentError("outcome.result: unknown value");
  }
  if (!outcome.completed_on().empty()) {
    auto date = calendar::ParsePastDate("outcome.completed_on", outcome.completed_on(), today);
    if (!date.ok()) return date.status();
  }
  return absl::OkStatus();
}

InboxStore::InboxStore(redis::Pool& pool, const redis::Keyspace& keyspace, InboxSettings settings)
    : pool_(pool), keyspace_(keyspace), settings_(std::move(settings)) {
  if (!settings_.today) settings_.today = &calendar::TodayInFinland;
}

absl::StatusOr<InboxStore::Stored> InboxStore::Read(const std::string& referral_id, const std::string& field) {
  int shard = keyspace_.ShardFor(referral_id);
  auto reply = pool_.Command({"HMGET", keyspace_.Key(shard, EntryKey(referral_id)), "entry", "version"});
  if (!reply.ok()) return reply.status();
  auto fields = redis::DecodeOptionalStrings(reply->get(), 2, "inbox entry");
  if (!fields.ok()) return fields.status();
  if (!(*fields)[0].has_value()) return absl::NotFoundError(field + ": no such referral in this inbox");
  auto entry = redis::ParseStored<InboxEntry>(*(*fields)[0], "inbox entry");
  if (!entry.ok()) return entry.status();
  return Stored{std::move(*entry), (*fields)[1].value_or("")};
}

absl::StatusOr<InboxEntry> InboxStore::Get(const std::string& referral_id) {
  if (auto st = validate::Identifier("referral_id", referral_id); !st.ok()) return st;
  auto stored = Read(referral_id, "referral_id");
  if (!stored.ok()) return stored.status();
  return std::move(stored->entry);
}

absl::StatusOr<InboxEntry> InboxStore::Offer(const referral::v1::ReferralOffer& offer) {
  if (auto st = ValidateOffer(offer); !st.ok()) return st;
  const std::string& id = offer.referral_id();
  auto current = Read(id, "offer.referral_id");
  if (!current.ok() && current.status().code() != absl::StatusCode::kNotFound) return current.status();

  // What the entry must still be when the step runs: absent, or (for an
  // offer to another unit) DECLINED or WITHDRAWN, at the version read.
  std::vector<std::string> allowed = {""};
  std::string version;
  absl::Status refused = absl::FailedPreconditionError("offer.referral_id: already in this inbox");
  if (current.ok()) {
    const InboxEntry& existing = current->entry;
    if (existing.offer().unit_id() == offer.unit_id()) {
      // The same unit: a repeat of its offer (answered or not) changes
      // nothing, whether or not the idempotency record is still kept.
      if (existing.offer().SerializeAsString() == offer.SerializeAsString()) return existing;
      return absl::FailedPreconditionError("offer.referral_id: already offered to " + UnitText(offer.unit_id()) +
                                           " with a different offer");
    }
    allowed = {referral::v1::InboxState_Name(referral::v1::INBOX_STATE_DECLINED),
               referral::v1::InboxState_Name(referral::v1::INBOX_STATE_WITHDRAWN)};
    version = current->version;
    // A late retry of an earlier offer to a unit the entry has moved on
    // from still replays: the step checks its idempotency record first.
    refused = absl::FailedPreconditionError("offer.referral_id: already in this inbox, " + ShortName(existing.state()) +
                                            " for " + UnitText(existing.offer().unit_id()) +
                                            "; it can be offered to another unit once DECLINED or WITHDRAWN");
  }

  InboxEntry entry;
  *entry.mutable_offer() = offer;
  entry.set_state(referral::v1::INBOX_STATE_OFFERED);
  auto now = ids::NowTimestamp();
  *entry.mutable_offered_at() = now;
  *entry.mutable_updated_at() = now;
  const std::string key = EntryKey(id);
  redis::AtomicStep step(keyspace_, keyspace_.ShardFor(id));
  step.IdempotencyKey("Offer", OfferIdempotencyKey(offer), ids::Sha256Hex(offer.SerializeAsString()))
      .RecordTtl(settings_.idempotency_ttl)
      .RequireFieldIn(key, "state", allowed, refused)
      .CompareAndBumpVersion(key, version, "offer.referral_id")
      .HSet(key, "entry", entry.SerializeAsString())
      .HSet(key, "state", referral::v1::InboxState_Name(entry.state()))
      .ZAddInOrder(kOpenKey, id, DueScore(offer));
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  if (outcome->replayed) return Get(id);
  return entry;
}

absl::StatusOr<InboxEntry> InboxStore::Decide(const std::string& verb, const std::string& idempotency_key,
                                              const std::string& fingerprint, const std::string& referral_id,
                                              const std::vector<InboxState>& from, InboxState to,
                                              referral::v1::DeclineReason reason, const std::string& unit_id,
                                              const referral::v1::Outcome* outcome) {
  if (auto st = validate::Identifier("referral_id", referral_id); !st.ok()) return st;
  auto current = Read(referral_id, "referral_id");
  if (!current.ok()) return current.status();
  int shard = keyspace_.ShardFor(referral_id);
  InboxEntry entry = current->entry;
  const std::string& offered_unit = entry.offer().unit_id();
  entry.set_state(to);
  entry.set_decline_reason(reason);
  // The unit that takes the client in is the one the offer is for (an
  // accept naming no unit takes that one); an offer naming no unit is
  // taken in by the unit named.
  if (to == referral::v1::INBOX_STATE_ACCEPTED) entry.set_handled_by_unit(unit_id.empty() ? offered_unit : unit_id);
  if (outcome != nullptr) *entry.mutable_outcome() = *outcome;
  *entry.mutable_updated_at() = ids::NowTimestamp();

  referral::v1::ReferralOutcomeReported event;
  event.set_referral_id(referral_id);
  event.set_client_pseudonym(entry.offer().client_pseudonym());
  event.set_reporting_service(settings_.service);
  event.set_outcome(to);
  event.set_decline_reason(reason);
  // The router checks that the answer comes from the unit it offered to.
  event.set_unit_id(entry.offer().unit_id().empty() ? entry.handled_by_unit() : entry.offer().unit_id());
  *event.mutable_reported_at() = entry.updated_at();
  if (outcome != nullptr) *event.mutable_completion() = *outcome;

  std::vector<std::string> from_names;
  std::string from_text;
  for (InboxState state : from) {
    from_names.push_back(referral::v1::InboxState_Name(state));
    from_text += (from_text.empty() ? "" : " or ") + ShortName(state);
  }
  const std::string key = EntryKey(referral_id);
  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey(verb, idempotency_key, fingerprint)
      .RecordTtl(settings_.idempotency_ttl)
      .Response(entry.SerializeAsString())
      .RequireFieldIn(key, "state", from_names,
                      absl::FailedPreconditionError("referral_id: the referral is not " + from_text +
                                                    " (current state: " + ShortName(current->entry.state()) + ")"))
      .CompareAndBumpVersion(key, current->version, "referral_id");
  if (!unit_id.empty() && !offered_unit.empty() && unit_id != offered_unit) {
    // Only the unit the offer is for answers it (the version check holds the
    // entry to the one read). Refused in the step, so that a retry of an
    // answer given before the entry moved on still replays.
    step.Refuse(key, absl::FailedPreconditionError("unit_id: the referral is offered to unit " + offered_unit +
                                                   ", not to " + unit_id + "; only that unit answers it"));
  }
  step.HSet(key, "entry", entry.SerializeAsString()).HSet(key, "state", referral::v1::InboxState_Name(to));
  if (to == referral::v1::INBOX_STATE_DECLINED || to == referral::v1::INBOX_STATE_COMPLETED) {
    step.ZRem(kOpenKey, referral_id);
  }
  step.Publish(redis::EventFor(event, settings_.source, settings_.topic, event.client_pseudonym()));
  return step.ExecuteFor<InboxEntry>(pool_);
}

absl::StatusOr<InboxEntry> InboxStore::Accept(const std::string& idempotency_key, const std::string& fingerprint,
                                              const std::string& referral_id, const std::string& unit_id) {
  if (!unit_id.empty()) {
    if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  }
  return Decide("Accept", idempotency_key, fingerprint, referral_id, {referral::v1::INBOX_STATE_OFFERED},
                referral::v1::INBOX_STATE_ACCEPTED, referral::v1::DECLINE_REASON_UNSPECIFIED, unit_id, nullptr);
}

absl::StatusOr<InboxEntry> InboxStore::Decline(const std::string& idempotency_key, const std::string& fingerprint,
                                               const std::string& referral_id, referral::v1::DeclineReason reason,
                                               const std::string& unit_id) {
  if (auto st = validate::EnumSet("reason", reason, &referral::v1::DeclineReason_IsValid); !st.ok()) return st;
  if (!unit_id.empty()) {
    if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  }
  if (reason == referral::v1::DECLINE_REASON_OFFER_EXPIRED) {
    return absl::InvalidArgumentError("reason: OFFER_EXPIRED is the router's, not a unit's answer");
  }
  return Decide("Decline", idempotency_key, fingerprint, referral_id, {referral::v1::INBOX_STATE_OFFERED},
                referral::v1::INBOX_STATE_DECLINED, reason, unit_id, nullptr);
}

absl::StatusOr<InboxEntry> InboxStore::Start(const std::string& idempotency_key, const std::string& fingerprint,
                                             const std::string& referral_id) {
  return Decide("Start", idempotency_key, fingerprint, referral_id, {referral::v1::INBOX_STATE_ACCEPTED},
                referral::v1::INBOX_STATE_IN_PROGRESS, referral::v1::DECLINE_REASON_UNSPECIFIED, "", nullptr);
}

absl::StatusOr<InboxEntry> InboxStore::Complete(const std::string& idempotency_key, const std::string& fingerprint,
                                                const std::string& referral_id, const referral::v1::Outcome& outcome) {
  if (auto st = ValidateOutcome(outcome, settings_.today()); !st.ok()) return st;
  return Decide("Complete", idempotency_key, fingerprint, referral_id,
                {referral::v1::INBOX_STATE_ACCEPTED, referral::v1::INBOX_STATE_IN_PROGRESS},
                referral::v1::INBOX_STATE_COMPLETED, referral::v1::DECLINE_REASON_UNSPECIFIED, "", &outcome);
}

absl::StatusOr<InboxEntry> InboxStore::Withdraw(const std::string& referral_id, const std::string& unit_id,
                                                referral::v1::DeclineReason reason) {
  if (auto st = validate::Identifier("referral_id", referral_id); !st.ok()) return st;
  if (!unit_id.empty()) {
    if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  }
  if (reason != referral::v1::DECLINE_REASON_UNSPECIFIED && reason != referral::v1::DECLINE_REASON_OFFER_EXPIRED) {
    return absl::InvalidArgumentError("reason: OFFER_EXPIRED, or unset for a cancellation");
  }
  // An entry that changes between the read and the step (a unit answered
  // just then) is read again: the answer is what it is now.
  for (int attempt = 0;; ++attempt) {
    auto current = Read(referral_id, "referral_id");
    if (!current.ok()) return current.status();
    const InboxEntry& existing = current->entry;
    // An expired offer is taken back only while unanswered (a unit that
    // accepted just then keeps the client); a cancellation takes back what
    // the unit accepted or started too, so that the unit learns of it.
    const bool cancellation = reason == referral::v1::DECLINE_REASON_UNSPECIFIED;
    const bool withdrawable = existing.state() == referral::v1::INBOX_STATE_OFFERED ||
                              (cancellation && (existing.state() == referral::v1::INBOX_STATE_ACCEPTED ||
                                                existing.state() == referral::v1::INBOX_STATE_IN_PROGRESS));
    if (!withdrawable || (!unit_id.empty() && unit_id != existing.offer().unit_id())) return existing;
    InboxEntry entry = existing;
    entry.set_state(referral::v1::INBOX_STATE_WITHDRAWN);
    entry.set_decline_reason(reason);
    *entry.mutable_updated_at() = ids::NowTimestamp();
    const std::string key = EntryKey(referral_id);
    redis::AtomicStep step(keyspace_, keyspace_.ShardFor(referral_id));
    // One withdrawal per version of the entry: a concurrent twin replays it.
    step.IdempotencyKey("Withdraw", referral_id + "/" + current->version, "withdraw")
        .RecordTtl(settings_.idempotency_ttl)
        .Response(entry.SerializeAsString())
        .RequireFieldIn(key, "state", {referral::v1::InboxState_Name(existing.state())},
                        absl::FailedPreconditionError("referral_id: answered while being withdrawn"))
        .CompareAndBumpVersion(key, current->version, "referral_id")
        .HSet(key, "entry", entry.SerializeAsString())
        .HSet(key, "state", referral::v1::InboxState_Name(entry.state()))
        .ZRem(kOpenKey, referral_id);
    auto result = step.ExecuteFor<InboxEntry>(pool_);
    if (result.ok() || attempt >= 2) return result;
    auto code = result.status().code();
    if (code != absl::StatusCode::kFailedPrecondition && code != absl::StatusCode::kAborted) return result;
  }
}

absl::StatusOr<referral::v1::ListInboxResponse> InboxStore::List(int page_size, const std::string& page_token) {
  if (page_size == 0) page_size = 50;
  if (auto st = validate::InRange("page_size", page_size, 1, 500); !st.ok()) return st;
  long offset = 0;
  if (!page_token.empty()) {
    char* end = nullptr;
    offset = std::strtol(page_token.c_str(), &end, 10);
    if (*end != '\0' || offset < 0 || offset > 1000000)
      return absl::InvalidArgumentError("page_token: not a token from this service");
  }
  // Each shard's first offset+page_size entries, merged by due date.
  std::vector<std::pair<double, std::string>> open;
  std::vector<std::vector<std::string>> cmds;
  for (int s = 0; s < keyspace_.shards(); ++s) {
    cmds.push_back({"ZRANGE", keyspace_.Key(s, kOpenKey), "0", std::to_string(offset + page_size - 1), "WITHSCORES"});
  }
  auto replies = pool_.Pipeline(cmds);
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    auto members = redis::DecodeStrings(r.get(), "open inbox entries");
    if (!members.ok()) return members.status();
    for (size_t i = 0; i + 1 < members->size(); i += 2) {
      double score = 0;
      if (!absl::SimpleAtod((*members)[i + 1], &score)) return redis::CorruptRecord("inbox order");
      open.emplace_back(score, (*members)[i]);
    }
  }
  std::sort(open.begin(), open.end());
  referral::v1::ListInboxResponse response;
  for (size_t i = static_cast<size_t>(offset); i < open.size() && response.entries_size() < page_size; ++i) {
    // An entry gone between the two reads is skipped; a Redis error is not.
    auto entry = Get(open[i].second);
    if (entry.ok()) {
      *response.add_entries() = *entry;
    } else if (entry.status().code() != absl::StatusCode::kNotFound) {
      return entry.status();
    }
  }
  if (static_cast<size_t>(offset + page_size) < open.size())
    response.set_next_page_token(std::to_string(offset + page_size));
  return response;
}

}  // namespace yhteys::inbox
