#include "referral_lifecycle.hpp"

#include <algorithm>
#include <initializer_list>

#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"

namespace yhteys::router {
namespace {

using referral::v1::ReferralState;

absl::Status NotIn(const v1::Referral& r, const std::string& step, std::initializer_list<ReferralState> needed) {
  std::string names;
  for (ReferralState s : needed) names += (names.empty() ? "" : " or ") + StateName(s);
  return absl::FailedPreconditionError("referral_id: the referral is " + StateName(r.state()) + "; " + step +
                                       " needs " + names);
}

bool In(ReferralState s, std::initializer_list<ReferralState> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

const v1::Candidate* Current(const v1::Referral& r) {
  if (r.candidate_index() < 0 || r.candidate_index() >= r.candidates_size()) return nullptr;
  return &r.candidates(r.candidate_index());
}

// Points the referral's offer at candidate `index`.
void PointAt(v1::Referral* r, int index) {
  r->set_candidate_index(index);
  r->set_offer_attempts(0);
  r->set_dispatch_after_ms(0);
  if (const v1::Candidate* c = Current(*r)) {
    r->mutable_offer()->set_unit_id(c->unit_id());
    r->set_target_service(c->reached_through());
  } else {
    r->mutable_offer()->clear_unit_id();
    r->set_target_service(common::v1::SERVICE_NAME_UNSPECIFIED);
  }
}

// The current candidate said no (or let the offer expire): the next one,
// or UNROUTABLE for a person to act when none is left.
void MoveToNext(v1::Referral* r) {
  PointAt(r, r->candidate_index() + 1);
  r->set_state(Current(*r) != nullptr ? referral::v1::REFERRAL_STATE_DECLINED
                                      : referral::v1::REFERRAL_STATE_UNROUTABLE);
}

// The offer to the current candidate, made now if the router has not
// recorded it yet (the unit answered before the router wrote OFFERED).
v1::OfferAttempt* OpenAttempt(v1::Referral* r, const Timestamp& at) {
  if (r->state() == referral::v1::REFERRAL_STATE_OFFERED && r->offers_size() > 0) {
    return r->mutable_offers(r->offers_size() - 1);
  }
  v1::OfferAttempt* attempt = r->add_offers();
  attempt->set_unit_id(r->offer().unit_id());
  attempt->set_result(v1::OFFER_RESULT_OFFERED);
  *attempt->mutable_offered_at() = at;
  return attempt;
}

// A unit that accepted just as its offer expired (its answer was on its way
// when the router moved on): the acceptance wins while nobody else has
// taken the client. The newer offer, if one went out, is withdrawn.
bool LateAcceptance(v1::Referral* r, const Answer& answer) {
  if (answer.unit_id.empty() || answer.unit_id == r->offer().unit_id()) return false;
  if (!In(r->state(), {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_OFFERED,
                       referral::v1::REFERRAL_STATE_DECLINED, referral::v1::REFERRAL_STATE_UNROUTABLE})) {
    return false;
  }
  int attempt = -1;
  for (int i = r->offers_size() - 1; i >= 0; --i) {
    if (r->offers(i).unit_id() == answer.unit_id) {
      attempt = i;
      break;
    }
  }
  if (attempt < 0 || r->offers(attempt).result() != v1::OFFER_RESULT_EXPIRED) return false;
  int candidate = -1;
  for (int i = 0; i < r->candidates_size(); ++i) {
    if (r->candidates(i).unit_id() == answer.unit_id) candidate = i;
  }
  if (candidate < 0) return false;
  if (r->state() == referral::v1::REFERRAL_STATE_OFFERED) {
    v1::OfferAttempt* newer = r->mutable_offers(r->offers_size() - 1);
    newer->set_result(v1::OFFER_RESULT_WITHDRAWN);
    *newer->mutable_answered_at() = answer.at;
    if (r->target_service() != common::v1::SERVICE_NAME_EXTERNAL) {
      r->set_withdraw_unit_id(r->offer().unit_id());
      r->set_withdraw_service(r->target_service());
    }
  } else if (r->withdraw_unit_id() == answer.unit_id) {
    // Its expired offer was to be taken back: it is the one that stays.
    r->clear_withdraw_unit_id();
    r->clear_withdraw_service();
  }
  v1::OfferAttempt* accepted = r->mutable_offers(attempt);
  accepted->set_result(v1::OFFER_RESULT_ACCEPTED);
  accepted->clear_decline_reason();
  *accepted->mutable_answered_at() = answer.at;
  PointAt(r, candidate);
  r->set_state(referral::v1::REFERRAL_STATE_ACCEPTED);
  return true;
}

absl::Status CheckUnit(const v1::Referral& r, const std::string& unit_id) {
  if (unit_id.empty() || unit_id == r.offer().unit_id()) return absl::OkStatus();
  return absl::FailedPreconditionError("unit_id: the referral is with unit " +
                                       (r.offer().unit_id().empty() ? std::string("(none)") : r.offer().unit_id()) +
                                       ", not " + unit_id);
}

}  // namespace

void StopClocks(v1::Referral* r) {
  const ReferralState s = r->state();
  for (v1::Clock& clock : *r->mutable_clocks()) {
    const bool ended = In(s, {referral::v1::REFERRAL_STATE_COMPLETED, referral::v1::REFERRAL_STATE_CANCELLED,
                              referral::v1::REFERRAL_STATE_WITHHELD});
    const bool started = s == referral::v1::REFERRAL_STATE_IN_PROGRESS &&
                         (clock.kind() == v1::CLOCK_KIND_STATUTORY_START || clock.kind() == v1::CLOCK_KIND_TARGET);
    if (ended || started) clock.set_stopped(true);
  }
}

std::string StateName(ReferralState state) {
  std::string name = referral::v1::ReferralState_Name(state);
  const std::string prefix = "REFERRAL_STATE_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

bool IsOpen(ReferralState s) {
  return In(s, {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_OFFERED,
                referral::v1::REFERRAL_STATE_DECLINED, referral::v1::REFERRAL_STATE_ACCEPTED,
                referral::v1::REFERRAL_STATE_IN_PROGRESS, referral::v1::REFERRAL_STATE_UNROUTABLE});
}

bool NeedsDispatch(const v1::Referral& r) {
  return !r.withdraw_unit_id().empty() ||
         In(r.state(), {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_DECLINED});
}

void Route(const UnitChoice& choice, const Directory& directory, v1::Referral* r) {
  r->clear_candidates();
  for (const RankedUnit& ranked : choice.ranked) {
    v1::Candidate* c = r->add_candidates();
    c->set_unit_id(ranked.unit_id);
    if (const DirectoryUnit* unit = directory.Find(ranked.unit_id)) c->set_reached_through(unit->reached_through);
    c->set_in_clients_language(ranked.in_clients_language);
    c->set_capacity(CapacityName(ranked.capacity));
  }
  r->set_choice_reason(choice.reason);
  r->mutable_offer()->set_language_unmet(choice.language_unmet);
  PointAt(r, 0);
  r->set_state(r->candidates_size() > 0 ? referral::v1::REFERRAL_STATE_CREATED
                                        : referral::v1::REFERRAL_STATE_UNROUTABLE);
}

void SetClocks(v1::Referral* r) {
  r->clear_clocks();
  const auto add = [r](v1::ClockKind kind, const referral::v1::Deadline& deadline) {
    if (deadline.due_date().empty()) return;
    v1::Clock* clock = r->add_clocks();
    clock->set_kind(kind);
    *clock->mutable_deadline() = deadline;
  };
  add(v1::CLOCK_KIND_STATUTORY_START, r->offer().statutory_deadline());
  add(v1::CLOCK_KIND_STATUTORY_COMPLETION, r->offer().statutory_completion_deadline());
  add(v1::CLOCK_KIND_TARGET, r->offer().target_deadline());
}

absl::StatusOr<v1::Referral> DecideOffered(const v1::Referral& referral, const Timestamp& now) {
  if (!In(referral.state(), {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_DECLINED})) {
    return NotIn(referral, "an offer", {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_DECLINED});
  }
  if (Current(referral) == nullptr) return absl::FailedPreconditionError("referral_id: no candidate unit to offer to");
  v1::Referral r = referral;
  v1::OfferAttempt* attempt = r.add_offers();
  attempt->set_unit_id(r.offer().unit_id());
  attempt->set_result(v1::OFFER_RESULT_OFFERED);
  *attempt->mutable_offered_at() = now;
  r.set_state(referral::v1::REFERRAL_STATE_OFFERED);
  r.set_offer_attempts(r.offer_attempts() + 1);  // this call, after any that failed
  r.set_dispatch_after_ms(0);
  r.clear_withdraw_unit_id();
  r.clear_withdraw_service();
  *r.mutable_updated_at() = now;
  return r;
}

absl::StatusOr<v1::Referral> DecideAnswer(const v1::Referral& referral, const Answer& answer) {
  using referral::v1::REFERRAL_STATE_ACCEPTED;
  using referral::v1::REFERRAL_STATE_CREATED;
  using referral::v1::REFERRAL_STATE_DECLINED;
  using referral::v1::REFERRAL_STATE_IN_PROGRESS;
  using referral::v1::REFERRAL_STATE_OFFERED;
  v1::Referral r = referral;
  switch (answer.state) {
    case referral::v1::INBOX_STATE_ACCEPTED:
    case referral::v1::INBOX_STATE_DECLINED: {
      const bool accept = answer.state == referral::v1::INBOX_STATE_ACCEPTED;
      if (accept && LateAcceptance(&r, answer)) break;
      // CREATED and DECLINED too: the unit may answer before the router wrote OFFERED.
      if (!In(r.state(), {REFERRAL_STATE_OFFERED, REFERRAL_STATE_CREATED, REFERRAL_STATE_DECLINED}) ||
          Current(r) == nullptr) {
        return NotIn(r, accept ? "ACCEPTED" : "DECLINED", {REFERRAL_STATE_OFFERED});
      }
      if (auto st = CheckUnit(r, answer.unit_id); !st.ok()) return st;
      v1::OfferAttempt* attempt = OpenAttempt(&r, answer.at);
      *attempt->mutable_answered_at() = answer.at;
      if (accept) {
        attempt->set_result(v1::OFFER_RESULT_ACCEPTED);
        r.set_state(REFERRAL_STATE_ACCEPTED);
      } else {
        attempt->set_result(v1::OFFER_RESULT_DECLINED);
        attempt->set_decline_reason(answer.decline_reason);
        MoveToNext(&r);
      }
      break;
    }
    case referral::v1::INBOX_STATE_IN_PROGRESS:
      if (r.state() != REFERRAL_STATE_ACCEPTED) return NotIn(r, "IN_PROGRESS", {REFERRAL_STATE_ACCEPTED});
      if (auto st = CheckUnit(r, answer.unit_id); !st.ok()) return st;
      r.set_state(REFERRAL_STATE_IN_PROGRESS);
      break;
    case referral::v1::INBOX_STATE_COMPLETED:
      if (!In(r.state(), {REFERRAL_STATE_ACCEPTED, REFERRAL_STATE_IN_PROGRESS})) {
        return NotIn(r, "COMPLETED", {REFERRAL_STATE_ACCEPTED, REFERRAL_STATE_IN_PROGRESS});
      }
      if (auto st = CheckUnit(r, answer.unit_id); !st.ok()) return st;
      r.set_state(referral::v1::REFERRAL_STATE_COMPLETED);
      *r.mutable_outcome() = answer.outcome;
      break;
    default: return absl::InvalidArgumentError("outcome: not ACCEPTED, DECLINED, IN_PROGRESS or COMPLETED");
  }
  StopClocks(&r);
  *r.mutable_updated_at() = answer.at;
  return r;
}

absl::StatusOr<v1::Referral> DecideExpired(const v1::Referral& referral, const std::string& unit_id,
                                           const Timestamp& now) {
  if (referral.state() != referral::v1::REFERRAL_STATE_OFFERED) {
    return NotIn(referral, "an expiry", {referral::v1::REFERRAL_STATE_OFFERED});
  }
  if (auto st = CheckUnit(referral, unit_id); !st.ok()) return st;
  v1::Referral r = referral;
  v1::OfferAttempt* attempt = OpenAttempt(&r, now);
  attempt->set_result(v1::OFFER_RESULT_EXPIRED);
  attempt->set_decline_reason(referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  *attempt->mutable_answered_at() = now;
  if (r.target_service() != common::v1::SERVICE_NAME_EXTERNAL) {
    r.set_withdraw_unit_id(r.offer().unit_id());
    r.set_withdraw_service(r.target_service());
  }
  MoveToNext(&r);
  *r.mutable_updated_at() = now;
  return r;
}

absl::StatusOr<v1::Referral> DecideOfferRefused(const v1::Referral& referral, const Timestamp& now) {
  if (!In(referral.state(), {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_DECLINED}) ||
      Current(referral) == nullptr) {
    return NotIn(referral, "a refused offer",
                 {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_DECLINED});
  }
  v1::Referral r = referral;
  v1::OfferAttempt* attempt = r.add_offers();
  attempt->set_unit_id(r.offer().unit_id());
  attempt->set_result(v1::OFFER_RESULT_DECLINED);
  *attempt->mutable_offered_at() = now;
  *attempt->mutable_answered_at() = now;
  MoveToNext(&r);
  *r.mutable_updated_at() = now;
  return r;
}

absl::StatusOr<v1::Referral> DecideCancelled(const v1::Referral& referral, referral::v1::CancelReason reason,
                                             const Timestamp& now) {
  if (!IsOpen(referral.state())) {
    return NotIn(referral, "CANCELLED",
                 {referral::v1::REFERRAL_STATE_CREATED, referral::v1::REFERRAL_STATE_OFFERED,
                  referral::v1::REFERRAL_STATE_DECLINED, referral::v1::REFERRAL_STATE_ACCEPTED,
                  referral::v1::REFERRAL_STATE_IN_PROGRESS, referral::v1::REFERRAL_STATE_UNROUTABLE});
  }
  v1::Referral r = referral;
  const bool with_a_unit = In(r.state(), {referral::v1::REFERRAL_STATE_OFFERED, referral::v1::REFERRAL_STATE_ACCEPTED,
                                          referral::v1::REFERRAL_STATE_IN_PROGRESS});
  if (r.state() == referral::v1::REFERRAL_STATE_OFFERED && r.offers_size() > 0) {
    v1::OfferAttempt* attempt = r.mutable_offers(r.offers_size() - 1);
    attempt->set_result(v1::OFFER_RESULT_WITHDRAWN);
    *attempt->mutable_answered_at() = now;
  }
  if (with_a_unit && r.target_service() != common::v1::SERVICE_NAME_EXTERNAL) {
    r.set_withdraw_unit_id(r.offer().unit_id());
    r.set_withdraw_service(r.target_service());
  }
  r.set_state(referral::v1::REFERRAL_STATE_CANCELLED);
  r.set_cancel_reason(reason);
  StopClocks(&r);
  *r.mutable_updated_at() = now;
  return r;
}

std::string ClockName(v1::ClockKind kind) {
  switch (kind) {
    case v1::CLOCK_KIND_STATUTORY_START: return "statutory";
    case v1::CLOCK_KIND_STATUTORY_COMPLETION: return "statutory_completion";
    case v1::CLOCK_KIND_TARGET: return "target";
    default: return "unknown";
  }
}

std::optional<int64_t> OverdueAtMs(const v1::Clock& clock) {
  auto due = calendar::ParseDate(clock.deadline().due_date());
  if (!due.ok()) return std::nullopt;
  return calendar::StartOfFinnishDayMillis(std::chrono::sys_days{*due} + std::chrono::days{1});
}

absl::StatusOr<v1::Referral> DecideOverdue(const v1::Referral& referral, v1::ClockKind kind, int64_t now_ms) {
  v1::Referral r = referral;
  for (v1::Clock& clock : *r.mutable_clocks()) {
    if (clock.kind() != kind) continue;
    if (clock.stopped()) return absl::FailedPreconditionError("clock: " + ClockName(kind) + " stopped");
    if (clock.overdue()) return absl::FailedPreconditionError("clock: " + ClockName(kind) + " already overdue");
    auto at = OverdueAtMs(clock);
    if (!at || now_ms < *at) return absl::FailedPreconditionError("clock: " + ClockName(kind) + " not due yet");
    clock.set_overdue(true);
    return r;
  }
  return absl::FailedPreconditionError("clock: the referral has no " + ClockName(kind) + " clock");
}

v1::Referral WithdrawalDone(const v1::Referral& referral) {
  v1::Referral r = referral;
  r.clear_withdraw_unit_id();
  r.clear_withdraw_service();
  return r;
}

}  // namespace yhteys::router
