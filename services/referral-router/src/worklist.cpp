#include "worklist.hpp"

#include <algorithm>

#include "referral_lifecycle.hpp"

namespace yhteys::router {
namespace {

constexpr double kNoClock = 9.0e15;  // after every real moment (ms), exact in a double

bool AnyOverdue(const v1::Referral& r) {
  return std::any_of(r.clocks().begin(), r.clocks().end(),
                     [](const v1::Clock& c) { return c.overdue() && !c.stopped(); });
}

}  // namespace

std::optional<std::string> WorklistUnit(const v1::Referral& r) {
  switch (r.state()) {
    case referral::v1::REFERRAL_STATE_OFFERED:
    case referral::v1::REFERRAL_STATE_ACCEPTED:
    case referral::v1::REFERRAL_STATE_IN_PROGRESS:
      if (!r.offer().unit_id().empty()) return r.offer().unit_id();
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::vector<std::string> CounsellorReasons(const v1::Referral& r) {
  std::vector<std::string> reasons;
  if (!IsOpen(r.state())) return reasons;
  if (r.state() == referral::v1::REFERRAL_STATE_UNROUTABLE) reasons.push_back("unroutable");
  const bool taken =
      r.state() == referral::v1::REFERRAL_STATE_ACCEPTED || r.state() == referral::v1::REFERRAL_STATE_IN_PROGRESS;
  if (r.offer().urgency() == common::v1::URGENCY_URGENT && !taken) reasons.push_back("urgent");
  if (AnyOverdue(r)) reasons.push_back("overdue");
  if (r.offer().language_unmet()) reasons.push_back("language_unmet");
  return reasons;
}

double WorklistScore(const v1::Referral& r) {
  double score = kNoClock;
  for (const v1::Clock& clock : r.clocks()) {
    if (clock.stopped()) continue;
    if (auto at = OverdueAtMs(clock)) score = std::min(score, static_cast<double>(*at));
  }
  return score;
}

v1::WorklistItem WorklistItemOf(const v1::Referral& r) {
  v1::WorklistItem item;
  *item.mutable_referral() = r;
  std::string earliest;
  for (const v1::Clock& clock : r.clocks()) {
    if (clock.stopped()) continue;
    if (earliest.empty() || clock.deadline().due_date() < earliest) earliest = clock.deadline().due_date();
  }
  item.set_earliest_due_date(earliest);
  item.set_overdue(AnyOverdue(r));
  for (auto& reason : CounsellorReasons(r)) item.add_reasons(std::move(reason));
  return item;
}

bool PassesFilters(const v1::WorklistItem& item, const v1::ListWorklistRequest& request) {
  const v1::Referral& r = item.referral();
  if (request.states_size() > 0 &&
      std::find(request.states().begin(), request.states().end(), r.state()) == request.states().end()) {
    return false;
  }
  if (request.urgency() != common::v1::URGENCY_UNSPECIFIED && r.offer().urgency() != request.urgency()) return false;
  if (request.language_unmet_only() && !r.offer().language_unmet()) return false;
  if (request.overdue_only() && !item.overdue()) return false;
  return true;
}

}  // namespace yhteys::router
