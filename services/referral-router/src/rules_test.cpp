#include "rules.hpp"

#include <gtest/gtest.h>

#include "referral_builder.hpp"

#include <optional>
#include <string>
#include <vector>
#include "yhteys/familycentre/v1/family_centre_events.pb.h"
#include "yhteys/homecare/v1/home_care_events.pb.h"
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
      clock_start: assessed_on
      all:
        - {field: scales.drs, op: ">=", value: 3}
    then:
      service_type: mental-health-assessment
      need: possible-depression
      urgency: non_urgent
      consent_basis: client consent recorded by home care
      under_denial: withhold
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
  EXPECT_EQ(rule.service_type, "mental-health-assessment");
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
      {"service_type: mental-health-assessment", "service_type: dentist", "then.service_type"},
      {"months:3", "months:x", "then.statutory_deadline.rule"},
      {"clock_start: assessed_on", "clock_start: total", "when.clock_start"},
      {"clock_start: assessed_on", "clock_start: scales", "when.clock_start"},
      {"      clock_start: assessed_on\n", "", "when.clock_start"},
      {"target_deadline: {", "target_deadlin: {", "then.target_deadlin"},
      {"urgency: non_urgent", "urgency: soonish", "then.urgency"},
      {"need: possible-depression", "need: \"\"", "then.need"},
      // Longer than a unit's inbox takes (200 bytes): every offer would be refused.
      {"basis: \"regional target\"", "basis: \"" + std::string(201, 'x') + "\"", "then.target_deadline.basis"},
      {"consent_basis: client consent recorded by home care", "consent_basis: " + std::string(201, 'x'),
       "then.consent_basis"},
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
  EXPECT_FALSE(
      ParseRules(std::string(kDrsRule) + std::string(kDrsRule).substr(std::string(kDrsRule).find("  - id"))).ok());
}

TEST(RulesTest, ARuleNeedsAClockAndMayHaveATargetClockAlone) {
  std::string no_clock = kDrsRule;
  no_clock.erase(no_clock.find("      statutory_deadline:"));
  auto refused = ParseRules(no_clock);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("then.statutory_deadline: required, or a target_deadline"),
            std::string::npos)
      << refused.status();
  std::string target_only = kDrsRule;
  target_only.erase(target_only.find("      statutory_deadline:"),
                    target_only.find("      target_deadline:") - target_only.find("      statutory_deadline:"));
  auto rules = ParseRules(target_only);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_FALSE(rules->front().statutory.has_value());
  ASSERT_TRUE(rules->front().target_clock.has_value());
}

TEST(ReferralBuilderTest, DeadlinesComeFromTheWorkingDayCalendar) {
  auto rules = ParseRules(kDrsRule);
  Trigger trigger{"/yhteys/home-care", "evt-1",      std::string(64, 'c'), common::v1::LANGUAGE_SV, "272",
                  std::nullopt,        std::nullopt, "hc-kokkola-1"};
  // Thursday before Easter 2026.
  auto referral = BuildReferral(rules->front(), trigger, year_month_day{year(2026), month(4), day(2)});
  EXPECT_EQ(referral.offer().clock_started_on(), "2026-04-02");
  EXPECT_EQ(referral.offer().statutory_deadline().due_date(), "2026-07-02");
  EXPECT_EQ(referral.offer().target_deadline().due_date(), "2026-04-09");
  EXPECT_FALSE(referral.offer().has_statutory_completion_deadline());
  EXPECT_EQ(referral.offer().source_service(), common::v1::SERVICE_NAME_HOME_CARE);
  EXPECT_EQ(referral.offer().source_unit_id(), "hc-kokkola-1");
  EXPECT_EQ(referral.offer().language(), common::v1::LANGUAGE_SV);
  EXPECT_EQ(referral.state(), referral::v1::REFERRAL_STATE_CREATED);
  EXPECT_EQ(referral.offer().statutory_deadline().legal_basis(), "Terveydenhuoltolaki 1326/2010 § 51");
}

