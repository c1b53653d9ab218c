// InboxStore against a real redis-server.
#include "yhteys/inbox/inbox_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::inbox {
namespace {

using referral::v1::InboxState;

class InboxStoreTest : public ::testing::Test {
 protected:
  InboxStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("mhi", 4),
        store_(pool_, keyspace_,
               {common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE, "yhteys.mentalhealth.events.v1",
                "/yhteys/mental-health-intake", std::chrono::hours(168), [] { return kToday; }}) {}

  static constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{11},
                                                      std::chrono::day{20}};

  referral::v1::ReferralOffer MakeOffer(const std::string& id, const std::string& due = "2026-12-01") {
    referral::v1::ReferralOffer offer;
    offer.set_referral_id(id);
    offer.set_client_pseudonym(std::string(64, 'a'));
    offer.set_source_service(common::v1::SERVICE_NAME_HOME_CARE);
    offer.set_rule_id("homecare-drs-depression");
    offer.set_need_code("possible-depression");
    offer.set_urgency(common::v1::URGENCY_NON_URGENT);
    offer.mutable_statutory_deadline()->set_due_date(due);
    offer.mutable_statutory_deadline()->set_rule("months:3");
    offer.set_language(common::v1::LANGUAGE_FI);
    return offer;
  }

  referral::v1::ReferralOffer OfferFor(const std::string& id, const std::string& unit_id) {
    auto offer = MakeOffer(id);
    offer.set_unit_id(unit_id);
    return offer;
  }

  static referral::v1::Outcome Outcome(
      referral::v1::OutcomeResult result,
      referral::v1::CouldNotHelpReason reason = referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED,
      const std::string& completed_on = "") {
    referral::v1::Outcome outcome;
    outcome.set_result(result);
    outcome.set_reason(reason);
    outcome.set_completed_on(completed_on);
    return outcome;
  }

  long long OutboxLength() { return testing::OutboxEvents(pool_, keyspace_); }

  // The ReferralOutcomeReported events waiting in the outbox, every shard.
  std::vector<referral::v1::ReferralOutcomeReported> OutcomeEvents() {
    std::vector<referral::v1::ReferralOutcomeReported> events;
    for (int shard = 0; shard < keyspace_.shards(); ++shard) {
      for (auto& fields : testing::OutboxEntries(pool_, keyspace_, shard)) {
        if (fields["ce_type"] != referral::v1::ReferralOutcomeReported::descriptor()->full_name()) continue;
        referral::v1::ReferralOutcomeReported event;
        EXPECT_TRUE(event.ParseFromString(fields["payload"]));
        events.push_back(event);
      }
    }
    return events;
  }
  // The outcome events, as (outcome, unit) in the order published.
  std::vector<std::pair<referral::v1::InboxState, std::string>> Outcomes() {
    std::vector<std::pair<referral::v1::InboxState, std::string>> out;
    for (const auto& e : OutcomeEvents()) out.emplace_back(e.outcome(), e.unit_id());
    return out;
  }
  // A decline by unit `a`, then the accept of the offer to `b`.
  static std::vector<std::pair<referral::v1::InboxState, std::string>> DeclinedThenAccepted(const std::string& a,
                                                                                            const std::string& b) {
    return {{referral::v1::INBOX_STATE_DECLINED, a}, {referral::v1::INBOX_STATE_ACCEPTED, b}};
  }

  // The referral ids on the open list, in order.
  std::vector<std::string> OpenIds() {
    std::vector<std::string> ids;
    auto listed = store_.List(500, "");
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (listed.ok()) {
      for (const auto& e : listed->entries()) ids.push_back(e.offer().referral_id());
    }
    return ids;
  }

  static bool StartsWith(const absl::Status& status, const std::string& prefix) {
    return std::string(status.message()).rfind(prefix, 0) == 0;
  }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  InboxStore store_;
};

