#pragma once
// The referral's lifecycle as pure decisions: each takes the referral as
// stored and what happened, and returns the referral as it must be stored
// next (the store derives the event and its indexes from the two). No
// clock, randomness or I/O inside; `now` comes in.
//
// The referral (the request) stays open while offers go to its candidate
// units one at a time:
//   CREATED -> OFFERED -> ACCEPTED -> IN_PROGRESS -> COMPLETED (with an outcome)
//   OFFERED -> DECLINED (declined, expired unanswered, or refused by the
//              unit's system) -> OFFERED to the next candidate, ...
//           -> UNROUTABLE when no candidate is left
//   any open state -> CANCELLED (by the originating unit, or the client refused)
// An illegal step is FAILED_PRECONDITION naming the state it needs.

#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "directory.hpp"
#include "unit_choice.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

using Timestamp = google::protobuf::Timestamp;

// Puts the chosen units on a new referral: its candidates in order, the
// first as the unit to offer to, the reason it won, language_unmet. With no
// candidate the referral is UNROUTABLE from the start.
void Route(const UnitChoice& choice, const Directory& directory, v1::Referral* referral);

// The referral's clocks, from the deadlines on its offer.
void SetClocks(v1::Referral* referral);
// Stops the clocks the referral's state ends or whose step it reached.
void StopClocks(v1::Referral* referral);

// The offer call to the current candidate succeeded (or, for an external
// unit, the OFFERED event is the offer): CREATED or DECLINED -> OFFERED.
absl::StatusOr<v1::Referral> DecideOffered(const v1::Referral& referral, const Timestamp& now);

// A unit's answer, from its inbox's event or the router's gRPC for
// external units. `unit_id` empty means the unit offered to now.
struct Answer {
  referral::v1::InboxState state = referral::v1::INBOX_STATE_UNSPECIFIED;  // ACCEPTED, DECLINED, IN_PROGRESS, COMPLETED
  std::string unit_id;
  referral::v1::DeclineReason decline_reason = referral::v1::DECLINE_REASON_UNSPECIFIED;
  referral::v1::Outcome outcome;  // with COMPLETED
  Timestamp at;
};
absl::StatusOr<v1::Referral> DecideAnswer(const v1::Referral& referral, const Answer& answer);

// The offer to `unit_id` went unanswered past the inactivity limit: like a
// decline (reason OFFER_EXPIRED), and the offer is withdrawn from the
// unit's inbox.
absl::StatusOr<v1::Referral> DecideExpired(const v1::Referral& referral, const std::string& unit_id,
                                           const Timestamp& now);

// The current candidate's system refused the offer as invalid, or the
// router has no address for it: the next candidate is tried.
absl::StatusOr<v1::Referral> DecideOfferRefused(const v1::Referral& referral, const Timestamp& now);

// Cancelled by the originating unit or because the client refused.
absl::StatusOr<v1::Referral> DecideCancelled(const v1::Referral& referral, referral::v1::CancelReason reason,
                                             const Timestamp& now);

// The moment a clock is overdue: the first instant (Europe/Helsinki) of the
// day after its due date, when the day it allowed has passed without the
// step. nullopt for a due date that is not a date.
std::optional<int64_t> OverdueAtMs(const v1::Clock& clock);
// The clock of `kind` passed its due date (`now_ms` >= OverdueAtMs) while
// still running: marked overdue, once. FAILED_PRECONDITION when it is not
// due yet, stopped, or already overdue.
absl::StatusOr<v1::Referral> DecideOverdue(const v1::Referral& referral, v1::ClockKind kind, int64_t now_ms);
// "statutory", "statutory_completion" or "target": the clock's name in
// events (ReferralOverdue.clock) and metrics.
std::string ClockName(v1::ClockKind kind);

// The offer named in withdraw_unit_id was taken back from the unit's inbox.
v1::Referral WithdrawalDone(const v1::Referral& referral);

// True when the referral waits for a call to a unit: an offer to make, or
// an offer to withdraw.
bool NeedsDispatch(const v1::Referral& referral);
// True in the states a referral can still move on from.
bool IsOpen(referral::v1::ReferralState state);

// "OFFERED" for REFERRAL_STATE_OFFERED.
std::string StateName(referral::v1::ReferralState state);

}  // namespace yhteys::router