// The clocks start from the event's own date. The router's consumption day
// is not an input at all: the same event consumed on the day, a day late or
// just after midnight gives the same due dates. An event that predates the
// date field falls back to its CloudEvents time, as a Helsinki date.
TEST(ReferralBuilderTest, ClocksStartFromTheEventsOwnDate) {
  auto rules = ParseRules(kDrsRule);
  ASSERT_TRUE(rules.ok());
  const Rule& rule = rules->front();
  Trigger trigger{"/yhteys/home-care", "evt-1", std::string(64, 'c'), common::v1::LANGUAGE_FI, "398", std::nullopt,
                  std::nullopt,        ""};
  homecare::v1::AssessmentRecorded event = Assessment(5);
  event.set_assessed_on("2026-04-02");
  // Recorded on the day, consumed then; replayed a day late; and replayed
  // after midnight (ce_time 21:30 UTC is 00:30 the next day in Helsinki).
  std::vector<std::string> due;
  for (const char* ce_time : {"2026-04-02T09:00:00Z", "2026-04-03T12:00:00Z", "2026-04-02T21:30:00Z"}) {
    bool fallback = true;
    auto start = ClockStartOf(rule, event, ce_time, &fallback);
    ASSERT_TRUE(start.ok()) << start.status();
    EXPECT_FALSE(fallback);
    auto referral = BuildReferral(rule, trigger, *start);
    due.push_back(referral.offer().statutory_deadline().due_date() + " " +
                  referral.offer().target_deadline().due_date() + " " + referral.offer().clock_started_on());
  }
  EXPECT_EQ(due, std::vector<std::string>(3, "2026-07-02 2026-04-09 2026-04-02"));

  // No date in the event: the Finnish date of the event's own recording time.
  event.clear_assessed_on();
  bool fallback = false;
  auto start = ClockStartOf(rule, event, "2026-04-02T21:30:00Z", &fallback);
  ASSERT_TRUE(start.ok());
  EXPECT_TRUE(fallback);
  EXPECT_EQ(*start, (year_month_day{year(2026), month(4), day(3)}));
  EXPECT_FALSE(ClockStartOf(rule, event, "", &fallback).ok());
  event.set_assessed_on("2.4.2026");
  auto bad = ClockStartOf(rule, event, "2026-04-02T09:00:00Z");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "assessed_on: not a date YYYY-MM-DD");
}

TEST(ReferralBuilderTest, IdsAreDeterministicAndCarryTheShardKey) {
  Trigger trigger{"/yhteys/home-care", "evt-1", std::string(64, 'c'), common::v1::LANGUAGE_FI, "", std::nullopt,
                  std::nullopt,        ""};
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
  EXPECT_EQ(rule.service_type, "mental-health-assessment");
  auto aged = [](int drs, int age) {
    auto e = Assessment(drs);
    e.set_age_years(age);
    return e;
  };
  EXPECT_FALSE(Matches(rule, aged(2, 80)));
  EXPECT_TRUE(Matches(rule, aged(3, 80)));
}

TEST_F(ShippedRulesTest, IntakeWithChildrenAtHomeToFamilyCentre) {
  const Rule& rule = Get("intake-children-at-home-family-centre");
  EXPECT_EQ(rule.service_type, "family-support");
  EXPECT_EQ(rule.statutory->rule_text, "working_days:7");
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
  EXPECT_FALSE(Matches(rule, completed(1, true, SEVERITY_MILD, false)));    // neither severity nor use
  EXPECT_FALSE(Matches(rule, completed(0, true, SEVERITY_SEVERE, true)));   // no children at home
  EXPECT_FALSE(Matches(rule, completed(1, false, SEVERITY_SEVERE, true)));  // no consent
}