TEST_F(InboxStoreTest, OfferIsIdempotentPerReferralId) {
  auto first = store_.Offer(MakeOffer("r-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->state(), referral::v1::INBOX_STATE_OFFERED);
  auto again = store_.Offer(MakeOffer("r-1"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->offered_at().seconds(), first->offered_at().seconds());
  auto different = MakeOffer("r-1");
  different.set_need_code("something-else");
  auto conflict = store_.Offer(different);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(InboxStoreTest, InvalidOfferNamesTheField) {
  auto offer = MakeOffer("r-2");
  offer.set_client_pseudonym("010594Y9032");
  auto result = store_.Offer(offer);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(result.status().message()).starts_with("offer.client_pseudonym:"));
  EXPECT_EQ(std::string(result.status().message()).find("010594Y9032"), std::string::npos);
  EXPECT_EQ(store_.Get("r-2").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InboxStoreTest, AcceptPublishesOutcomeOnceAndReplays) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-3")).ok());
  EXPECT_EQ(OutboxLength(), 0);
  auto accepted = store_.Accept("key-1", "fp-1", "r-3", "mhi-unit-1");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), referral::v1::INBOX_STATE_ACCEPTED);
  EXPECT_EQ(accepted->handled_by_unit(), "mhi-unit-1");
  EXPECT_EQ(OutboxLength(), 1);
  auto replay = store_.Accept("key-1", "fp-1", "r-3", "mhi-unit-1");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->SerializeAsString(), accepted->SerializeAsString());
  EXPECT_EQ(OutboxLength(), 1);
  // A new key on an accepted referral: not OFFERED any more.
  auto second = store_.Accept("key-2", "fp-2", "r-3", "mhi-unit-1");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OutboxLength(), 1);
}

