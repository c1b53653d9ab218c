#include "yhteys/inbox/inbox_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "absl/strings/numbers.h"
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
  return validate::Text(field + ".legal_basis", d.legal_basis(), 200, false);
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
  if (auto st = validate::Text("offer.consent_basis", offer.consent_basis(), 200, false); !st.ok()) return st;
  return absl::OkStatus();
}

InboxStore::InboxStore(redis::Pool& pool, const redis::Keyspace& keyspace, InboxSettings settings)
    : pool_(pool), keyspace_(keyspace), settings_(std::move(settings)) {}

absl::StatusOr<InboxEntry> InboxStore::Get(const std::string& referral_id) {
  if (auto st = validate::Identifier("referral_id", referral_id); !st.ok()) return st;
  int shard = keyspace_.ShardFor(referral_id);
  auto reply = pool_.Command({"HGET", keyspace_.Key(shard, EntryKey(referral_id)), "entry"});
  if (!reply.ok()) return reply.status();
  auto bytes = redis::DecodeOptionalString(reply->get(), "inbox entry");
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::NotFoundError("referral_id: no such referral in this inbox");
  return redis::ParseStored<InboxEntry>(**bytes, "inbox entry");
}

absl::StatusOr<InboxEntry> InboxStore::Offer(const referral::v1::ReferralOffer& offer) {
  if (auto st = ValidateOffer(offer); !st.ok()) return st;
  int shard = keyspace_.ShardFor(offer.referral_id());
  InboxEntry entry;
  *entry.mutable_offer() = offer;
  entry.set_state(referral::v1::INBOX_STATE_OFFERED);
  auto now = ids::NowTimestamp();
  *entry.mutable_offered_at() = now;
  *entry.mutable_updated_at() = now;
  std::string serialized = entry.SerializeAsString();
  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey("Offer", offer.referral_id(), ids::Sha256Hex(offer.SerializeAsString()))
      .RecordTtl(settings_.idempotency_ttl)
      .RequireAbsent(EntryKey(offer.referral_id()),
                     absl::FailedPreconditionError("offer.referral_id: already in this inbox"))
      .HSet(EntryKey(offer.referral_id()), "entry", serialized)
      .HSet(EntryKey(offer.referral_id()), "state", referral::v1::InboxState_Name(entry.state()))
      .ZAddInOrder(kOpenKey, offer.referral_id(), DueScore(offer));
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  if (outcome->replayed) return Get(offer.referral_id());
  return entry;
}

absl::StatusOr<InboxEntry> InboxStore::Decide(const std::string& idempotency_key, const std::string& fingerprint,
                                              const std::string& referral_id, InboxState from, InboxState to,
                                              referral::v1::DeclineReason reason, const std::string& unit_id) {
  if (auto st = validate::Identifier("referral_id", referral_id); !st.ok()) return st;
  auto current = Get(referral_id);
  if (!current.ok()) return current.status();
  int shard = keyspace_.ShardFor(referral_id);
  InboxEntry entry = *current;
  entry.set_state(to);
  entry.set_decline_reason(reason);
  if (!unit_id.empty()) entry.set_handled_by_unit(unit_id);
  *entry.mutable_updated_at() = ids::NowTimestamp();

  referral::v1::ReferralOutcomeReported event;
  event.set_referral_id(referral_id);
  event.set_client_pseudonym(entry.offer().client_pseudonym());
  event.set_reporting_service(settings_.service);
  event.set_outcome(to);
  event.set_decline_reason(reason);
  event.set_unit_id(entry.handled_by_unit());
  *event.mutable_reported_at() = entry.updated_at();

  std::string verb = to == referral::v1::INBOX_STATE_ACCEPTED   ? "Accept"
                     : to == referral::v1::INBOX_STATE_DECLINED ? "Decline"
                                                                : "Complete";
  std::string from_name = referral::v1::InboxState_Name(from);
  redis::AtomicStep step(keyspace_, shard);
  step.IdempotencyKey(verb, idempotency_key, fingerprint)
      .RecordTtl(settings_.idempotency_ttl)
      .Response(entry.SerializeAsString())
      .RequireFieldIn(EntryKey(referral_id), "state", {from_name},
                      absl::FailedPreconditionError(
                          "referral_id: the referral is not " + from_name.substr(std::string("INBOX_STATE_").size()) +
                          " (current state: " + referral::v1::InboxState_Name(current->state()).substr(12) + ")"))
      .HSet(EntryKey(referral_id), "entry", entry.SerializeAsString())
      .HSet(EntryKey(referral_id), "state", referral::v1::InboxState_Name(to));
  if (to != referral::v1::INBOX_STATE_ACCEPTED) step.ZRem(kOpenKey, referral_id);
  step.Publish(redis::EventFor(event, settings_.source, settings_.topic, event.client_pseudonym()));
  return step.ExecuteFor<InboxEntry>(pool_);
}

absl::StatusOr<InboxEntry> InboxStore::Accept(const std::string& idempotency_key, const std::string& fingerprint,
                                              const std::string& referral_id, const std::string& unit_id) {
  if (!unit_id.empty()) {
    if (auto st = validate::Identifier("unit_id", unit_id); !st.ok()) return st;
  }
  return Decide(idempotency_key, fingerprint, referral_id, referral::v1::INBOX_STATE_OFFERED,
                referral::v1::INBOX_STATE_ACCEPTED, referral::v1::DECLINE_REASON_UNSPECIFIED, unit_id);
}

absl::StatusOr<InboxEntry> InboxStore::Decline(const std::string& idempotency_key, const std::string& fingerprint,
                                               const std::string& referral_id, referral::v1::DeclineReason reason) {
  if (auto st = validate::EnumSet("reason", reason, &referral::v1::DeclineReason_IsValid); !st.ok()) return st;
  return Decide(idempotency_key, fingerprint, referral_id, referral::v1::INBOX_STATE_OFFERED,
                referral::v1::INBOX_STATE_DECLINED, reason, "");
}

absl::StatusOr<InboxEntry> InboxStore::Complete(const std::string& idempotency_key, const std::string& fingerprint,
                                                const std::string& referral_id) {
  return Decide(idempotency_key, fingerprint, referral_id, referral::v1::INBOX_STATE_ACCEPTED,
                referral::v1::INBOX_STATE_COMPLETED, referral::v1::DECLINE_REASON_UNSPECIFIED, "");
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
