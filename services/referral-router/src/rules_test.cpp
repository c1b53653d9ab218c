#include "rules.hpp"

#include <gtest/gtest.h>

#include "referral_builder.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/mentalhealth/v1/mental_health_intake_events.pb.h"

namespace yhteys::router {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr char kDrsRule[] = R"(
rules:
  - id: homecare-drs-depression
    description: RAI-HC DRS 3 or more
    when:
      event: yhteys.homecare.v1.AssessmentRecorded
      all:
        - {field: scales.drs, op: ">=", value: 3}
    then:
      target: mental-health-intake
      need: possible-depression
      urgency: non_urgent
      consent_basis: client consent recorded by home care
      statutory_deadline: {rule: "months:3", basis: "Terveydenhuoltolaki 1326/2010 § 51"}
      target_deadline: {rule: "days:7", basis: "regional target"}
)";

homecare::v1::AssessmentRecorded Assessment(int drs) {
  homecare::v1::AssessmentRecorded e;
  e.set_client_pseudonym(std::string(64, 'c'));
  e.mutable_scales()->set_drs(drs);
  e.set_language(common::v1::LANGUAGE_SV);
  e.set_municipality_code("272");
  return e;
}

TEST(RulesTest, DrsRuleMatchesAtThreeAndAbove) {
  auto rules = ParseRules(kDrsRule);
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 1u);
  const Rule& rule = rules->front();
  EXPECT_EQ(rule.target, common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_FALSE(Matches(rule, Assessment(0)));
  EXPECT_FALSE(Matches(rule, Assessment(2)));
  EXPECT_TRUE(Matches(rule, Assessment(3)));
  EXPECT_TRUE(Matches(rule, Assessment(14)));
}

TEST(RulesTest, OtherEventTypesNeverMatch) {
  auto rules = ParseRules(kDrsRule);
  ASSERT_TRUE(rules.ok());
  homecare::v1::ClientRegistered registered;
  registered.set_client_pseudonym(std::string(64, 'c'));
  EXPECT_FALSE(Matches(rules->front(), registered));
}

TEST(RulesTest, AbsentParentMessageDoesNotMatch) {
  auto rules = ParseRules(kDrsRule);
  homecare::v1::AssessmentRecorded no_scales;
  EXPECT_FALSE(Matches(rules->front(), no_scales));
}