TEST_F(InboxStoreTest, CompleteNeedsAcceptedAndDeclineNeedsOffered) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-4")).ok());
  EXPECT_EQ(store_.Complete("c-1", "fp", "r-4", Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Decline("d-1", "fp", "r-4", referral::v1::DECLINE_REASON_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
  // OFFER_EXPIRED is the router's word for an unanswered offer, not a unit's answer.
  auto expired = store_.Decline("d-x", "fp", "r-4", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(expired.status().message().rfind("reason: OFFER_EXPIRED", 0), 0u) << expired.status();
  auto declined = store_.Decline("d-2", "fp", "r-4", referral::v1::DECLINE_REASON_NO_CAPACITY);
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->state(), referral::v1::INBOX_STATE_DECLINED);
  EXPECT_EQ(store_.Accept("a-1", "fp", "r-4", "").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Accept("a-2", "fp", "nope", "").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InboxStoreTest, ListsOpenEntriesEarliestDeadlineFirstWithPaging) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-late", "2027-03-01")).ok());
  ASSERT_TRUE(store_.Offer(MakeOffer("r-early", "2026-11-24")).ok());
  ASSERT_TRUE(store_.Offer(MakeOffer("r-mid", "2026-12-15")).ok());
  auto page1 = store_.List(2, "");
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->entries_size(), 2);
  EXPECT_EQ(page1->entries(0).offer().referral_id(), "r-early");
  EXPECT_EQ(page1->entries(1).offer().referral_id(), "r-mid");
  auto page2 = store_.List(2, page1->next_page_token());
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->entries_size(), 1);
  EXPECT_EQ(page2->entries(0).offer().referral_id(), "r-late");
  EXPECT_TRUE(page2->next_page_token().empty());
  EXPECT_EQ(store_.List(501, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.List(10, "abc").status().code(), absl::StatusCode::kInvalidArgument);
}

// A Redis error is never "no such referral": an entry key of the wrong type
// is INTERNAL for Get and for the listing that reaches it; Redis stopped is
// UNAVAILABLE.
TEST_F(InboxStoreTest, RedisTroubleIsNeverNotFound) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-1")).ok());
  EXPECT_EQ(store_.Get("r-404").status().code(), absl::StatusCode::kNotFound);
  const std::string key = keyspace_.Key(keyspace_.ShardFor("r-1"), "inbox:r-1");
  ASSERT_TRUE(pool_.Command({"DEL", key}).ok());
  ASSERT_TRUE(pool_.Command({"SET", key, "not a hash"}).ok());
  EXPECT_EQ(store_.Get("r-1").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(store_.List(10, "").status().code(), absl::StatusCode::kInternal);
  redis_.Stop();
  EXPECT_EQ(store_.Get("r-1").status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(InboxStoreTest, OfferUnitIdMustBeAnIdentifier) {
  auto result = store_.Offer(OfferFor("r-u", "unit a"));
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(result.status(), "offer.unit_id:")) << result.status();
  EXPECT_EQ(store_.Get("r-u").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InboxStoreTest, ReOfferToAnotherUnitAfterDeclineReplacesTheEntry) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-5", "mhi-a")).ok());
  ASSERT_TRUE(store_.Decline("d-1", "fp", "r-5", referral::v1::DECLINE_REASON_NO_CAPACITY).ok());
  EXPECT_TRUE(OpenIds().empty());
  auto again = store_.Offer(OfferFor("r-5", "mhi-b"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(again->offer().unit_id(), "mhi-b");
  EXPECT_EQ(again->decline_reason(), referral::v1::DECLINE_REASON_UNSPECIFIED);
  auto stored = store_.Get("r-5");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(stored->offer().unit_id(), "mhi-b");
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-5"});
  // The new offer is answered like any other.
  auto accepted = store_.Accept("a-1", "fp", "r-5", "mhi-b");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state(), referral::v1::INBOX_STATE_ACCEPTED);
  EXPECT_EQ(Outcomes(), DeclinedThenAccepted("mhi-a", "mhi-b"));
}

TEST_F(InboxStoreTest, ReOfferToAnotherUnitAfterWithdrawal) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-6", "mhi-a")).ok());
  auto withdrawn = store_.Withdraw("r-6", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_TRUE(OpenIds().empty());
  auto again = store_.Offer(OfferFor("r-6", "mhi-b"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(again->offer().unit_id(), "mhi-b");
  EXPECT_EQ(again->decline_reason(), referral::v1::DECLINE_REASON_UNSPECIFIED);
  EXPECT_EQ(store_.Get("r-6")->offer().unit_id(), "mhi-b");
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-6"});
  EXPECT_EQ(OutboxLength(), 0);
}

TEST_F(InboxStoreTest, ReOfferIsRefusedWhileTheEntryIsOpenOrDone) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-7", "mhi-a")).ok());
  auto expect_refused = [&](const std::string& unit, InboxState state) {
    auto result = store_.Offer(OfferFor("r-7", unit));
    ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << unit;
    EXPECT_TRUE(StartsWith(result.status(), "offer.referral_id:")) << result.status();
    auto stored = store_.Get("r-7");
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->state(), state);
    EXPECT_EQ(stored->offer().unit_id(), "mhi-a");
  };
  expect_refused("mhi-b", referral::v1::INBOX_STATE_OFFERED);
  ASSERT_TRUE(store_.Accept("a-1", "fp", "r-7", "mhi-a").ok());
  expect_refused("mhi-c", referral::v1::INBOX_STATE_ACCEPTED);
  ASSERT_TRUE(store_.Start("s-1", "fp", "r-7").ok());
  expect_refused("mhi-d", referral::v1::INBOX_STATE_IN_PROGRESS);
  ASSERT_TRUE(store_.Complete("c-1", "fp", "r-7", Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN)).ok());
  expect_refused("mhi-e", referral::v1::INBOX_STATE_COMPLETED);
  EXPECT_EQ(OutboxLength(), 3);
}

TEST_F(InboxStoreTest, IdenticalOfferRepeatReplaysAndChangesNothing) {
  auto first = store_.Offer(OfferFor("r-8", "mhi-a"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = store_.Offer(OfferFor("r-8", "mhi-a"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  // A different offer for the same unit is not a repeat.
  auto different = OfferFor("r-8", "mhi-a");
  different.set_need_code("something-else");
  EXPECT_EQ(store_.Offer(different).status().code(), absl::StatusCode::kFailedPrecondition);
  // Once declined, a repeat of the same unit's offer leaves it declined.
  ASSERT_TRUE(store_.Decline("d-1", "fp", "r-8", referral::v1::DECLINE_REASON_NO_CAPACITY).ok());
  auto after_decline = store_.Offer(OfferFor("r-8", "mhi-a"));
  ASSERT_TRUE(after_decline.ok()) << after_decline.status();
  EXPECT_EQ(after_decline->state(), referral::v1::INBOX_STATE_DECLINED);
  EXPECT_TRUE(OpenIds().empty());
  // Offered on to B, a late retry of A's offer answers the entry as it is.
  ASSERT_TRUE(store_.Offer(OfferFor("r-8", "mhi-b")).ok());
  auto late = store_.Offer(OfferFor("r-8", "mhi-a"));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(late->offer().unit_id(), "mhi-b");
  EXPECT_EQ(store_.Get("r-8")->offer().unit_id(), "mhi-b");
  EXPECT_EQ(OutboxLength(), 1);
}

// A retry of a decision made on an earlier offer replays its answer and
// leaves the referral's new offer alone.
TEST_F(InboxStoreTest, RetriedDecisionDoesNotTouchTheNextOffer) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-9", "mhi-a")).ok());
  auto declined = store_.Decline("d-1", "fp", "r-9", referral::v1::DECLINE_REASON_NO_CAPACITY);
  ASSERT_TRUE(declined.ok());
  ASSERT_TRUE(store_.Offer(OfferFor("r-9", "mhi-b")).ok());
  auto retry = store_.Decline("d-1", "fp", "r-9", referral::v1::DECLINE_REASON_NO_CAPACITY);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->SerializeAsString(), declined->SerializeAsString());
  auto stored = store_.Get("r-9");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(stored->offer().unit_id(), "mhi-b");
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-9"});
  EXPECT_EQ(OutboxLength(), 1);
}

TEST_F(InboxStoreTest, StartThenCompleteWithOutcome) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-10", "mhi-a")).ok());
  EXPECT_EQ(store_.Start("s-0", "fp", "r-10").status().code(), absl::StatusCode::kFailedPrecondition);
  // An accept naming no unit is the offered unit's.
  ASSERT_TRUE(store_.Accept("a-1", "fp", "r-10", "").ok());
  auto started = store_.Start("s-1", "fp", "r-10");
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->state(), referral::v1::INBOX_STATE_IN_PROGRESS);
  EXPECT_EQ(started->handled_by_unit(), "mhi-a");
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-10"});
  EXPECT_EQ(OutboxLength(), 2);
  auto replay = store_.Start("s-1", "fp", "r-10");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->SerializeAsString(), started->SerializeAsString());
  EXPECT_EQ(OutboxLength(), 2);
  EXPECT_EQ(store_.Start("s-2", "fp", "r-10").status().code(), absl::StatusCode::kFailedPrecondition);

  auto outcome = Outcome(referral::v1::OUTCOME_RESULT_COULD_NOT_HELP,
                         referral::v1::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE, "2026-11-20");
  auto completed = store_.Complete("c-1", "fp", "r-10", outcome);
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state(), referral::v1::INBOX_STATE_COMPLETED);
  EXPECT_EQ(completed->outcome().SerializeAsString(), outcome.SerializeAsString());
  EXPECT_EQ(store_.Get("r-10")->outcome().reason(), referral::v1::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);
  EXPECT_TRUE(OpenIds().empty());

  auto events = OutcomeEvents();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].outcome(), referral::v1::INBOX_STATE_ACCEPTED);
  EXPECT_EQ(events[1].outcome(), referral::v1::INBOX_STATE_IN_PROGRESS);
  EXPECT_EQ(events[2].outcome(), referral::v1::INBOX_STATE_COMPLETED);
  EXPECT_EQ(events[2].completion().SerializeAsString(), outcome.SerializeAsString());
  for (const auto& event : events) {
    EXPECT_EQ(event.unit_id(), "mhi-a");
    EXPECT_EQ(event.referral_id(), "r-10");
  }
  EXPECT_FALSE(events[0].has_completion());
}

