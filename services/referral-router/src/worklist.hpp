#pragma once
// Which worklists a referral is on, in which order, and why: pure functions
// the store indexes by and the worklist reads filter with.
//   A unit's worklist: the referrals OFFERED to it, ACCEPTED or IN_PROGRESS
//   there.
//   A county's counsellors' worklist: open referrals a person must act on —
//   UNROUTABLE; URGENT and not yet accepted; a running clock overdue;
//   language_unmet.
// Both in order of the earliest running clock's overdue moment.

#include <optional>
#include <string>
#include <vector>

#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

// The unit whose worklist holds the referral; nullopt when none.
std::optional<std::string> WorklistUnit(const v1::Referral& referral);
// Why the referral is on its county's counsellors' worklist (empty: it is not).
std::vector<std::string> CounsellorReasons(const v1::Referral& referral);
// The order key: the earliest running clock's overdue moment (ms), or a
// late constant when none runs.
double WorklistScore(const v1::Referral& referral);
// The worklist item for a referral: the earliest running due date, overdue, reasons.
v1::WorklistItem WorklistItemOf(const v1::Referral& referral);
// Whether `item` passes a unit worklist request's filters.
bool PassesFilters(const v1::WorklistItem& item, const v1::ListWorklistRequest& request);

}  // namespace yhteys::router
