// Table tests of the service directory's validation and of the unit choice.
#include "unit_choice.hpp"

#include "service_types.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace yhteys::router {
namespace {

using common::v1::LANGUAGE_FI;
using common::v1::LANGUAGE_SE;
using common::v1::LANGUAGE_SV;

// Inari (148) and Utsjoki (890): a Northern Sámi unit, a Finnish one with
// a short waitlist, one temporarily closed, one for under-18s only.
constexpr char kLapland[] = R"(
county: lappi
name: Lapin hyvinvointialue
organisations:
  - id: lapha
    name: Lapin hyvinvointialue
    services:
      - id: lapha-mielenterveys
        name: Aikuisten mielenterveyspalvelut
        service_type: mental-health-assessment
        reached_through: mental-health-intake
        units:
          - id: mh-inari-sami
            name: Sámi mental-health team, Inari and Utsjoki
            municipalities: ["148", "890"]
            languages: [se, fi]
            status: active
            capacity: {state: waitlist, band: 1_to_3_months, updated_on: 2026-11-20}
          - id: mh-inari-fi
            name: Mental-health team, Ivalo
            municipalities: ["148"]
            languages: [fi]
            status: active
            capacity: {state: available, updated_on: 2026-11-24}
          - id: mh-ivalo-closed
            name: Mental-health reception, Ivalo health centre
            municipalities: ["148"]
            languages: [fi, se]
            status: temporarily_closed
            capacity: {state: available, updated_on: 2026-11-01}
          - id: mh-aaa-inari-waitlist
            name: Brief therapies, Inari
            municipalities: ["148"]
            languages: [fi]
            status: active
            capacity: {state: waitlist, band: over_3_months, updated_on: 2026-11-20}
      - id: lapha-nuoret
        name: Youth mental-health services
        service_type: mental-health-assessment
        reached_through: external
        units:
          - id: mh-youth-inari
            name: Youth station, Inari
            municipalities: ["148"]
            languages: [fi, se]
            age: {min: 13, max: 17}
            status: active
            capacity: {state: available, updated_on: 2026-11-24}
      - id: lapha-kotihoito
        name: Kotihoito
        service_type: home-care
        reached_through: home-care
        units:
          - id: hc-inari
            name: Home care, Inari
            municipalities: ["148"]
            languages: [fi]
            status: active
            capacity: {state: none, updated_on: 2026-11-24}
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
       {"mental-health-assessment", "148", 40, LANGUAGE_SE, false},
       {"mh-inari-sami", "mh-inari-fi", "mh-aaa-inari-waitlist"},
       false},
      {"Finnish speaker: capacity decides between Finnish units",
       {"mental-health-assessment", "148", 40, LANGUAGE_FI, false},
       {"mh-inari-fi", "mh-inari-sami", "mh-aaa-inari-waitlist"},
       false},
      {"urgent: capacity not weighed, the id breaks the tie (the longest waitlist first here)",
       {"mental-health-assessment", "148", 40, LANGUAGE_FI, true},
       {"mh-aaa-inari-waitlist", "mh-inari-fi", "mh-inari-sami"},
       false},
      {"Swedish nowhere: every unit, language unmet",
       {"mental-health-assessment", "148", 40, LANGUAGE_SV, false},
       {"mh-inari-fi", "mh-inari-sami", "mh-aaa-inari-waitlist"},
       true},
      {"a 15-year-old: the youth unit is eligible, and has room",
       {"mental-health-assessment", "148", 15, LANGUAGE_SE, false},
       {"mh-youth-inari", "mh-inari-sami", "mh-inari-fi", "mh-aaa-inari-waitlist"},
       false},
      {"age unknown: no unit excluded by age",
       {"mental-health-assessment", "148", std::nullopt, LANGUAGE_FI, false},
       {"mh-inari-fi", "mh-youth-inari", "mh-inari-sami", "mh-aaa-inari-waitlist"},
       false},
      {"Utsjoki: only the unit whose area covers it",
       {"mental-health-assessment", "890", 70, LANGUAGE_FI, false},
       {"mh-inari-sami"},
       false},
      {"language not known: capacity decides, nothing unmet",
       {"mental-health-assessment", "148", 40, common::v1::LANGUAGE_UNSPECIFIED, false},
       {"mh-inari-fi", "mh-inari-sami", "mh-aaa-inari-waitlist"},
       false},
      {"no capacity is still a candidate, last", {"home-care", "148", 80, LANGUAGE_FI, false}, {"hc-inari"}, false},
      {"another municipality: nobody (UNROUTABLE)",
       {"mental-health-assessment", "091", 40, LANGUAGE_FI, false},
       {},
       false},
      {"a service type nobody gives", {"family-support", "148", 40, LANGUAGE_FI, false}, {}, false},
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
  const NeedForUnit need{"mental-health-assessment", "148", 15, LANGUAGE_FI, true};
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
      {"unknown language", replace("languages: [se, fi]", "languages: [se, en]"),
       "organisations[0].services[0].units[0].languages[1]: 'en'"},
      {"bad municipality", replace(R"(["148", "890"])", R"(["148", "89"])"),
       "organisations[0].services[0].units[0].municipalities[1]:"},
      {"waitlist without band", replace("{state: waitlist, band: 1_to_3_months,", "{state: waitlist,"),
       "organisations[0].services[0].units[0].capacity.band: required"},
      {"band without waitlist",
       replace("{state: available, updated_on: 2026-11-24}",
               "{state: available, band: over_3_months, updated_on: 2026-11-24}"),
       "organisations[0].services[0].units[1].capacity.band: only with state waitlist"},
      {"bad date", replace("updated_on: 2026-11-20", "updated_on: 2026-13-20"),
       "organisations[0].services[0].units[0].capacity.updated_on:"},
      {"unknown status", replace("status: temporarily_closed", "status: closed"),
       "organisations[0].services[0].units[2].status:"},
      {"age upside down", replace("age: {min: 13, max: 17}", "age: {min: 17, max: 13}"),
       "organisations[0].services[1].units[0].age:"},
      {"duplicate id", replace("id: mh-inari-fi", "id: mh-inari-sami"), "unit mh-inari-sami: the id is used twice"},
      {"not reachable", replace("reached_through: external", "reached_through: referral-router"),
       "organisations[0].services[1].reached_through:"},
      {"no languages",
       replace("languages: [fi]\n            status: active\n            capacity: {state: available",
               "languages: []\n            status: active\n            capacity: {state: available"),
       "organisations[0].services[0].units[1].languages:"},
      {"service type outside the vocabulary", replace("service_type: home-care", "service_type: home-help"),
       "organisations[0].services[2].service_type: 'home-help' is not one of"},
      {"misspelt key", replace("languages: [se, fi]", "langauges: [se, fi]"),
       "organisations[0].services[0].units[0].langauges: unknown key"},
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
  EXPECT_EQ(good->units.size(), 6u);
  EXPECT_EQ(good->units[4].reached_through, common::v1::SERVICE_NAME_EXTERNAL);
  EXPECT_EQ(good->units[4].service, "lapha-nuoret");
  EXPECT_EQ(good->units[4].county, "lappi");
  EXPECT_EQ(good->units[0].name, "Sámi mental-health team, Inari and Utsjoki");
  EXPECT_EQ(good->units[0].capacity, Capacity::kWaitlistOneToThreeMonths);
}