// Only the unit an offer is for answers it: another unit's accept or decline
// is refused and changes nothing; a retry of an answer replays even after
// the entry was offered on to another unit.
TEST_F(InboxStoreTest, OnlyTheOfferedUnitAnswers) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-20", "mhi-a")).ok());
  auto wrong_accept = store_.Accept("a-b", "fp", "r-20", "mhi-b");
  EXPECT_EQ(wrong_accept.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StartsWith(wrong_accept.status(), "unit_id: the referral is offered to unit mhi-a, not to mhi-b"))
      << wrong_accept.status();
  auto wrong_decline = store_.Decline("d-b", "fp", "r-20", referral::v1::DECLINE_REASON_NO_CAPACITY, "mhi-b");
  EXPECT_EQ(wrong_decline.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(StartsWith(wrong_decline.status(), "unit_id:")) << wrong_decline.status();
  EXPECT_EQ(store_.Get("r-20")->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(OutboxLength(), 0);

  auto declined = store_.Decline("d-a", "fp", "r-20", referral::v1::DECLINE_REASON_NO_CAPACITY, "mhi-a");
  ASSERT_TRUE(declined.ok()) << declined.status();
  ASSERT_TRUE(store_.Offer(OfferFor("r-20", "mhi-b")).ok());
  auto retried = store_.Decline("d-a", "fp", "r-20", referral::v1::DECLINE_REASON_NO_CAPACITY, "mhi-a");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->SerializeAsString(), declined->SerializeAsString());
  EXPECT_EQ(store_.Accept("a-a", "fp", "r-20", "mhi-a").status().code(), absl::StatusCode::kFailedPrecondition);
  auto accepted = store_.Accept("a-b2", "fp", "r-20", "mhi-b");
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->handled_by_unit(), "mhi-b");
  EXPECT_EQ(Outcomes(), DeclinedThenAccepted("mhi-a", "mhi-b"));
  EXPECT_EQ(
      store_.Decline("d-bad", "fp", "r-20", referral::v1::DECLINE_REASON_NO_CAPACITY, "no spaces").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(InboxStoreTest, CompleteFromAcceptedWithoutStarting) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-11")).ok());
  ASSERT_TRUE(store_.Accept("a-1", "fp", "r-11", "mhi-unit-1").ok());
  auto completed = store_.Complete("c-1", "fp", "r-11", Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN));
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state(), referral::v1::INBOX_STATE_COMPLETED);
  auto events = OutcomeEvents();
  ASSERT_EQ(events.size(), 2u);
  // The offer names no unit: the event names the unit that took it in.
  EXPECT_EQ(events[1].unit_id(), "mhi-unit-1");
  EXPECT_EQ(events[1].completion().result(), referral::v1::OUTCOME_RESULT_SERVICE_GIVEN);
}

