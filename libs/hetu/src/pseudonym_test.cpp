#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "yhteys/hetu/detail/hmac_sha256.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"

namespace yhteys::hetu {
namespace {

// 32 bytes exactly.
constexpr char kKey[] = "0123456789abcdef0123456789abcdef";
constexpr char kOtherKey[] = "fedcba9876543210fedcba9876543210";
// Synthetic code (individual number 903).
constexpr char kCode[] = "010594Y9032";

std::string WriteTempFile(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path;
}

TEST(HmacSha256HexTest, Rfc4231TestCase2) {
  EXPECT_EQ(detail::HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256HexTest, Rfc4231TestCase1) {
  EXPECT_EQ(detail::HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256HexTest, EmptyKeyAndData) {
  // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
  EXPECT_EQ(detail::HmacSha256Hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(PseudonymizerTest, FromKeyRejectsShortKeys) {
  for (std::size_t n : {0u, 1u, 16u, 31u}) {
    auto p = Pseudonymizer::FromKey(std::string(n, 'k'));
    ASSERT_FALSE(p.ok()) << n;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(p.status().message()), "pseudonym key must be at least 32 bytes");
  }
}

TEST(PseudonymizerTest, FromKeyAcceptsThirtyTwoBytes) {
  EXPECT_TRUE(Pseudonymizer::FromKey(std::string(32, 'k')).ok());
  EXPECT_TRUE(Pseudonymizer::FromKey(std::string(64, 'k')).ok());
}

TEST(PseudonymizerTest, KnownAnswer) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  // Python: hmac.new(kKey, b"010594Y9032", hashlib.sha256).hexdigest()
  EXPECT_EQ(p->Pseudonym(kCode), "406a075946f5bb0255d29fa7bfd3ad8ff04ff6e6af2b5b9cd998e747c85c75d4");
}

TEST(PseudonymizerTest, IsSixtyFourLowercaseHex) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const std::string pseudonym = p->Pseudonym(kCode);
  ASSERT_EQ(pseudonym.size(), 64u);
  EXPECT_EQ(pseudonym.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(PseudonymizerTest, SameCodeSamePseudonym) {
  auto a = Pseudonymizer::FromKey(kKey);
  auto b = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->Pseudonym(kCode), a->Pseudonym(kCode));
  EXPECT_EQ(a->Pseudonym(kCode), b->Pseudonym(kCode));
}

TEST(PseudonymizerTest, SurroundingWhitespaceDoesNotMatter) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Pseudonym(" 010594Y9032\n"), p->Pseudonym(kCode));
}

// A request's identity code: trimmed, required, validated, then pseudonymised;
// refusals name identity_code and never echo the code.
TEST(PseudonymOfIdentityCodeTest, ValidatesBeforePseudonymising) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const ValidationOptions options{
      std::chrono::year_month_day{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(26)},
      /*allow_temporary=*/true};
  auto from_request = PseudonymOfIdentityCode(" 010594Y9032\n", options, *p);
  ASSERT_TRUE(from_request.ok()) << from_request.status();
  EXPECT_EQ(*from_request, p->Pseudonym(kCode));

  auto missing = PseudonymOfIdentityCode("  ", options, *p);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "identity_code: required");
  for (const char* bad : {"010594Y9033", "010594Y903", "320194Y9032"}) {
    auto refused = PseudonymOfIdentityCode(bad, options, *p);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(refused.status().message().rfind("identity_code: ", 0), 0u) << refused.status();
    EXPECT_EQ(refused.status().message().find("010594"), std::string::npos) << refused.status();
  }
  // Production refuses temporary (900-series) codes.
  const ValidationOptions production{options.today, /*allow_temporary=*/false};
  EXPECT_EQ(PseudonymOfIdentityCode(kCode, production, *p).status().code(), absl::StatusCode::kInvalidArgument);
}

// A person named in a request: the pseudonym and what the code says; errors
// name the request's own field.
TEST(IdentifyPersonTest, KeepsWhatTheCodeSaysAndNamesTheField) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const ValidationOptions options{
      std::chrono::year_month_day{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(26)},
      /*allow_temporary=*/true};
  auto person = IdentifyPerson(" 010594Y9032 ", "identity_code", options, *p);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->pseudonym, p->Pseudonym(kCode));
  EXPECT_EQ(person->birth_date,
            (std::chrono::year_month_day{std::chrono::year(1994), std::chrono::month(5), std::chrono::day(1)}));
  EXPECT_EQ(person->age_years, 32);
  EXPECT_EQ(person->individual_number, 903);
  EXPECT_FALSE(person->female_by_number);

  struct Case {
    const char* code;
    const char* field;
    const char* message_prefix;
  };
  for (const Case& c : {Case{"", "members[2].identity_code", "members[2].identity_code: required"},
                        Case{"010594Y9033", "members[0].identity_code", "members[0].identity_code: "},
                        Case{"320194Y9032", "identity_code", "identity_code: "}}) {
    auto refused = IdentifyPerson(c.code, c.field, options, *p);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << c.code;
    EXPECT_EQ(refused.status().message().rfind(c.message_prefix, 0), 0u) << refused.status();
    EXPECT_EQ(refused.status().message().find("0594"), std::string::npos) << refused.status();
  }
}