TEST(RulesTest, BadRulesFailNamingRuleAndKey) {
  struct Case {
    std::string from, to, expect;
  } cases[] = {
      {"yhteys.homecare.v1.AssessmentRecorded", "yhteys.homecare.v1.Nope", "when.event"},
      {"scales.drs", "scales.nope", "when.all.field"},
      {"\">=\"", "\"=>\"", "when.all.op"},
      {"mental-health-intake", "dentist", "then.target"},
      {"months:3", "months:x", "then.statutory_deadline.rule"},
      {"urgency: non_urgent", "urgency: soonish", "then.urgency"},
      {"need: possible-depression", "need: \"\"", "then.need"},
  };
  for (const auto& c : cases) {
    std::string text = kDrsRule;
    text.replace(text.find(c.from), c.from.size(), c.to);
    auto rules = ParseRules(text);
    ASSERT_FALSE(rules.ok()) << c.to;
    std::string msg(rules.status().message());
    EXPECT_NE(msg.find("homecare-drs-depression"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
  }
  EXPECT_FALSE(ParseRules("rules: 5").ok());
  EXPECT_FALSE(ParseRules(std::string(kDrsRule) + std::string(kDrsRule).substr(std::string(kDrsRule).find("  - id"))).ok());
}

TEST(ReferralBuilderTest, DeadlinesComeFromTheWorkingDayCalendar) {
  auto rules = ParseRules(kDrsRule);
  Trigger trigger{"/yhteys/home-care", "evt-1", std::string(64, 'c'), common::v1::LANGUAGE_SV, "272"};
  // Thursday before Easter 2026.
  auto referral = BuildReferral(rules->front(), trigger, year_month_day{year(2026), month(4), day(2)});
  EXPECT_EQ(referral.offer().statutory_deadline().due_date(), "2026-07-02");
  EXPECT_EQ(referral.offer().target_deadline().due_date(), "2026-04-09");
  EXPECT_EQ(referral.offer().source_service(), common::v1::SERVICE_NAME_HOME_CARE);
  EXPECT_EQ(referral.offer().language(), common::v1::LANGUAGE_SV);
  EXPECT_EQ(referral.state(), referral::v1::REFERRAL_STATE_CREATED);
  EXPECT_EQ(referral.offer().statutory_deadline().legal_basis(), "Terveydenhuoltolaki 1326/2010 § 51");
}

TEST(ReferralBuilderTest, IdsAreDeterministicAndCarryTheShardKey) {
  Trigger trigger{"/yhteys/home-care", "evt-1", std::string(64, 'c'), common::v1::LANGUAGE_FI, ""};
  std::string id = ReferralIdFor(trigger, "rule-a");
  EXPECT_EQ(id, ReferralIdFor(trigger, "rule-a"));
  EXPECT_NE(id, ReferralIdFor(trigger, "rule-b"));
  EXPECT_EQ(ShardKeyOfReferralId(id), std::string(16, 'c'));
  EXPECT_EQ(ShardKeyOfReferralId("ref-xyz"), "");
  EXPECT_EQ(ShardKeyOfReferralId("ref-cccccccccccccccc-ZZZZZZZZZZZZZZZZ"), "");
}

TEST(RulesTest, AnyNeedsOneOfItsConditionsAndBoolsCompareAsTrueFalse) {
  std::string text = kDrsRule;
  text.replace(text.find("      all:"), 0,
               "      any:\n        - {field: scales.drs, op: \"==\", value: 9}\n"
               "        - {field: scales.drs, op: \"==\", value: 4}\n");
  auto rules = ParseRules(text);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_FALSE(Matches(rules->front(), Assessment(3)));  // all holds, no any
  EXPECT_TRUE(Matches(rules->front(), Assessment(4)));
  EXPECT_TRUE(Matches(rules->front(), Assessment(9)));
  EXPECT_FALSE(Matches(rules->front(), Assessment(2)));  // any holds (no), all does not

  std::string bad = kDrsRule;
  bad.replace(bad.find("      all:"), 0, "      any: []\n");
  auto empty_any = ParseRules(bad);
  ASSERT_FALSE(empty_any.ok());
  EXPECT_NE(empty_any.status().message().find("when.any"), std::string::npos);
  std::string unknown = kDrsRule;
  unknown.replace(unknown.find("      all:"), 0, "      either: []\n");
  auto unknown_key = ParseRules(unknown);
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.status().message().find("when.either"), std::string::npos);
}

// The rules file the router ships with: each rule, each branch.
class ShippedRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = LoadRulesFile(YHTEYS_SHIPPED_RULES);
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = std::move(*rules);
  }
  const Rule& Get(const std::string& id) {
    for (const auto& r : rules_) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no rule " << id;
    static Rule none;
    return none;
  }
  std::vector<Rule> rules_;
};

