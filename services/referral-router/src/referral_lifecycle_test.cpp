// Table tests of the referral lifecycle: every step from every state, legal
// or FAILED_PRECONDITION, and the re-routing, clocks and withdrawals.
#include "referral_lifecycle.hpp"

#include "referral_builder.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace yhteys::router {
namespace {

using referral::v1::ReferralState;
namespace rs = referral::v1;

Timestamp At(int64_t seconds) {
  Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// A referral with two candidates (an internal unit, then an external one),
// a start, a completion and a target clock, in `state`, offered to the
// first candidate.
v1::Referral InState(ReferralState state, int candidate = 0) {
  v1::Referral r;
  r.mutable_offer()->set_referral_id("ref-1");
  r.mutable_offer()->mutable_statutory_deadline()->set_due_date("2026-12-07");
  r.mutable_offer()->mutable_statutory_completion_deadline()->set_due_date("2027-02-26");
  r.mutable_offer()->mutable_target_deadline()->set_due_date("2026-12-03");
  SetClocks(&r);
  UnitChoice choice;
  choice.ranked = {{"mh-a", true, Capacity::kAvailable}, {"mh-b", true, Capacity::kWaitlistUnderOneMonth}};
  choice.reason = "test";
  Directory directory;
  for (const auto& [id, service] : {std::pair{"mh-a", common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE},
                                    std::pair{"mh-b", common::v1::SERVICE_NAME_EXTERNAL}}) {
    DirectoryUnit unit;
    unit.id = id;
    unit.reached_through = service;
    directory.units.push_back(unit);
  }
  Route(choice, directory, &r);
  if (candidate == 1) {
    r.set_candidate_index(1);
    r.mutable_offer()->set_unit_id("mh-b");
    r.set_target_service(common::v1::SERVICE_NAME_EXTERNAL);
  }
  if (state != rs::REFERRAL_STATE_CREATED && state != rs::REFERRAL_STATE_DECLINED) {
    auto offered = DecideOffered(r, At(100));
    EXPECT_TRUE(offered.ok()) << offered.status();
    r = *offered;
  }
  r.set_state(state);
  return r;
}

Answer AnswerOf(rs::InboxState state) {
  Answer a;
  a.state = state;
  a.at = At(200);
  if (state == rs::INBOX_STATE_DECLINED) a.decline_reason = rs::DECLINE_REASON_NO_CAPACITY;
  if (state == rs::INBOX_STATE_COMPLETED) a.outcome.set_result(rs::OUTCOME_RESULT_SERVICE_GIVEN);
  return a;
}

using Step = std::function<absl::StatusOr<v1::Referral>(const v1::Referral&)>;

TEST(ReferralLifecycleTest, EveryStepFromEveryState) {
  const std::map<std::string, Step> steps = {
      {"offered", [](const v1::Referral& r) { return DecideOffered(r, At(300)); }},
      {"accepted", [](const v1::Referral& r) { return DecideAnswer(r, AnswerOf(rs::INBOX_STATE_ACCEPTED)); }},
      {"declined", [](const v1::Referral& r) { return DecideAnswer(r, AnswerOf(rs::INBOX_STATE_DECLINED)); }},
      {"started", [](const v1::Referral& r) { return DecideAnswer(r, AnswerOf(rs::INBOX_STATE_IN_PROGRESS)); }},
      {"completed", [](const v1::Referral& r) { return DecideAnswer(r, AnswerOf(rs::INBOX_STATE_COMPLETED)); }},
      {"expired", [](const v1::Referral& r) { return DecideExpired(r, "mh-a", At(300)); }},
      {"refused", [](const v1::Referral& r) { return DecideOfferRefused(r, At(300)); }},
      {"cancelled",
       [](const v1::Referral& r) { return DecideCancelled(r, rs::CANCEL_REASON_CLIENT_REFUSED, At(300)); }},
  };
  constexpr auto X = rs::REFERRAL_STATE_UNSPECIFIED;  // FAILED_PRECONDITION
  // From state -> {step -> state after (first candidate declining moves to the second: DECLINED)}.
  const std::map<ReferralState, std::map<std::string, ReferralState>> table = {
      {rs::REFERRAL_STATE_CREATED,
       {{"offered", rs::REFERRAL_STATE_OFFERED},
        {"accepted", rs::REFERRAL_STATE_ACCEPTED},
        {"declined", rs::REFERRAL_STATE_DECLINED},
        {"started", X},
        {"completed", X},
        {"expired", X},
        {"refused", rs::REFERRAL_STATE_DECLINED},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_OFFERED,
       {{"offered", X},
        {"accepted", rs::REFERRAL_STATE_ACCEPTED},
        {"declined", rs::REFERRAL_STATE_DECLINED},
        {"started", X},
        {"completed", X},
        {"expired", rs::REFERRAL_STATE_DECLINED},
        {"refused", X},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_DECLINED,
       {{"offered", rs::REFERRAL_STATE_OFFERED},
        {"accepted", rs::REFERRAL_STATE_ACCEPTED},
        {"declined", rs::REFERRAL_STATE_DECLINED},
        {"started", X},
        {"completed", X},
        {"expired", X},
        {"refused", rs::REFERRAL_STATE_DECLINED},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_ACCEPTED,
       {{"offered", X},
        {"accepted", X},
        {"declined", X},
        {"started", rs::REFERRAL_STATE_IN_PROGRESS},
        {"completed", rs::REFERRAL_STATE_COMPLETED},
        {"expired", X},
        {"refused", X},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_IN_PROGRESS,
       {{"offered", X},
        {"accepted", X},
        {"declined", X},
        {"started", X},
        {"completed", rs::REFERRAL_STATE_COMPLETED},
        {"expired", X},
        {"refused", X},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_UNROUTABLE,
       {{"offered", X},
        {"accepted", X},
        {"declined", X},
        {"started", X},
        {"completed", X},
        {"expired", X},
        {"refused", X},
        {"cancelled", rs::REFERRAL_STATE_CANCELLED}}},
      {rs::REFERRAL_STATE_COMPLETED, {}},
      {rs::REFERRAL_STATE_CANCELLED, {}},
      {rs::REFERRAL_STATE_WITHHELD, {}},
  };
  for (const auto& [from, expected] : table) {
    for (const auto& [name, step] : steps) {
      const auto it = expected.find(name);
      const ReferralState want = it == expected.end() ? X : it->second;
      const std::string label = StateName(from) + " --" + name + "-->";
      auto after = step(InState(from));
      if (want == X) {
        EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition) << label;
        EXPECT_EQ(after.status().message().rfind("referral_id: the referral is " + StateName(from) + ";", 0), 0u)
            << label << " " << after.status();
      } else {
        ASSERT_TRUE(after.ok()) << label << " " << after.status();
        EXPECT_EQ(after->state(), want) << label;
      }
    }
  }
}

TEST(ReferralLifecycleTest, ADeclineReroutesToTheNextCandidateThenUnroutable) {
  v1::Referral r = InState(rs::REFERRAL_STATE_OFFERED);
  auto declined = DecideAnswer(r, AnswerOf(rs::INBOX_STATE_DECLINED));
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->state(), rs::REFERRAL_STATE_DECLINED);
  EXPECT_EQ(declined->candidate_index(), 1);
  EXPECT_EQ(declined->offer().unit_id(), "mh-b");
  EXPECT_EQ(declined->target_service(), common::v1::SERVICE_NAME_EXTERNAL);
  ASSERT_EQ(declined->offers_size(), 1);
  EXPECT_EQ(declined->offers(0).unit_id(), "mh-a");
  EXPECT_EQ(declined->offers(0).result(), v1::OFFER_RESULT_DECLINED);
  EXPECT_EQ(declined->offers(0).decline_reason(), rs::DECLINE_REASON_NO_CAPACITY);
  EXPECT_TRUE(NeedsDispatch(*declined));
  // The second candidate is offered, and declines too: nobody is left.
  auto offered = DecideOffered(*declined, At(300));
  ASSERT_TRUE(offered.ok());
  EXPECT_EQ(offered->offers_size(), 2);
  auto last = DecideAnswer(*offered, AnswerOf(rs::INBOX_STATE_DECLINED));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->state(), rs::REFERRAL_STATE_UNROUTABLE);
  EXPECT_EQ(last->offer().unit_id(), "");
  EXPECT_FALSE(NeedsDispatch(*last));
  for (const auto& clock : last->clocks()) EXPECT_FALSE(clock.stopped()) << "an UNROUTABLE need's clocks run on";
}

TEST(ReferralLifecycleTest, AnAnswerFromAUnitNoLongerOfferedIsStale) {
  v1::Referral r = InState(rs::REFERRAL_STATE_OFFERED, /*candidate=*/1);
  Answer late = AnswerOf(rs::INBOX_STATE_ACCEPTED);
  late.unit_id = "mh-a";
  auto after = DecideAnswer(r, late);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(after.status().message(), "unit_id: the referral is with unit mh-b, not mh-a");
  late.unit_id = "mh-b";
  EXPECT_TRUE(DecideAnswer(r, late).ok());
}

TEST(ReferralLifecycleTest, AUnitThatAcceptedAsItsOfferExpiredKeepsTheClient) {
  v1::Referral r = InState(rs::REFERRAL_STATE_OFFERED);
  auto expired = DecideExpired(r, "mh-a", At(5000));
  ASSERT_TRUE(expired.ok());
  Answer late = AnswerOf(rs::INBOX_STATE_ACCEPTED);
  late.unit_id = "mh-a";
  // Before the next offer went out: mh-a keeps it, and is not withdrawn.
  auto kept = DecideAnswer(*expired, late);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->state(), rs::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(kept->offer().unit_id(), "mh-a");
  EXPECT_EQ(kept->target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(kept->withdraw_unit_id(), "");
  EXPECT_EQ(kept->offers(0).result(), router::v1::OFFER_RESULT_ACCEPTED);
  // After the next offer went out (to an external unit: nothing to withdraw
  // from an inbox; it learns from the event).
  auto offered = DecideOffered(*expired, At(5001));
  ASSERT_TRUE(offered.ok());
  auto won = DecideAnswer(*offered, late);
  ASSERT_TRUE(won.ok()) << won.status();
  EXPECT_EQ(won->state(), rs::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(won->offer().unit_id(), "mh-a");
  EXPECT_EQ(won->offers(1).result(), router::v1::OFFER_RESULT_WITHDRAWN);
  // A unit that declined cannot take it back by accepting later.
  auto declined = DecideAnswer(r, [] {
    Answer a = AnswerOf(rs::INBOX_STATE_DECLINED);
    a.unit_id = "mh-a";
    return a;
  }());
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(DecideAnswer(*declined, late).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ReferralLifecycleTest, AnExpiredOfferIsWithdrawnAndTheNextCandidateOffered) {
  v1::Referral r = InState(rs::REFERRAL_STATE_OFFERED);
  auto expired = DecideExpired(r, "mh-a", At(5000));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->state(), rs::REFERRAL_STATE_DECLINED);
  // The declining unit's own second answer is stale.
  Answer again = AnswerOf(rs::INBOX_STATE_DECLINED);
  again.unit_id = "mh-a";
  EXPECT_EQ(DecideAnswer(*expired, again).status().message(), "unit_id: the referral is with unit mh-b, not mh-a");
  EXPECT_EQ(expired->offers(0).result(), v1::OFFER_RESULT_EXPIRED);
  EXPECT_EQ(expired->offers(0).decline_reason(), rs::DECLINE_REASON_OFFER_EXPIRED);
  EXPECT_EQ(expired->withdraw_unit_id(), "mh-a");
  EXPECT_EQ(expired->withdraw_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(expired->offer().unit_id(), "mh-b");
  // The next offer clears the withdrawal (the dispatcher makes it first).
  auto offered = DecideOffered(*expired, At(5001));
  ASSERT_TRUE(offered.ok());
  EXPECT_EQ(offered->withdraw_unit_id(), "");
  // An expiry of another unit's offer is not this one's.
  EXPECT_EQ(DecideExpired(*offered, "mh-a", At(6000)).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ReferralLifecycleTest, ClocksStopAtTheStepTheyGuard) {
  auto started = DecideAnswer(InState(rs::REFERRAL_STATE_ACCEPTED), AnswerOf(rs::INBOX_STATE_IN_PROGRESS));
  ASSERT_TRUE(started.ok());
  std::map<v1::ClockKind, bool> stopped;
  for (const auto& clock : started->clocks()) stopped[clock.kind()] = clock.stopped();
  EXPECT_TRUE(stopped[v1::CLOCK_KIND_STATUTORY_START]);
  EXPECT_TRUE(stopped[v1::CLOCK_KIND_TARGET]);
  EXPECT_FALSE(stopped[v1::CLOCK_KIND_STATUTORY_COMPLETION]);
  auto completed = DecideAnswer(*started, AnswerOf(rs::INBOX_STATE_COMPLETED));
  ASSERT_TRUE(completed.ok());
  for (const auto& clock : completed->clocks()) EXPECT_TRUE(clock.stopped());
  EXPECT_EQ(completed->outcome().result(), rs::OUTCOME_RESULT_SERVICE_GIVEN);
  auto accepted = DecideAnswer(InState(rs::REFERRAL_STATE_OFFERED), AnswerOf(rs::INBOX_STATE_ACCEPTED));
  ASSERT_TRUE(accepted.ok());
  for (const auto& clock : accepted->clocks()) EXPECT_FALSE(clock.stopped()) << "accepting starts nothing yet";
}

TEST(ReferralLifecycleTest, CancellingWithdrawsTheOfferFromAnInternalUnit) {
  auto cancelled = DecideCancelled(InState(rs::REFERRAL_STATE_OFFERED), rs::CANCEL_REASON_ORIGIN_WITHDREW, At(400));
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->withdraw_unit_id(), "mh-a");
  EXPECT_EQ(cancelled->offers(0).result(), v1::OFFER_RESULT_WITHDRAWN);
  EXPECT_EQ(cancelled->cancel_reason(), rs::CANCEL_REASON_ORIGIN_WITHDREW);
  EXPECT_TRUE(NeedsDispatch(*cancelled));
  EXPECT_FALSE(NeedsDispatch(WithdrawalDone(*cancelled)));
  // An external unit learns it from the CANCELLED event: nothing to withdraw.
  auto external = DecideCancelled(InState(rs::REFERRAL_STATE_ACCEPTED, 1), rs::CANCEL_REASON_CLIENT_REFUSED, At(400));
  ASSERT_TRUE(external.ok());
  EXPECT_EQ(external->withdraw_unit_id(), "");
  // Before any offer: nothing to withdraw either.
  auto early = DecideCancelled(InState(rs::REFERRAL_STATE_CREATED), rs::CANCEL_REASON_CLIENT_REFUSED, At(400));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->withdraw_unit_id(), "");
  EXPECT_FALSE(NeedsDispatch(*early));
}

// Every clock kind over the Christmas holidays of 2026: each is overdue
// from the first instant (Helsinki) of the day after its due date, once,
// and not while it is stopped.
TEST(ReferralLifecycleTest, EachClockKindIsOverdueOnceFromTheDayAfterItsDueDate) {
  Rule rule;
  rule.id = "test-rule";
  rule.need = "possible-depression";
  const auto clock = [](const char* text) {
    Clock c;
    c.rule = *calendar::ParseDeadlineRule(text);
    c.rule_text = text;
    c.basis = "test";
    return c;
  };
  rule.statutory = clock("working_days:7");
  rule.statutory_completion = clock("months:3");
  rule.target_clock = clock("days:7");
  Trigger trigger{"/yhteys/home-care", "evt-xmas", std::string(64, 'c'), common::v1::LANGUAGE_FI, "398", 80,
                  std::nullopt,        ""};
  // From Friday 2026-12-18 the seventh working day skips Christmas Eve (not
  // a working day by default), Christmas Day and the weekends: Thursday
  // 2026-12-31. Three months: 2027-03-18. Seven days: Christmas Day.
  v1::Referral r = BuildReferral(rule, trigger, std::chrono::year{2026} / 12 / 18);
  ASSERT_EQ(r.clocks_size(), 3);
  const std::map<v1::ClockKind, std::string> due = {{v1::CLOCK_KIND_STATUTORY_START, "2026-12-31"},
                                                    {v1::CLOCK_KIND_STATUTORY_COMPLETION, "2027-03-18"},
                                                    {v1::CLOCK_KIND_TARGET, "2026-12-25"}};
  for (const v1::Clock& c : r.clocks()) {
    EXPECT_EQ(c.deadline().due_date(), due.at(c.kind())) << ClockName(c.kind());
    auto day_after = calendar::ParseDate(due.at(c.kind()));
    const int64_t at = *calendar::StartOfFinnishDayMillis(std::chrono::sys_days{*day_after} + std::chrono::days{1});
    EXPECT_EQ(OverdueAtMs(c), at) << ClockName(c.kind());
    // The due date itself is still in time; the next instant is not.
    EXPECT_EQ(DecideOverdue(r, c.kind(), at - 1).status().code(), absl::StatusCode::kFailedPrecondition);
    auto overdue = DecideOverdue(r, c.kind(), at);
    ASSERT_TRUE(overdue.ok()) << ClockName(c.kind()) << " " << overdue.status();
    EXPECT_EQ(DecideOverdue(*overdue, c.kind(), at + 86400000).status().message(),
              "clock: " + ClockName(c.kind()) + " already overdue");
  }
  // Midnight in Helsinki is 22:00 UTC in winter: the target clock (due
  // Christmas Day) is overdue from 2026-12-25T22:00:00Z.
  v1::Clock target;
  target.set_kind(v1::CLOCK_KIND_TARGET);
  target.mutable_deadline()->set_due_date("2026-12-25");
  EXPECT_EQ(OverdueAtMs(target), int64_t{1798236000} * 1000);
  // A started service stops the start and target clocks: they are never overdue.
  auto started = DecideAnswer(InState(rs::REFERRAL_STATE_ACCEPTED), AnswerOf(rs::INBOX_STATE_IN_PROGRESS));
  ASSERT_TRUE(started.ok());
  EXPECT_EQ(DecideOverdue(*started, v1::CLOCK_KIND_STATUTORY_START, int64_t{1} << 50).status().message(),
            "clock: statutory stopped");
  EXPECT_TRUE(DecideOverdue(*started, v1::CLOCK_KIND_STATUTORY_COMPLETION, int64_t{1} << 50).ok());
}

TEST(ReferralLifecycleTest, NoCandidateMeansUnroutableFromTheStart) {
  v1::Referral r;
  UnitChoice none;
  none.reason = "no active unit gives home-care in municipality 091";
  Route(none, Directory{}, &r);
  EXPECT_EQ(r.state(), rs::REFERRAL_STATE_UNROUTABLE);
  EXPECT_EQ(r.choice_reason(), none.reason);
  EXPECT_FALSE(NeedsDispatch(r));
}

}  // namespace
}  // namespace yhteys::router