TEST(PseudonymizerTest, DifferentKeyDifferentPseudonym) {
  auto a = Pseudonymizer::FromKey(kKey);
  auto b = Pseudonymizer::FromKey(kOtherKey);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->Pseudonym(kCode), b->Pseudonym(kCode));
}

TEST(PseudonymizerTest, DifferentCodeDifferentPseudonym) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  EXPECT_NE(p->Pseudonym("010594Y9032"), p->Pseudonym("010594-9032"));
}

TEST(PseudonymizerTest, PseudonymDoesNotContainCodeOrKey) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const std::string pseudonym = p->Pseudonym(kCode);
  EXPECT_EQ(pseudonym.find("010594"), std::string::npos);
  EXPECT_EQ(pseudonym.find("0123456789abcdef"), std::string::npos);
}

TEST(PseudonymizerTest, CopiesAndMovesKeepWorking) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const std::string expected = p->Pseudonym(kCode);
  Pseudonymizer copy = *p;
  EXPECT_EQ(copy.Pseudonym(kCode), expected);
  Pseudonymizer moved = std::move(copy);
  EXPECT_EQ(moved.Pseudonym(kCode), expected);
  auto other = Pseudonymizer::FromKey(kOtherKey);
  ASSERT_TRUE(other.ok());
  Pseudonymizer assigned = *other;
  assigned = moved;
  EXPECT_EQ(assigned.Pseudonym(kCode), expected);
  Pseudonymizer move_assigned = *other;
  move_assigned = std::move(assigned);
  EXPECT_EQ(move_assigned.Pseudonym(kCode), expected);
}

TEST(PseudonymizerTest, ConcurrentUseGivesSameResult) {
  auto p = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(p.ok());
  const std::string expected = p->Pseudonym(kCode);
  const Pseudonymizer& shared = *p;
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (shared.Pseudonym(kCode) != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(PseudonymizerFromKeyFileTest, MissingFileErrorsAndNamesPath) {
  const std::string path = ::testing::TempDir() + "no_such_dir/no_such_key_file";
  auto p = Pseudonymizer::FromKeyFile(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(p.status().message()).find(path), std::string::npos);
}

TEST(PseudonymizerFromKeyFileTest, StripsOneTrailingNewline) {
  auto from_key = Pseudonymizer::FromKey(kKey);
  ASSERT_TRUE(from_key.ok());
  const std::string expected = from_key->Pseudonym(kCode);

  for (const std::string& content : {std::string(kKey), std::string(kKey) + "\n", std::string(kKey) + "\r\n"}) {
    const std::string path = WriteTempFile("pseudonym_key_ok", content);
    auto p = Pseudonymizer::FromKeyFile(path);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->Pseudonym(kCode), expected);
    std::remove(path.c_str());
  }

  // Only one newline is stripped: a second one is key material.
  const std::string path = WriteTempFile("pseudonym_key_two_nl", std::string(kKey) + "\n\n");
  auto p = Pseudonymizer::FromKeyFile(path);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_NE(p->Pseudonym(kCode), expected);
  std::remove(path.c_str());
}

TEST(PseudonymizerFromKeyFileTest, ShortKeyFileErrorsWithoutPrintingKey) {
  const std::string secret = "short-secret-key-material";  // 25 bytes
  const std::string path = WriteTempFile("pseudonym_key_short", secret + "\n");
  auto p = Pseudonymizer::FromKeyFile(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(p.status().message());
  EXPECT_NE(message.find(path), std::string::npos);
  EXPECT_NE(message.find("pseudonym key must be at least 32 bytes"), std::string::npos);
  EXPECT_EQ(message.find(secret), std::string::npos);
  EXPECT_EQ(message.find("secret-key"), std::string::npos);
  std::remove(path.c_str());
}

TEST(PseudonymizerFromKeyFileTest, ThirtyOneBytesPlusNewlineIsTooShort) {
  const std::string path = WriteTempFile("pseudonym_key_31", std::string(31, 'k') + "\n");
  auto p = Pseudonymizer::FromKeyFile(path);
  EXPECT_FALSE(p.ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace yhteys::hetu