TEST(MergeDirectoriesTest, AUnitIdInTwoCountiesIsRefused) {
  Directory lapland = Lapland();
  Directory copy = lapland;
  copy.county = "lappi-copy";
  auto merged = MergeDirectories({lapland, copy});
  EXPECT_EQ(merged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(merged.status().message(), "unit mh-inari-sami: in both lappi and lappi-copy");
  auto one = MergeDirectories({lapland});
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->units.size(), 6u);
  EXPECT_NE(one->Find("hc-inari"), nullptr);
  EXPECT_EQ(one->Find("nobody"), nullptr);
}

// The directories shipped in config/directory: every file parses, the
// counties merge, and the Sámi homeland has units that give services in
// Sámi.
TEST(ShippedDirectoryTest, EveryCountyParsesAndTheSamiHomelandIsServedInSami) {
  std::vector<Directory> counties;
  for (const auto& entry : std::filesystem::directory_iterator(YHTEYS_SHIPPED_DIRECTORY)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto county = ParseDirectory(text.str());
    ASSERT_TRUE(county.ok()) << entry.path() << ": " << county.status();
    EXPECT_EQ(entry.path().stem().string(), county->county) << "the file is named after its county";
    counties.push_back(std::move(*county));
  }
  ASSERT_EQ(counties.size(), 4u) << "the four seed regions";
  auto all = MergeDirectories(counties);
  ASSERT_TRUE(all.ok()) << all.status();
  // Inari, Utsjoki, Enontekiö, Sodankylä: a Northern-Sámi speaker who needs a
  // mental-health assessment is routed to a unit that gives it in Sámi.
  for (const char* municipality : {"148", "890", "047", "758"}) {
    UnitChoice choice = ChooseUnits(*all, {"mental-health-assessment", municipality, 45, LANGUAGE_SE, false});
    ASSERT_FALSE(choice.ranked.empty()) << municipality;
    EXPECT_TRUE(choice.ranked.front().in_clients_language) << municipality;
    EXPECT_FALSE(choice.language_unmet) << municipality;
  }
  // Every service type every rule needs has a unit in each seed municipality.
  for (const char* municipality : {"398", "111", "698", "148", "743", "272"}) {
    for (const auto& type : ServiceTypes()) {
      UnitChoice choice = ChooseUnits(*all, {std::string(type.id), municipality, 40, LANGUAGE_FI, false});
      EXPECT_FALSE(choice.ranked.empty()) << type.id << " in " << municipality;
    }
  }
}

}  // namespace
}  // namespace yhteys::router
