// Table tests of the service directory's validation and of the unit choice.
#include "unit_choice.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace yhteys::router {
namespace {

using common::v1::LANGUAGE_FI;
using common::v1::LANGUAGE_SE;
using common::v1::LANGUAGE_SV;

// Inari (148) and Utsjoki (890): a Northern Sámi unit, a Finnish one with
// a short waitlist, one temporarily closed, one for under-18s only.
constexpr char kLapland[] = R"(
county: lappi
units:
  - id: mh-inari-sami
    organisation: Lapin hyvinvointialue
    service_type: mental-health-intake
    municipalities: ["148", "890"]
    languages: [se, fi]
    status: active
    capacity: {state: waitlist, band: 1_to_3_months, updated_on: 2026-11-20}
    reached_through: mental-health-intake
  - id: mh-inari-fi
    organisation: Lapin hyvinvointialue
    service_type: mental-health-intake
    municipalities: ["148"]
    languages: [fi]
    status: active
    capacity: {state: available, updated_on: 2026-11-24}
    reached_through: mental-health-intake
  - id: mh-ivalo-closed
    organisation: Lapin hyvinvointialue
    service_type: mental-health-intake
    municipalities: ["148"]
    languages: [fi, se]
    status: temporarily_closed
    capacity: {state: available, updated_on: 2026-11-01}
    reached_through: mental-health-intake
  - id: mh-youth-inari
    organisation: Lapin hyvinvointialue
    service_type: mental-health-intake
    municipalities: ["148"]
    languages: [fi, se]
    age: {min: 13, max: 17}
    status: active
    capacity: {state: available, updated_on: 2026-11-24}
    reached_through: external
  - id: hc-inari
    organisation: Lapin hyvinvointialue
    service_type: home-care
    municipalities: ["148"]
    languages: [fi]
    status: active
    capacity: {state: none, updated_on: 2026-11-24}
    reached_through: home-care
)";

Directory Lapland() {
  auto directory = ParseDirectory(kLapland);
  EXPECT_TRUE(directory.ok()) << directory.status();
  return *directory;
}

std::vector<std::string> Ids(const UnitChoice& choice) {
  std::vector<std::string> ids;
  for (const auto& u : choice.ranked) ids.push_back(u.unit_id);
  return ids;
}

TEST(ChooseUnitsTest, Table) {
  struct Case {
    const char* name;
    NeedForUnit need;
    std::vector<std::string> ranked;
    bool language_unmet;
  };
  const std::vector<Case> cases = {
      {"Sámi speaker: the Sámi unit first, though it has a waitlist",
       {"mental-health-intake", "148", 40, LANGUAGE_SE, false},
       {"mh-inari-sami", "mh-inari-fi"},
       false},
      {"Finnish speaker: capacity decides between Finnish units",
       {"mental-health-intake", "148", 40, LANGUAGE_FI, false},
       {"mh-inari-fi", "mh-inari-sami"},
       false},
      {"urgent: capacity not weighed, the id breaks the tie",
       {"mental-health-intake", "148", 40, LANGUAGE_FI, true},
       {"mh-inari-fi", "mh-inari-sami"},
       false},
      {"Swedish nowhere: every unit, language unmet",
       {"mental-health-intake", "148", 40, LANGUAGE_SV, false},
       {"mh-inari-fi", "mh-inari-sami"},
       true},
      {"a 15-year-old: the youth unit is eligible, and has room",
       {"mental-health-intake", "148", 15, LANGUAGE_SE, false},
       {"mh-youth-inari", "mh-inari-sami", "mh-inari-fi"},
       false},
      {"age unknown: no unit excluded by age",
       {"mental-health-intake", "148", std::nullopt, LANGUAGE_FI, false},
       {"mh-inari-fi", "mh-youth-inari", "mh-inari-sami"},
       false},
      {"Utsjoki: only the unit whose area covers it",
       {"mental-health-intake", "890", 70, LANGUAGE_FI, false},
       {"mh-inari-sami"},
       false},
      {"no capacity is still a candidate, last", {"home-care", "148", 80, LANGUAGE_FI, false}, {"hc-inari"}, false},
      {"another municipality: nobody (UNROUTABLE)", {"mental-health-intake", "091", 40, LANGUAGE_FI, false}, {}, false},
      {"a service type nobody gives", {"family-centre", "148", 40, LANGUAGE_FI, false}, {}, false},
  };
  const Directory directory = Lapland();
  for (const auto& c : cases) {
    UnitChoice choice = ChooseUnits(directory, c.need);
    EXPECT_EQ(Ids(choice), c.ranked) << c.name;
    EXPECT_EQ(choice.language_unmet, c.language_unmet) << c.name;
    EXPECT_FALSE(choice.reason.empty()) << c.name;
  }
}

