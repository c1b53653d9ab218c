// A client's sharing decision applied to a rule's referral (pure), and the
// decision's store against a real redis-server.
#include "client_sharing.hpp"

#include <gtest/gtest.h>

#include "dispatcher.hpp"
#include "referral_builder.hpp"
#include "referral_store.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/testing/fixtures.hpp"
#include "yhteys/testing/outbox.hpp"

namespace yhteys::router {
namespace {

using referral::v1::SharingStatus;
constexpr SharingStatus kNotRecorded = referral::v1::SHARING_STATUS_NOT_RECORDED;
constexpr SharingStatus kGiven = referral::v1::SHARING_STATUS_CONSENT_GIVEN;
constexpr SharingStatus kWithdrawn = referral::v1::SHARING_STATUS_CONSENT_WITHDRAWN;
constexpr SharingStatus kDenied = referral::v1::SHARING_STATUS_SHARING_DENIED;

v1::Referral Created() {
  v1::Referral r;
  r.set_state(referral::v1::REFERRAL_STATE_CREATED);
  auto* offer = r.mutable_offer();
  offer->set_referral_id("ref-1");
  offer->set_client_pseudonym(std::string(64, 'c'));
  offer->set_rule_id("homecare-drs-depression");
  offer->set_source_service(common::v1::SERVICE_NAME_HOME_CARE);
  offer->set_source_event_id("e-1");
  offer->set_need_code("possible-depression");
  return r;
}

TEST(ApplySharingTest, EachRuleKindUnderEachDecision) {
  struct Case {
    UnderDenial under_denial;
    SharingStatus status;
    referral::v1::ReferralState state;
    bool details_withheld;
  };
  const auto kCreated = referral::v1::REFERRAL_STATE_CREATED;
  const auto kWithheld = referral::v1::REFERRAL_STATE_WITHHELD;
  for (const Case& c : {
           // Nothing recorded or consent given: as the rule says.
           Case{UnderDenial::kWithhold, kNotRecorded, kCreated, false},
           Case{UnderDenial::kWithhold, kGiven, kCreated, false},
           Case{UnderDenial::kNeedOnly, kGiven, kCreated, false},
           Case{UnderDenial::kShare, kNotRecorded, kCreated, false},
           // Consent withdrawn or sharing denied.
           Case{UnderDenial::kWithhold, kWithdrawn, kWithheld, false},
           Case{UnderDenial::kWithhold, kDenied, kWithheld, false},
           Case{UnderDenial::kNeedOnly, kWithdrawn, kCreated, true},
           Case{UnderDenial::kNeedOnly, kDenied, kCreated, true},
           Case{UnderDenial::kShare, kDenied, kCreated, false},
       }) {
    Rule rule;
    rule.under_denial = c.under_denial;
    v1::Referral r = Created();
    ApplySharing(rule, c.status, &r);
    const std::string label = std::to_string(static_cast<int>(c.under_denial)) + " " + SharingStatus_Name(c.status);
    EXPECT_EQ(r.state(), c.state) << label;
    EXPECT_EQ(r.offer().details_withheld(), c.details_withheld) << label;
    EXPECT_EQ(r.offer().sharing_status(), c.status) << label;
  }
}

TEST(OfferForTargetTest, ANeedOnlyOfferTellsTheNeedNotItsCause) {
  v1::Referral r = Created();
  r.mutable_offer()->set_source_unit_id("hc-lahti-1");
  EXPECT_EQ(OfferForTarget(r.offer()).SerializeAsString(), r.offer().SerializeAsString());
  r.mutable_offer()->set_details_withheld(true);
  auto offer = OfferForTarget(r.offer());
  EXPECT_TRUE(offer.rule_id().empty());
  EXPECT_TRUE(offer.source_event_id().empty());
  EXPECT_EQ(offer.source_service(), common::v1::SERVICE_NAME_UNSPECIFIED);
  EXPECT_TRUE(offer.source_unit_id().empty());
  EXPECT_EQ(offer.need_code(), "possible-depression");
  EXPECT_EQ(offer.client_pseudonym(), r.offer().client_pseudonym());
  // The topic does not tell the cause either.
  auto event = StateChangedEvent(r, referral::v1::REFERRAL_STATE_UNSPECIFIED);
  EXPECT_TRUE(event.rule_id().empty());
  EXPECT_TRUE(event.source_event_id().empty());
  // The originating service and unit still find their own referral.
  EXPECT_EQ(event.source_service(), common::v1::SERVICE_NAME_HOME_CARE);
  EXPECT_EQ(event.source_unit_id(), "hc-lahti-1");
  EXPECT_TRUE(event.details_withheld());
  EXPECT_EQ(event.need_code(), "possible-depression");
}

class SharingStoreTest : public ::testing::Test {
 protected:
  SharingStoreTest()
      : pool_(redis::PoolOptions{"127.0.0.1", redis_.port()}),
        keyspace_("rr", 4),
        sharing_(pool_, keyspace_, "/yhteys/referral-router", std::chrono::hours(1)),
        referrals_(pool_, keyspace_, "/yhteys/referral-router", std::chrono::hours(1)) {}