TEST_F(InboxStoreTest, CompleteRefusesAMissingOrMalformedOutcome) {
  ASSERT_TRUE(store_.Offer(MakeOffer("r-12")).ok());
  ASSERT_TRUE(store_.Accept("a-1", "fp", "r-12", "mhi-unit-1").ok());
  struct Case {
    referral::v1::Outcome outcome;
    std::string field;
  };
  referral::v1::Outcome unknown_result;
  unknown_result.set_result(static_cast<referral::v1::OutcomeResult>(99));
  const Case cases[] = {
      {referral::v1::Outcome(), "outcome.result:"},
      {unknown_result, "outcome.result:"},
      {Outcome(referral::v1::OUTCOME_RESULT_COULD_NOT_HELP), "outcome.reason:"},
      {Outcome(referral::v1::OUTCOME_RESULT_COULD_NOT_HELP, static_cast<referral::v1::CouldNotHelpReason>(99)),
       "outcome.reason:"},
      {Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN, referral::v1::COULD_NOT_HELP_REASON_CLIENT_MOVED),
       "outcome.reason:"},
      {Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN, referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED,
               "2026-02-30"),
       "outcome.completed_on:"},
      {Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN, referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED,
               "20.11.2026"),
       "outcome.completed_on:"},
      // The day after the inbox's today.
      {Outcome(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN, referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED,
               "2026-11-21"),
       "outcome.completed_on:"},
  };
  int n = 0;
  for (const auto& c : cases) {
    ++n;
    auto result = store_.Complete("c-" + std::to_string(n), "fp-" + std::to_string(n), "r-12", c.outcome);
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.outcome.ShortDebugString();
    EXPECT_TRUE(StartsWith(result.status(), c.field)) << result.status();
  }
  EXPECT_EQ(store_.Get("r-12")->state(), referral::v1::INBOX_STATE_ACCEPTED);
  EXPECT_EQ(OutboxLength(), 1);
}