TEST_F(ShippedRulesTest, HomeCareDepressionToIntake) {
  const Rule& rule = Get("homecare-drs-depression");
  EXPECT_EQ(rule.target, common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_FALSE(Matches(rule, Assessment(2)));
  EXPECT_TRUE(Matches(rule, Assessment(3)));
}

TEST_F(ShippedRulesTest, IntakeWithChildrenAtHomeToFamilyCentre) {
  const Rule& rule = Get("intake-children-at-home-family-centre");
  EXPECT_EQ(rule.target, common::v1::SERVICE_NAME_FAMILY_CENTRE);
  EXPECT_EQ(rule.statutory.rule_text, "working_days:7");
  auto completed = [](int children, bool consent, mentalhealth::v1::Severity severity, bool risky) {
    mentalhealth::v1::IntakeCompleted e;
    e.set_client_pseudonym(std::string(64, 'c'));
    e.set_children_at_home(children);
    e.set_consent_to_family_centre(consent);
    e.set_max_severity(severity);
    e.set_risky_substance_use(risky);
    return e;
  };
  using mentalhealth::v1::SEVERITY_MILD;
  using mentalhealth::v1::SEVERITY_MODERATE;
  using mentalhealth::v1::SEVERITY_SEVERE;
  EXPECT_TRUE(Matches(rule, completed(1, true, SEVERITY_MODERATE, false)));
  EXPECT_TRUE(Matches(rule, completed(2, true, SEVERITY_SEVERE, false)));
  EXPECT_TRUE(Matches(rule, completed(1, true, SEVERITY_MILD, true)));
  EXPECT_FALSE(Matches(rule, completed(1, true, SEVERITY_MILD, false)));      // neither severity nor use
  EXPECT_FALSE(Matches(rule, completed(0, true, SEVERITY_SEVERE, true)));     // no children at home
  EXPECT_FALSE(Matches(rule, completed(1, false, SEVERITY_SEVERE, true)));    // no consent
}

TEST_F(ShippedRulesTest, ParentEpdsToIntakeUrgentOnSelfHarm) {
  const Rule& depression = Get("familycentre-epds-depression");
  const Rule& self_harm = Get("familycentre-epds-self-harm");
  auto screened = [](int total, bool self_harm_item) {
    familycentre::v1::EpdsScreened e;
    e.set_client_pseudonym(std::string(64, 'c'));
    e.set_total(total);
    e.set_self_harm_item_positive(self_harm_item);
    return e;
  };
  EXPECT_EQ(depression.target, common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(depression.urgency, common::v1::URGENCY_NON_URGENT);
  EXPECT_FALSE(Matches(depression, screened(12, false)));
  EXPECT_TRUE(Matches(depression, screened(13, false)));
  EXPECT_TRUE(Matches(depression, screened(30, false)));
  // Item 10 positive: only the urgent rule, so one referral, not two.
  EXPECT_FALSE(Matches(depression, screened(20, true)));
  EXPECT_TRUE(Matches(self_harm, screened(20, true)));
  EXPECT_TRUE(Matches(self_harm, screened(1, true)));
  EXPECT_FALSE(Matches(self_harm, screened(20, false)));
  EXPECT_EQ(self_harm.urgency, common::v1::URGENCY_URGENT);
  EXPECT_EQ(self_harm.statutory.rule_text, "same_day");
  EXPECT_FALSE(self_harm.target_clock.has_value());
}

TEST_F(ShippedRulesTest, HomeCareChessAndMapleToExternalUnits) {
  auto assessed = [](int chess, int maple, int age) {
    homecare::v1::AssessmentRecorded e = Assessment(0);
    e.mutable_scales()->set_chess(chess);
    e.mutable_scales()->set_maple(maple);
    e.set_age_years(age);
    return e;
  };
  const Rule& chess = Get("homecare-chess-nurse-review");
  EXPECT_EQ(chess.target, common::v1::SERVICE_NAME_EXTERNAL);
  EXPECT_FALSE(Matches(chess, assessed(2, 1, 80)));
  EXPECT_TRUE(Matches(chess, assessed(3, 1, 80)));
  const Rule& old = Get("homecare-maple-social-care-75plus");
  const Rule& young = Get("homecare-maple-social-care");
  EXPECT_EQ(old.statutory.rule_text, "working_days:7");
  EXPECT_FALSE(Matches(old, assessed(0, 3, 80)));
  EXPECT_TRUE(Matches(old, assessed(0, 4, 75)));
  EXPECT_FALSE(Matches(old, assessed(0, 4, 74)));
  EXPECT_TRUE(Matches(young, assessed(0, 4, 74)));
  EXPECT_FALSE(Matches(young, assessed(0, 4, 75)));
  EXPECT_FALSE(Matches(young, assessed(0, 3, 60)));
}

TEST(ServiceNamesTest, RoundTrip) {
  for (auto s : {common::v1::SERVICE_NAME_FAMILY_CENTRE, common::v1::SERVICE_NAME_HOME_CARE,
                 common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE, common::v1::SERVICE_NAME_CLIENT_FEEDBACK}) {
    EXPECT_EQ(ServiceFromName(ServiceToName(s)), s);
    EXPECT_EQ(ServiceFromSource("/yhteys/" + ServiceToName(s)), s);
  }
  EXPECT_EQ(ServiceFromSource("/elsewhere/home-care"), common::v1::SERVICE_NAME_UNSPECIFIED);
}

}  // namespace
}  // namespace yhteys::router
