// Which worklist a referral is on, in which order and why.
#include "worklist.hpp"

#include <gtest/gtest.h>

namespace yhteys::router {
namespace {

namespace rs = referral::v1;

v1::Referral With(rs::ReferralState state, common::v1::Urgency urgency = common::v1::URGENCY_NON_URGENT) {
  v1::Referral r;
  r.set_state(state);
  r.mutable_offer()->set_urgency(urgency);
  r.mutable_offer()->set_unit_id(state == rs::REFERRAL_STATE_UNROUTABLE ? "" : "mh-a");
  for (auto [kind, due] :
       {std::pair{v1::CLOCK_KIND_STATUTORY_START, "2027-02-26"}, std::pair{v1::CLOCK_KIND_TARGET, "2026-12-03"}}) {
    v1::Clock* clock = r.add_clocks();
    clock->set_kind(kind);
    clock->mutable_deadline()->set_due_date(due);
  }
  return r;
}

TEST(WorklistTest, AUnitsWorklistHoldsWhatIsOfferedToItOrTakenThere) {
  for (auto state : {rs::REFERRAL_STATE_OFFERED, rs::REFERRAL_STATE_ACCEPTED, rs::REFERRAL_STATE_IN_PROGRESS}) {
    EXPECT_EQ(WorklistUnit(With(state)), "mh-a") << rs::ReferralState_Name(state);
  }
  for (auto state : {rs::REFERRAL_STATE_CREATED, rs::REFERRAL_STATE_DECLINED, rs::REFERRAL_STATE_UNROUTABLE,
                     rs::REFERRAL_STATE_COMPLETED, rs::REFERRAL_STATE_CANCELLED, rs::REFERRAL_STATE_WITHHELD}) {
    EXPECT_EQ(WorklistUnit(With(state)), std::nullopt) << rs::ReferralState_Name(state);
  }
}

TEST(WorklistTest, TheCounsellorsSeeWhatAPersonMustActOnAndWhy) {
  struct Case {
    const char* name;
    v1::Referral referral;
    std::vector<std::string> reasons;
  };
  v1::Referral overdue = With(rs::REFERRAL_STATE_ACCEPTED);
  overdue.mutable_clocks(1)->set_overdue(true);
  v1::Referral overdue_but_stopped = With(rs::REFERRAL_STATE_IN_PROGRESS);
  overdue_but_stopped.mutable_clocks(1)->set_overdue(true);
  overdue_but_stopped.mutable_clocks(1)->set_stopped(true);
  v1::Referral unmet = With(rs::REFERRAL_STATE_OFFERED);
  unmet.mutable_offer()->set_language_unmet(true);
  v1::Referral closed_unmet = unmet;
  closed_unmet.set_state(rs::REFERRAL_STATE_COMPLETED);
  const std::vector<Case> cases = {
      {"unroutable", With(rs::REFERRAL_STATE_UNROUTABLE), {"unroutable"}},
      {"urgent, offered", With(rs::REFERRAL_STATE_OFFERED, common::v1::URGENCY_URGENT), {"urgent"}},
      {"urgent and unroutable",
       With(rs::REFERRAL_STATE_UNROUTABLE, common::v1::URGENCY_URGENT),
       {"unroutable", "urgent"}},
      {"urgent, accepted: someone has it", With(rs::REFERRAL_STATE_ACCEPTED, common::v1::URGENCY_URGENT), {}},
      {"overdue", overdue, {"overdue"}},
      {"an overdue clock since stopped", overdue_but_stopped, {}},
      {"language unmet", unmet, {"language_unmet"}},
      {"closed", closed_unmet, {}},
      {"nothing to act on", With(rs::REFERRAL_STATE_OFFERED), {}},
  };
  for (const auto& c : cases) EXPECT_EQ(CounsellorReasons(c.referral), c.reasons) << c.name;
}

TEST(WorklistTest, TheEarliestRunningClockComesFirst) {
  v1::Referral soon = With(rs::REFERRAL_STATE_OFFERED);
  v1::Referral later = With(rs::REFERRAL_STATE_OFFERED);
  later.mutable_clocks(1)->mutable_deadline()->set_due_date("2027-01-15");
  EXPECT_LT(WorklistScore(soon), WorklistScore(later));
  // A stopped clock no longer orders it.
  v1::Referral started = soon;
  started.mutable_clocks(1)->set_stopped(true);
  EXPECT_GT(WorklistScore(started), WorklistScore(later));
  v1::WorklistItem item = WorklistItemOf(started);
  EXPECT_EQ(item.earliest_due_date(), "2027-02-26");
  EXPECT_EQ(WorklistItemOf(soon).earliest_due_date(), "2026-12-03");
}

TEST(WorklistTest, FiltersCombine) {
  v1::ListWorklistRequest request;
  v1::WorklistItem item = WorklistItemOf(With(rs::REFERRAL_STATE_ACCEPTED, common::v1::URGENCY_URGENT));
  EXPECT_TRUE(PassesFilters(item, request));
  request.add_states(rs::REFERRAL_STATE_OFFERED);
  EXPECT_FALSE(PassesFilters(item, request));
  request.add_states(rs::REFERRAL_STATE_ACCEPTED);
  EXPECT_TRUE(PassesFilters(item, request));
  request.set_urgency(common::v1::URGENCY_NON_URGENT);
  EXPECT_FALSE(PassesFilters(item, request));
  request.set_urgency(common::v1::URGENCY_URGENT);
  request.set_overdue_only(true);
  EXPECT_FALSE(PassesFilters(item, request));
  item.set_overdue(true);
  EXPECT_TRUE(PassesFilters(item, request));
  request.set_language_unmet_only(true);
  EXPECT_FALSE(PassesFilters(item, request));
}

}  // namespace
}  // namespace yhteys::router