TEST_F(ShippedRulesTest, ParentEpdsToIntakeUrgentOnSelfHarm) {
  const Rule& depression = Get("familycentre-epds-depression");
  const Rule& self_harm = Get("familycentre-epds-self-harm");
  auto screened = [](int total, bool self_harm_item) {
    familycentre::v1::EpdsScreened e;
    e.set_client_pseudonym(std::string(64, 'c'));
    e.set_total(total);
    e.set_self_harm_item_positive(self_harm_item);
    e.set_age_years(30);
    return e;
  };
  EXPECT_EQ(depression.service_type, "perinatal-mental-health");
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
  EXPECT_EQ(self_harm.statutory->rule_text, "same_day");
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
  EXPECT_EQ(chess.service_type, "primary-care-nurse");
  EXPECT_FALSE(Matches(chess, assessed(2, 1, 80)));
  EXPECT_TRUE(Matches(chess, assessed(3, 1, 80)));
  const Rule& priority = Get("homecare-maple-social-care-priority");
  const Rule& other = Get("homecare-maple-social-care");
  EXPECT_EQ(priority.statutory->rule_text, "working_days:7");
  EXPECT_FALSE(Matches(priority, assessed(0, 3, 80)));
  EXPECT_TRUE(Matches(priority, assessed(0, 4, 75)));
  EXPECT_FALSE(Matches(priority, assessed(0, 4, 74)));
  EXPECT_TRUE(Matches(other, assessed(0, 4, 74)));
  EXPECT_FALSE(Matches(other, assessed(0, 4, 75)));
  EXPECT_FALSE(Matches(other, assessed(0, 3, 60)));
}

// Which shipped rules an event selects, each with its clocks: "rule
// statutory/completion/target" ("-" for a clock the rule does not have).
class RuleSelectionTest : public ShippedRulesTest {
 protected:
  std::vector<std::string> Selected(const google::protobuf::Message& event) {
    std::vector<std::string> out;
    for (const Rule& rule : rules_) {
      if (!Matches(rule, event)) continue;
      auto text = [](const std::optional<Clock>& c) { return c ? c->rule_text : std::string("-"); };
      out.push_back(rule.id + " " + text(rule.statutory) + "/" + text(rule.statutory_completion) + "/" +
                    text(rule.target_clock));
    }
    return out;
  }
  static homecare::v1::AssessmentRecorded Rai(std::optional<int> drs, int chess, int maple, int age,
                                              bool highest_allowance = false) {
    homecare::v1::AssessmentRecorded e;
    e.set_client_pseudonym(std::string(64, 'c'));
    e.set_assessed_on("2026-04-02");
    if (drs) e.mutable_scales()->set_drs(*drs);
    e.mutable_scales()->set_cps(0);
    e.mutable_scales()->set_chess(chess);
    e.mutable_scales()->set_maple(maple);
    e.set_age_years(age);
    e.set_highest_care_allowance(highest_allowance);
    return e;
  }
  static familycentre::v1::EpdsScreened Epds(int total, bool self_harm, int age) {
    familycentre::v1::EpdsScreened e;
    e.set_client_pseudonym(std::string(64, 'c'));
    e.set_screened_on("2026-04-02");
    e.set_total(total);
    e.set_self_harm_item_positive(self_harm);
    e.set_age_years(age);
    return e;
  }
  using V = std::vector<std::string>;
};

// Health care (TervHL § 51 a): under 23, 14 days; 23 or over, 3 months.
TEST_F(RuleSelectionTest, HealthCareRulesSplitOnAgeTwentyThree) {
  EXPECT_EQ(Selected(Rai(5, 0, 1, 22)), V{"homecare-drs-depression-under-23 days:14/-/days:7"});
  EXPECT_EQ(Selected(Rai(5, 0, 1, 23)), V{"homecare-drs-depression months:3/-/days:7"});
  EXPECT_EQ(Selected(Rai(0, 3, 1, 19)), V{"homecare-chess-nurse-review-under-23 days:14/-/working_days:5"});
  EXPECT_EQ(Selected(Rai(0, 3, 1, 88)), V{"homecare-chess-nurse-review months:3/-/working_days:5"});
  EXPECT_EQ(Selected(Epds(14, false, 22)), V{"familycentre-epds-depression-under-23 days:14/-/days:7"});
  EXPECT_EQ(Selected(Epds(14, false, 23)), V{"familycentre-epds-depression months:3/-/days:7"});
  // Urgent whatever the age: the same day, and no second, non-urgent referral.
  EXPECT_EQ(Selected(Epds(20, true, 19)), V{"familycentre-epds-self-harm same_day/-/-"});
  EXPECT_EQ(Selected(Epds(20, true, 40)), V{"familycentre-epds-self-harm same_day/-/-"});
  // Every rule to health care cites § 51 a (or § 50 for urgent care), never § 51 alone for the guarantee.
  for (const Rule& rule : rules_) {
    if (!rule.statutory) continue;
    const std::string& basis = rule.statutory->basis;
    if (basis.find("Terveydenhuoltolaki") == std::string::npos || basis.find("§ 9") != std::string::npos) continue;
    EXPECT_TRUE(basis.find("§ 51 a") != std::string::npos || basis.find("§ 50") != std::string::npos)
        << rule.id << ": " << basis;
  }
}

