#include "counselling.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "referral_builder.hpp"
#include "rules.hpp"
#include "service_types.hpp"

namespace yhteys::router {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

const year_month_day kToday{year{2026}, month{11}, day{26}};

v1::RecordCounsellingContactRequest ValidRequest() {
  v1::RecordCounsellingContactRequest r;
  r.set_unit_id("ph-neuvonta-lahti");
  r.set_channel(v1::COUNSELLING_CHANNEL_PHONE);
  r.set_anonymous(true);
  r.set_age_years(44);
  r.set_municipality_code("398");
  r.set_language(common::v1::LANGUAGE_FI);
  r.set_consent_to_share(true);
  r.set_contacted_on("2026-11-25");
  auto* need = r.add_needs();
  need->set_need("mental-health");
  r.add_needs()->set_need("social-care");
  return r;
}

TEST(ValidateContactTest, AcceptsAValidContactAndDefaultsTheDateToToday) {
  auto on = ValidateContact(ValidRequest(), kToday);
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_EQ(*on, (year_month_day{year{2026}, month{11}, day{25}}));
  auto request = ValidRequest();
  request.clear_contacted_on();
  on = ValidateContact(request, kToday);
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_EQ(*on, kToday);
}

TEST(ValidateContactTest, NamesTheBadField) {
  struct Case {
    const char* field;
    void (*spoil)(v1::RecordCounsellingContactRequest*);
  };
  const Case cases[] = {
      {"unit_id", [](auto* r) { r->clear_unit_id(); }},
      {"channel", [](auto* r) { r->clear_channel(); }},
      {"channel", [](auto* r) { r->set_channel(static_cast<v1::CounsellingChannel>(99)); }},
      {"municipality_code", [](auto* r) { r->set_municipality_code("39"); }},
      {"language", [](auto* r) { r->set_language(static_cast<common::v1::Language>(99)); }},
      {"identity_code", [](auto* r) { r->clear_client(); }},
      {"anonymous", [](auto* r) { r->set_anonymous(false); }},
      {"age_years", [](auto* r) { r->set_age_years(131); }},
      {"age_years", [](auto* r) { r->set_age_years(-1); }},
      {"contacted_on", [](auto* r) { r->set_contacted_on("25.11.2026"); }},
      {"contacted_on", [](auto* r) { r->set_contacted_on("2026-11-27"); }},
      {"needs", [](auto* r) { r->clear_needs(); }},
      {"needs",
       [](auto* r) {
         for (int i = 0; i < 10; ++i) r->add_needs()->set_need("home-care");
       }},
      {"needs[1].need", [](auto* r) { r->mutable_needs(1)->set_need("housing"); }},
      {"needs[1].need", [](auto* r) { r->mutable_needs(1)->set_need("mental-health"); }},
  };
  for (const Case& c : cases) {
    auto request = ValidRequest();
    c.spoil(&request);
    auto on = ValidateContact(request, kToday);
    ASSERT_FALSE(on.ok()) << c.field;
    EXPECT_EQ(on.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_TRUE(absl::StartsWith(on.status().message(), std::string(c.field) + ":"))
        << c.field << " vs " << on.status().message();
  }
}

TEST(CounsellingContactTest, IdsAreStableForARetryAndDistinctOtherwise) {
  const std::string a = AnonymousPseudonym("ph-neuvonta-lahti", "key-1");
  EXPECT_EQ(a, AnonymousPseudonym("ph-neuvonta-lahti", "key-1"));
  EXPECT_NE(a, AnonymousPseudonym("ph-neuvonta-lahti", "key-2"));
  EXPECT_NE(a, AnonymousPseudonym("la-neuvonta-inari", "key-1"));
  EXPECT_EQ(a.size(), 64u);
  const std::string id = ContactIdFor(a, "ph-neuvonta-lahti", "key-1");
  EXPECT_EQ(id, ContactIdFor(a, "ph-neuvonta-lahti", "key-1"));
  EXPECT_NE(id, ContactIdFor(a, "ph-neuvonta-lahti", "key-2"));
  EXPECT_TRUE(absl::StartsWith(id, "cc-" + ShardKeyOfPseudonym(a) + "-")) << id;
}

TEST(CounsellingContactTest, EachNeedIsViewedWithTheContactsFields) {
  const auto request = ValidRequest();
  const auto contact =
      ContactEvent(request, "cc-x", std::string(64, 'a'), 44, year_month_day{year{2026}, month{11}, day{25}});
  EXPECT_TRUE(contact.anonymous());
  EXPECT_EQ(contact.contacted_on(), "2026-11-25");
  ASSERT_EQ(contact.needs_size(), 2);
  const auto view = NeedView(contact, 1);
  EXPECT_EQ(view.need(), "social-care");
  EXPECT_FALSE(view.urgent());
  EXPECT_EQ(view.contact_id(), "cc-x");
  EXPECT_EQ(view.age_years(), 44);
  EXPECT_EQ(view.municipality_code(), "398");
  EXPECT_EQ(view.language(), common::v1::LANGUAGE_FI);
  EXPECT_TRUE(view.consent_to_share());
  EXPECT_EQ(view.contacted_on(), "2026-11-25");
}

// The shipped rules take every counselling need: exactly one rule for each
// need at each age, with consent or urgent; none for a need that is neither.
class ShippedCounsellingRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = LoadRulesFile(YHTEYS_SHIPPED_RULES);
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = std::move(*rules);
  }
  std::vector<const Rule*> Matching(const std::string& need, bool urgent, bool consent, int age) {
    v1::CounsellingNeedRecorded view;
    view.set_need(need);
    view.set_urgent(urgent);
    view.set_consent_to_share(consent);
    view.set_age_years(age);
    view.set_contacted_on("2026-11-25");
    std::vector<const Rule*> out;
    for (const Rule& rule : rules_) {
      if (Matches(rule, view)) out.push_back(&rule);
    }
    return out;
  }
  std::vector<Rule> rules_;
};

