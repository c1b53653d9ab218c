// InboxStore against a real redis-server.
#include "yhteys/inbox/inbox_store.hpp"

#include <gtest/gtest.h>

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
                "/yhteys/mental-health-intake"}) {}

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

  long long OutboxLength() { return testing::OutboxEvents(pool_, keyspace_); }

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
  EXPECT_EQ(store_.Complete("c-1", "fp", "r-4").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.Decline("d-1", "fp", "r-4", referral::v1::DECLINE_REASON_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
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

}  // namespace
}  // namespace yhteys::inbox
