#include "referral_watch.hpp"

#include <gtest/gtest.h>

namespace yhteys::router {
namespace {

TEST(WatchCursorTest, RoundTripsAndRefusesWhatItDidNotMake) {
  const kafka::Positions positions = {{0, 12}, {1, 0}, {5, 981234567890}};
  const std::string cursor = EncodeCursor(positions);
  EXPECT_EQ(cursor, "v1:0=12,1=0,5=981234567890");
  auto decoded = DecodeCursor(cursor);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, positions);
  EXPECT_TRUE(DecodeCursor("v1:").ok());
  for (const char* bad :
       {"", "0=12", "v2:0=1", "v1:0=", "v1:=1", "v1:0=1,0=2", "v1:-1=3", "v1:0=-3", "v1:0=1,,", "v1:a=1", "v1:0=1=2"}) {
    auto refused = DecodeCursor(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(refused.status().message().rfind("cursor:", 0), 0u) << bad;
  }
}

TEST(WatchFilterTest, AWithheldChangeNamesItsOriginOnlyToTheOriginatingUnit) {
  referral::v1::ReferralStateChanged change;
  change.set_source_service(common::v1::SERVICE_NAME_HOME_CARE);
  change.set_source_unit_id("hc-lahti-1");
  change.set_unit_id("ph-mh-lahti-matala");
  EXPECT_EQ(ForCaller(change, "ph-mh-lahti-matala").SerializeAsString(), change.SerializeAsString());
  change.set_details_withheld(true);
  auto target = ForCaller(change, "ph-mh-lahti-matala");
  EXPECT_EQ(target.source_service(), common::v1::SERVICE_NAME_UNSPECIFIED);
  EXPECT_TRUE(target.source_unit_id().empty());
  EXPECT_EQ(target.unit_id(), "ph-mh-lahti-matala");
  EXPECT_EQ(ForCaller(change, "hc-lahti-1").SerializeAsString(), change.SerializeAsString());
  EXPECT_EQ(ForCaller(change, "").SerializeAsString(), change.SerializeAsString()) << "not bound to a unit";
}

TEST(WatchFilterTest, ValidatesAndFilters) {
  v1::WatchReferralsRequest request;
  request.set_source_service(common::v1::SERVICE_NAME_HOME_CARE);
  request.set_unit_id("ph-mh-lahti-matala");
  request.set_source_unit_id("hc-lahti-1");
  request.add_states(referral::v1::REFERRAL_STATE_ACCEPTED);
  request.add_states(referral::v1::REFERRAL_STATE_COMPLETED);
  auto filter = WatchFilterOf(request);
  ASSERT_TRUE(filter.ok()) << filter.status();

  referral::v1::ReferralStateChanged change;
  change.set_source_service(common::v1::SERVICE_NAME_HOME_CARE);
  change.set_unit_id("ph-mh-lahti-matala");
  change.set_source_unit_id("hc-lahti-1");
  change.set_state(referral::v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_TRUE(Passes(*filter, change));
  change.set_source_unit_id("hc-heinola-1");
  EXPECT_FALSE(Passes(*filter, change)) << "another originating unit's referral";
  change.set_source_unit_id("hc-lahti-1");
  change.set_state(referral::v1::REFERRAL_STATE_OFFERED);
  EXPECT_FALSE(Passes(*filter, change));
  change.set_state(referral::v1::REFERRAL_STATE_COMPLETED);
  change.set_unit_id("ph-mh-nastola");
  EXPECT_FALSE(Passes(*filter, change));
  change.set_unit_id("ph-mh-lahti-matala");
  change.set_source_service(common::v1::SERVICE_NAME_FAMILY_CENTRE);
  EXPECT_FALSE(Passes(*filter, change));
  EXPECT_TRUE(Passes(WatchFilter{}, change)) << "no filter lets every change through";

  struct Case {
    const char* field;
    void (*spoil)(v1::WatchReferralsRequest*);
  };
  const Case cases[] = {
      {"source_service", [](auto* r) { r->set_source_service(static_cast<common::v1::ServiceName>(99)); }},
      {"unit_id", [](auto* r) { r->set_unit_id("bad unit"); }},
      {"source_unit_id", [](auto* r) { r->set_source_unit_id("bad unit"); }},
      {"states[2]", [](auto* r) { r->add_states(referral::v1::REFERRAL_STATE_UNSPECIFIED); }},
      {"states[2]", [](auto* r) { r->add_states(static_cast<referral::v1::ReferralState>(99)); }},
      {"from_beginning",
       [](auto* r) {
         r->set_cursor("v1:0=1");
         r->set_from_beginning(true);
       }},
  };
  for (const Case& c : cases) {
    auto spoilt = request;
    c.spoil(&spoilt);
    auto refused = WatchFilterOf(spoilt);
    ASSERT_FALSE(refused.ok()) << c.field;
    EXPECT_EQ(refused.status().message().rfind(std::string(c.field) + ":", 0), 0u) << refused.status().message();
  }
}

}  // namespace
}  // namespace yhteys::router