  long long Outbox() { return testing::OutboxEvents(pool_, keyspace_); }

  testing::RedisServer redis_;
  redis::Pool pool_;
  redis::Keyspace keyspace_;
  SharingStore sharing_;
  ReferralStore referrals_;
  const std::string client_ = std::string(64, 'd');
};

TEST_F(SharingStoreTest, NothingRecordedIsNotRecorded) {
  auto current = sharing_.Get(client_);
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->sharing.status(), kNotRecorded);
  EXPECT_EQ(current->version, "");
}

TEST_F(SharingStoreTest, RecordAndWithdrawEachWithOneEventAndARetryReplays) {
  auto given = sharing_.Record("k1", "fp-1", client_, kGiven, "hc-lahti-1");
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->status(), kGiven);
  auto replay = sharing_.Record("k1", "fp-1", client_, kGiven, "hc-lahti-1");
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->SerializeAsString(), given->SerializeAsString());
  EXPECT_EQ(sharing_.Record("k1", "fp-other", client_, kDenied, "hc-lahti-1").status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto withdrawn = sharing_.Record("k2", "fp-2", client_, kWithdrawn, "hc-lahti-1");
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_EQ(sharing_.Get(client_)->sharing.status(), kWithdrawn);
  EXPECT_EQ(Outbox(), 4);  // an event and a changelog record each
  // The event says what changed.
  const int shard = keyspace_.ShardFor(ShardKeyOfPseudonym(client_));
  auto entries = testing::OutboxEntries(pool_, keyspace_, shard);
  ASSERT_EQ(entries.size(), 4u);
  v1::ClientSharing logged;
  EXPECT_EQ(entries[3]["topic"], kafka::topics::kRouterChangelog);
  ASSERT_TRUE(logged.ParseFromString(entries[3]["payload"]));
  EXPECT_EQ(logged.SerializeAsString(), withdrawn->SerializeAsString());
  entries.erase(entries.begin() + 3);
  entries.erase(entries.begin() + 1);
  referral::v1::ClientSharingChanged changed;
  ASSERT_TRUE(changed.ParseFromString(entries[1]["payload"]));
  EXPECT_EQ(changed.status(), kWithdrawn);
  EXPECT_EQ(changed.previous_status(), kGiven);
  EXPECT_EQ(changed.client_pseudonym(), client_);
}

// The dispatcher's batched reads: each client's decision and each referral
// in the order asked, in one round trip each, as Get reads them one by one.
TEST_F(SharingStoreTest, BatchedReadsAnswerInTheOrderAsked) {
  const std::string other(64, '7');
  ASSERT_TRUE(sharing_.Record("k1", "fp-1", client_, kDenied, "hc-lahti-1").ok());
  auto many = sharing_.GetMany({other, client_, other});
  ASSERT_TRUE(many.ok()) << many.status();
  ASSERT_EQ(many->size(), 3u);
  EXPECT_EQ((*many)[0].sharing.status(), kNotRecorded);
  EXPECT_EQ((*many)[1].sharing.status(), kDenied);
  EXPECT_EQ((*many)[1].version, sharing_.Get(client_)->version);
  EXPECT_EQ((*many)[2].sharing.status(), kNotRecorded);
  EXPECT_TRUE(sharing_.GetMany({})->empty());

  v1::Referral r = Created();
  r.mutable_offer()->set_client_pseudonym(client_);
  r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client_), "00000000000000a1"));
  auto created = referrals_.CreateReferrals("/yhteys/home-care", "e-many", {r}, sharing_.Get(client_)->version);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string missing = ids::ShardedId("ref", ShardKeyOfPseudonym(other), "00000000000000a2");
  auto referrals = referrals_.GetMany({missing, "not-a-referral-id", r.offer().referral_id()});
  ASSERT_TRUE(referrals.ok()) << referrals.status();
  ASSERT_EQ(referrals->size(), 3u);
  EXPECT_EQ((*referrals)[0].status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*referrals)[1].status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*referrals)[2].ok());
  EXPECT_EQ((*referrals)[2]->SerializeAsString(), referrals_.Get(r.offer().referral_id())->SerializeAsString());
}