TEST_F(InboxStoreTest, WithdrawAnOfferedEntryPublishesNothing) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-13", "mhi-a")).ok());
  ASSERT_TRUE(store_.Offer(OfferFor("r-14", "mhi-a")).ok());
  auto withdrawn = store_.Withdraw("r-13", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state(), referral::v1::INBOX_STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn->decline_reason(), referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  EXPECT_EQ(store_.Get("r-13")->state(), referral::v1::INBOX_STATE_WITHDRAWN);
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-14"});
  EXPECT_EQ(OutboxLength(), 0);
  // Again: the entry as it is, unchanged.
  auto again = store_.Withdraw("r-13", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), withdrawn->SerializeAsString());
  // A cancellation names no unit and no reason.
  auto cancelled = store_.Withdraw("r-14", "", referral::v1::DECLINE_REASON_UNSPECIFIED);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), referral::v1::INBOX_STATE_WITHDRAWN);
  EXPECT_TRUE(OpenIds().empty());
  EXPECT_EQ(OutboxLength(), 0);
  // A withdrawn offer is not answered any more.
  EXPECT_EQ(store_.Accept("a-1", "fp", "r-13", "mhi-a").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Decline("d-1", "fp", "r-14", referral::v1::DECLINE_REASON_NO_CAPACITY).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(OutboxLength(), 0);
}

TEST_F(InboxStoreTest, WithdrawOfAnAnsweredOrOtherUnitsOfferChangesNothing) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-15", "mhi-a")).ok());
  auto offered = store_.Get("r-15");
  ASSERT_TRUE(offered.ok());
  auto other = store_.Withdraw("r-15", "mhi-b", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->SerializeAsString(), offered->SerializeAsString());
  EXPECT_EQ(store_.Get("r-15")->state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-15"});

  auto accepted = store_.Accept("a-1", "fp", "r-15", "mhi-a");
  ASSERT_TRUE(accepted.ok());
  // An expiry does not take back what the unit accepted (it keeps the client).
  auto expired = store_.Withdraw("r-15", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->SerializeAsString(), accepted->SerializeAsString());
  EXPECT_EQ(store_.Get("r-15")->SerializeAsString(), accepted->SerializeAsString());
  EXPECT_EQ(OpenIds(), std::vector<std::string>{"r-15"});
  EXPECT_EQ(OutboxLength(), 1);
}

// The origin cancels after the unit accepted, or started: the unit's entry
// is WITHDRAWN (it learns of it), off the open list, with no event of its own.
TEST_F(InboxStoreTest, ACancellationTakesBackAnAcceptedOrStartedEntry) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-17", "mhi-a")).ok());
  ASSERT_TRUE(store_.Offer(OfferFor("r-18", "mhi-a")).ok());
  ASSERT_TRUE(store_.Accept("a-17", "fp", "r-17", "mhi-a").ok());
  ASSERT_TRUE(store_.Accept("a-18", "fp", "r-18", "mhi-a").ok());
  ASSERT_TRUE(store_.Start("s-18", "fp", "r-18").ok());
  const long long events = OutboxLength();
  for (const std::string id : {"r-17", "r-18"}) {
    auto withdrawn = store_.Withdraw(id, "mhi-a", referral::v1::DECLINE_REASON_UNSPECIFIED);
    ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
    EXPECT_EQ(withdrawn->state(), referral::v1::INBOX_STATE_WITHDRAWN) << id;
    EXPECT_EQ(store_.Get(id)->state(), referral::v1::INBOX_STATE_WITHDRAWN) << id;
  }
  EXPECT_TRUE(OpenIds().empty());
  EXPECT_EQ(OutboxLength(), events);
  // Withdrawn: not started or completed any more.
  EXPECT_EQ(store_.Start("s-17", "fp", "r-17").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(InboxStoreTest, WithdrawRefusesOnlyMalformedRequestsAndUnknownReferrals) {
  ASSERT_TRUE(store_.Offer(OfferFor("r-16", "mhi-a")).ok());
  auto bad_id = store_.Withdraw("r 16", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  EXPECT_EQ(bad_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(bad_id.status(), "referral_id:")) << bad_id.status();
  auto bad_unit = store_.Withdraw("r-16", "mhi a", referral::v1::DECLINE_REASON_OFFER_EXPIRED);
  EXPECT_EQ(bad_unit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(bad_unit.status(), "unit_id:")) << bad_unit.status();
  auto bad_reason = store_.Withdraw("r-16", "mhi-a", referral::v1::DECLINE_REASON_NO_CAPACITY);
  EXPECT_EQ(bad_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StartsWith(bad_reason.status(), "reason:")) << bad_reason.status();
  EXPECT_EQ(store_.Withdraw("r-404", "mhi-a", referral::v1::DECLINE_REASON_OFFER_EXPIRED).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.Get("r-16")->state(), referral::v1::INBOX_STATE_OFFERED);
}

}  // namespace
}  // namespace yhteys::inbox