// Social care (SHL § 36): 75 or over, or the highest care allowance at any
// age, 7 working days; otherwise the Act sets no day count and the region's
// 3 months is a target clock only.
TEST_F(RuleSelectionTest, ServiceNeedAssessmentByAgeAndCareAllowance) {
  const V priority{"homecare-maple-social-care-priority working_days:7/-/-"};
  EXPECT_EQ(Selected(Rai(0, 0, 4, 80)), priority);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 75)), priority);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 60, true)), priority);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 18, true)), priority);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 74)), V{"homecare-maple-social-care -/-/months:3"});
  EXPECT_EQ(Selected(Rai(0, 0, 4, 18)), V{"homecare-maple-social-care -/-/months:3"});
  // A child: start and completion clocks, with or without an allowance, and only that one rule.
  const V child{"homecare-maple-social-care-child working_days:7/months:3/-"};
  EXPECT_EQ(Selected(Rai(0, 0, 4, 17)), child);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 17, true)), child);
  EXPECT_EQ(Selected(Rai(0, 0, 4, 6)), child);
  EXPECT_EQ(Selected(Rai(0, 0, 3, 80, true)), V{});
  const Rule& other = Get("homecare-maple-social-care");
  EXPECT_NE(other.target_clock->basis.find("a target, not a statute"), std::string::npos);
}

// A child who needs special support: a start and a completion clock.
TEST_F(RuleSelectionTest, ChildrenAtHomeGetBothClocksOfSection36) {
  mentalhealth::v1::IntakeCompleted e;
  e.set_client_pseudonym(std::string(64, 'c'));
  e.set_completed_on("2026-04-02");
  e.set_children_at_home(2);
  e.set_consent_to_family_centre(true);
  e.set_max_severity(mentalhealth::v1::SEVERITY_MODERATE);
  EXPECT_EQ(Selected(e), V{"intake-children-at-home-family-centre working_days:7/months:3/days:7"});
  Trigger trigger{"/yhteys/mental-health-intake",
                  "evt-9",
                  std::string(64, 'c'),
                  common::v1::LANGUAGE_FI,
                  "398",
                  std::nullopt,
                  std::nullopt,
                  ""};
  const Rule& rule = Get("intake-children-at-home-family-centre");
  auto start = ClockStartOf(rule, e, "");
  ASSERT_TRUE(start.ok());
  auto referral = BuildReferral(rule, trigger, *start);
  // Thursday before Easter 2026: the 7th working day skips Good Friday and Easter Monday.
  EXPECT_EQ(referral.offer().statutory_deadline().due_date(), "2026-04-15");
  EXPECT_EQ(referral.offer().statutory_completion_deadline().due_date(), "2026-07-02");
  EXPECT_EQ(referral.offer().target_deadline().due_date(), "2026-04-09");
}

// A comatose client's assessment has no DRS: no depression rule fires,
// whatever the other scales say.
TEST_F(RuleSelectionTest, NoDrsNoDepressionRule) {
  EXPECT_EQ(Selected(Rai(std::nullopt, 0, 1, 80)), V{});
  EXPECT_EQ(Selected(Rai(std::nullopt, 3, 1, 80)), V{"homecare-chess-nurse-review months:3/-/working_days:5"});
}

// Every shipped rule names the date its clocks start from.
TEST_F(ShippedRulesTest, EveryRuleStartsItsClocksFromTheEventsDate) {
  for (const Rule& rule : rules_) {
    EXPECT_FALSE(rule.clock_start_field.empty()) << rule.id;
  }
  EXPECT_EQ(rules_.size(), 25u);  // 11 on the sectors' events, 14 on the counselling contact's needs
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
