#include "yhteys/validate/validate.hpp"

#include <gtest/gtest.h>

namespace yhteys::validate {
namespace {

bool ValidSmallEnum(int v) { return v >= 0 && v <= 3; }

void ExpectInvalid(const absl::Status& st, const std::string& field) {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(st.message()).starts_with(field + ": ")) << st.message();
}

TEST(ValidateTest, Identifier) {
  EXPECT_TRUE(Identifier("unit_id", "hc-unit.01").ok());
  ExpectInvalid(Identifier("unit_id", ""), "unit_id");
  ExpectInvalid(Identifier("unit_id", std::string(65, 'a')), "unit_id");
  ExpectInvalid(Identifier("unit_id", "a b"), "unit_id");
  ExpectInvalid(Identifier("unit_id", "ä"), "unit_id");
}

TEST(ValidateTest, Pseudonym) {
  EXPECT_TRUE(Pseudonym("client_id", std::string(64, 'a')).ok());
  ExpectInvalid(Pseudonym("client_id", std::string(63, 'a')), "client_id");
  ExpectInvalid(Pseudonym("client_id", std::string(64, 'A')), "client_id");
  ExpectInvalid(Pseudonym("client_id", ""), "client_id");
}

TEST(ValidateTest, MunicipalityCode) {
  EXPECT_TRUE(MunicipalityCode("municipality_code", "148").ok());
  ExpectInvalid(MunicipalityCode("municipality_code", "14"), "municipality_code");
  ExpectInvalid(MunicipalityCode("municipality_code", "14a"), "municipality_code");
  ExpectInvalid(MunicipalityCode("municipality_code", ""), "municipality_code");
}

TEST(ValidateTest, EnumSet) {
  EXPECT_TRUE(EnumSet("language", 1, &ValidSmallEnum).ok());
  ExpectInvalid(EnumSet("language", 0, &ValidSmallEnum), "language");
  ExpectInvalid(EnumSet("language", 42, &ValidSmallEnum), "language");
}

TEST(ValidateTest, RangeAndText) {
  EXPECT_TRUE(InRange("mood.crying_tearfulness", 3, 0, 3).ok());
  ExpectInvalid(InRange("mood.crying_tearfulness", 4, 0, 3), "mood.crying_tearfulness");
  ExpectInvalid(InRange("mood.crying_tearfulness", -1, 0, 3), "mood.crying_tearfulness");
  EXPECT_TRUE(Text("note", "", 10, false).ok());
  ExpectInvalid(Text("note", "", 10, true), "note");
  ExpectInvalid(Text("note", std::string(11, 'x'), 10, false), "note");
  ExpectInvalid(Text("note", std::string("a\x01"), 10, false), "note");
}

TEST(ValidateTest, KnownUnitAndIdList) {
  auto units = IdList(" hc-lahti-1, hc-inari-1,,hc-kokkola-1 ");
  EXPECT_EQ(units, (std::set<std::string, std::less<>>{"hc-inari-1", "hc-kokkola-1", "hc-lahti-1"}));
  EXPECT_TRUE(IdList("").empty());
  EXPECT_TRUE(KnownUnit("unit_id", "hc-inari-1", units).ok());
  auto unknown = KnownUnit("unit_id", "hc-elsewhere-9", units);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.message(), "unit_id: not a unit of this service");
  EXPECT_EQ(KnownUnit("unit_id", "", units).message(), "unit_id: required");
}

TEST(ValidateTest, MessagesNeverEchoTheValue) {
  const std::string secret = "sekret-value-9";
  for (const auto& st : {Identifier("f", secret + " x"), Pseudonym("f", secret), MunicipalityCode("f", secret),
                         Text("f", secret + "\x01", 100, true)}) {
    EXPECT_EQ(std::string(st.message()).find(secret), std::string::npos);
  }
}

}  // namespace
}  // namespace yhteys::validate