// A decision recorded between reading it and creating the referrals is not
// missed: the creation is refused (ABORTED) and made again under the new one.
TEST_F(SharingStoreTest, ReferralsAreNeverMadeUnderAStaleDecision) {
  auto before = sharing_.Get(client_);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(sharing_.Record("k1", "fp-1", client_, kDenied, "hc-lahti-1").ok());
  v1::Referral r = Created();
  r.mutable_offer()->set_client_pseudonym(client_);
  r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client_), "0000000000000001"));
  auto stale = referrals_.CreateReferrals("/yhteys/home-care", "e-1", {r}, before->version);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  auto now = sharing_.Get(client_);
  r.set_state(referral::v1::REFERRAL_STATE_WITHHELD);
  auto made = referrals_.CreateReferrals("/yhteys/home-care", "e-1", {r}, now->version);
  ASSERT_TRUE(made.ok()) << made.status();
  // A withheld referral is never offered.
  auto due = referrals_.DueDispatches(keyspace_.ShardFor(ShardKeyOfPseudonym(client_)), int64_t{1} << 62, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

// A denial recorded after a referral was made, before it was offered, still
// applies when the dispatcher offers it: withheld, or the need only.
TEST_F(SharingStoreTest, ADenialRecordedBeforeTheOfferStillApplies) {
  auto made = [&](const std::string& tail, const std::string& rule_id) {
    v1::Referral r = Created();
    r.mutable_offer()->set_client_pseudonym(client_);
    r.mutable_offer()->set_referral_id(ids::ShardedId("ref", ShardKeyOfPseudonym(client_), tail));
    r.mutable_offer()->set_rule_id(rule_id);
    r.mutable_offer()->set_sharing_status(kNotRecorded);
    // One candidate, an external unit: offered by publishing, no target call.
    v1::Candidate* unit = r.add_candidates();
    unit->set_unit_id("pc-lahti-nurses");
    unit->set_reached_through(common::v1::SERVICE_NAME_EXTERNAL);
    r.mutable_offer()->set_unit_id("pc-lahti-nurses");
    r.set_target_service(common::v1::SERVICE_NAME_EXTERNAL);
    return r;
  };
  v1::Referral withheld = made("0000000000000001", "rule-withhold");
  v1::Referral need_only = made("0000000000000002", "rule-need-only");
  v1::Referral shared = made("0000000000000003", "rule-share");
  ASSERT_TRUE(referrals_.CreateReferrals("/yhteys/home-care", "e-9", {withheld, need_only, shared}).ok());
  ASSERT_TRUE(sharing_.Record("k1", "fp-1", client_, kDenied, "hc-lahti-1").ok());

  DispatcherOptions options;
  options.sharing = &sharing_;
  options.under_denial = {{"rule-withhold", UnderDenial::kWithhold},
                          {"rule-need-only", UnderDenial::kNeedOnly},
                          {"rule-share", UnderDenial::kShare}};
  Dispatcher dispatcher(referrals_, {}, options, nullptr, nullptr);
  EXPECT_EQ(dispatcher.DispatchOnce(), 3);

  auto after_withheld = referrals_.Get(withheld.offer().referral_id());
  ASSERT_TRUE(after_withheld.ok());
  EXPECT_EQ(after_withheld->state(), referral::v1::REFERRAL_STATE_WITHHELD);
  auto after_need_only = referrals_.Get(need_only.offer().referral_id());
  ASSERT_TRUE(after_need_only.ok());
  EXPECT_EQ(after_need_only->state(), referral::v1::REFERRAL_STATE_OFFERED);
  EXPECT_TRUE(after_need_only->offer().details_withheld());
  EXPECT_EQ(after_need_only->offer().sharing_status(), kDenied);
  auto after_shared = referrals_.Get(shared.offer().referral_id());
  ASSERT_TRUE(after_shared.ok());
  EXPECT_EQ(after_shared->state(), referral::v1::REFERRAL_STATE_OFFERED);
  EXPECT_FALSE(after_shared->offer().details_withheld());
  // Nothing is left to offer.
  EXPECT_EQ(dispatcher.DispatchOnce(), 0);
}

}  // namespace
}  // namespace yhteys::router