TEST(ChooseUnitsTest, TheSameInputsGiveTheSameOrder) {
  Directory directory = Lapland();
  const NeedForUnit need{"mental-health-intake", "148", 15, LANGUAGE_FI, true};
  const auto first = Ids(ChooseUnits(directory, need));
  std::reverse(directory.units.begin(), directory.units.end());
  EXPECT_EQ(Ids(ChooseUnits(directory, need)), first);
}

TEST(ParseDirectoryTest, ABadFileIsRefusedWholeNamingTheField) {
  struct Case {
    const char* name;
    std::function<std::string(std::string)> spoil;
    const char* message_prefix;
  };
  auto replace = [](const std::string& from, const std::string& to) {
    return [=](std::string text) {
      const size_t at = text.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      return text.replace(at, from.size(), to);
    };
  };
  const std::vector<Case> cases = {
      {"unknown language", replace("languages: [se, fi]", "languages: [se, en]"), "units[0].languages[1]: 'en'"},
      {"bad municipality", replace(R"(["148", "890"])", R"(["148", "89"])"), "units[0].municipalities[1]:"},
      {"waitlist without band", replace("{state: waitlist, band: 1_to_3_months,", "{state: waitlist,"),
       "units[0].capacity.band: required"},
      {"band without waitlist",
       replace("{state: available, updated_on: 2026-11-24}",
               "{state: available, band: over_3_months, updated_on: 2026-11-24}"),
       "units[1].capacity.band: only with state waitlist"},
      {"bad date", replace("updated_on: 2026-11-20", "updated_on: 2026-13-20"), "units[0].capacity.updated_on:"},
      {"unknown status", replace("status: temporarily_closed", "status: closed"), "units[2].status:"},
      {"age upside down", replace("age: {min: 13, max: 17}", "age: {min: 17, max: 13}"), "units[3].age:"},
      {"duplicate id", replace("id: mh-inari-fi", "id: mh-inari-sami"), "units[1].id: 'mh-inari-sami' twice"},
      {"not reachable", replace("reached_through: external", "reached_through: referral-router"),
       "units[3].reached_through:"},
      {"no languages",
       replace("languages: [fi]\n    status: active\n    capacity: {state: available",
               "languages: []\n    status: active\n    capacity: {state: available"),
       "units[1].languages:"},
      {"not YAML", [](std::string) { return std::string("units: [\n"); }, "directory: not YAML"},
  };
  for (const auto& c : cases) {
    auto directory = ParseDirectory(c.spoil(kLapland));
    EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(directory.status().message().rfind(c.message_prefix, 0), 0u) << c.name << ": " << directory.status();
  }
  auto good = ParseDirectory(kLapland);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->county, "lappi");
  EXPECT_EQ(good->units.size(), 5u);
  EXPECT_EQ(good->units[3].reached_through, common::v1::SERVICE_NAME_EXTERNAL);
  EXPECT_EQ(good->units[0].capacity, Capacity::kWaitlistOneToThreeMonths);
}

}  // namespace
}  // namespace yhteys::router
