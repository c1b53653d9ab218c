#include "units.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_units.hpp"

namespace yhteys::feedback {
namespace {

constexpr const char* kTwoUnits = kTestUnitsYaml;

// The error of parsing `yaml`, or "" when it parses.
std::string ErrorOf(const std::string& yaml) {
  auto units = ParseUnits(yaml);
  if (units.ok()) return "";
  EXPECT_EQ(units.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(units.status().message());
}

std::string OneUnit(const std::string& body) { return "units:\n  u-1:\n" + body; }

TEST(UnitsTest, ParsesUnits) {
  auto units = ParseUnits(kTwoUnits);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_EQ(units->size(), 2u);
  const Unit* lahti = units->Find("fc-lahti-1");
  ASSERT_NE(lahti, nullptr);
  EXPECT_EQ(lahti->county, "paijat-hame");
  EXPECT_EQ(lahti->municipality_code, "398");
  EXPECT_TRUE(lahti->Offers("family-work"));
  EXPECT_FALSE(lahti->Offers("home-care-visits"));
  EXPECT_EQ(units->Find("fc-lahti-2"), nullptr);
}

TEST(UnitsTest, UnknownKeysFail) {
  EXPECT_EQ(ErrorOf(std::string(kTwoUnits) + "extra: 1\n"), "units: extra: unknown key");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    municipality: \"148\"\n    services: [a]\n    capacity: 3\n")),
            "units: u-1.capacity: unknown key");
}

TEST(UnitsTest, RequiredKeysAndValuesAreChecked) {
  EXPECT_EQ(ErrorOf(OneUnit("    municipality: \"148\"\n    services: [a]\n")), "units: u-1.county: required");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    services: [a]\n")), "units: u-1.municipality: required");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    municipality: \"14\"\n    services: [a]\n")),
            "units: u-1.municipality: must be a 3-digit Statistics Finland code");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    municipality: \"148\"\n    services: []\n")),
            "units: u-1.services: required, a non-empty list");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    municipality: \"148\"\n    services: [a, a]\n")),
            "units: u-1.services: a is listed twice");
  EXPECT_EQ(ErrorOf(OneUnit("    county: lappi\n    municipality: \"148\"\n    services: [\"a b\"]\n")),
            "units: u-1.services: only letters, digits and . _ : - are allowed");
  EXPECT_EQ(ErrorOf("units:\n  \"bad id\":\n    county: lappi\n    municipality: \"148\"\n    services: [a]\n"),
            "units: bad id: only letters, digits and . _ : - are allowed");
}

TEST(UnitsTest, FileShapeIsChecked) {
  EXPECT_EQ(ErrorOf("units: {}\n"), "units: units: required, a non-empty map of unit id to unit");
  EXPECT_EQ(ErrorOf("- a\n"), "units: the file must be a map with the key units");
  EXPECT_NE(ErrorOf("units: [").find("not valid YAML"), std::string::npos);
}

TEST(UnitsTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadUnitsFile("/nonexistent/units.yaml").status().code(), absl::StatusCode::kNotFound);
}

TEST(UnitsTest, ShippedUnitsFileLoads) {
  auto units = LoadUnitsFile(YHTEYS_SHIPPED_UNITS);
  ASSERT_TRUE(units.ok()) << units.status();
  EXPECT_GE(units->size(), 4u);
}

}  // namespace
}  // namespace yhteys::feedback