TEST_F(ShippedCounsellingRulesTest, EveryNeedHasExactlyOneRuleWithConsentOrWhenUrgent) {
  for (const auto& need : CounsellingNeeds()) {
    for (int age : {10, 30, 74, 75, 90}) {
      const std::string what = std::string(need.id) + " age " + std::to_string(age);
      auto consented = Matching(std::string(need.id), false, true, age);
      ASSERT_EQ(consented.size(), 1u) << what;
      EXPECT_EQ(consented[0]->urgency, common::v1::URGENCY_NON_URGENT) << what;
      EXPECT_NE(FindServiceType(consented[0]->service_type), nullptr) << what;
      for (bool consent : {false, true}) {
        auto urgent = Matching(std::string(need.id), true, consent, age);
        ASSERT_EQ(urgent.size(), 1u) << what;
        EXPECT_EQ(urgent[0]->urgency, common::v1::URGENCY_URGENT) << what;
        ASSERT_TRUE(urgent[0]->statutory.has_value()) << what;
        EXPECT_EQ(urgent[0]->statutory->rule_text, "same_day") << what;
        EXPECT_EQ(urgent[0]->under_denial, UnderDenial::kNeedOnly) << what;
      }
      EXPECT_TRUE(Matching(std::string(need.id), false, false, age).empty()) << what;
    }
  }
}

TEST_F(ShippedCounsellingRulesTest, SocialCareAt75OrOverHasTheSevenWorkingDayClockOfShl36) {
  for (const char* need : {"social-care", "home-care"}) {
    auto older = Matching(need, false, true, 75);
    ASSERT_EQ(older.size(), 1u);
    ASSERT_TRUE(older[0]->statutory.has_value()) << need;
    EXPECT_EQ(older[0]->statutory->rule_text, "working_days:7");
    auto younger = Matching(need, false, true, 74);
    ASSERT_EQ(younger.size(), 1u);
    EXPECT_FALSE(younger[0]->statutory.has_value()) << need;
    ASSERT_TRUE(younger[0]->target_clock.has_value()) << need;
  }
}

}  // namespace
}  // namespace yhteys::router
