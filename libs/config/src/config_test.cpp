#include "yhteys/config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace yhteys::config {
namespace {

std::vector<KeySpec> Schema() {
  return {
      {"redis.host", KeyType::kString, "127.0.0.1", "Redis host"},
      {"redis.port", KeyType::kInt, "6379", "Redis port"},
      {"server.reflection", KeyType::kBool, "true", "reflection"},
      {"pseudonym.key_file", KeyType::kString, "", "key file", true},
      {"router.targets.*", KeyType::kString, "", "service -> address"},
  };
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/yhteys_config_testXXXXXX";
    int fd = mkstemp(name);
    path_ = name;
    ::close(fd);
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ConfigTest, DefaultsWithoutFile) {
  auto config = Config::Load("", Schema(), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->GetString("redis.host"), "127.0.0.1");
  EXPECT_EQ(config->GetInt("redis.port"), 6379);
  EXPECT_TRUE(config->GetBool("server.reflection"));
}

TEST(ConfigTest, FileOverridesDefaultAndEnvOverridesFile) {
  TempFile file("redis:\n  host: redis.local\n  port: 6390\n");
  auto config = Config::Load(file.path(), Schema(), {{"YHTEYS_REDIS_PORT", "7000"}, {"PATH", "/bin"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->GetString("redis.host"), "redis.local");
  EXPECT_EQ(config->GetInt("redis.port"), 7000);
}

TEST(ConfigTest, UnknownFileKeyFailsNamingTheKey) {
  TempFile file("redis:\n  hots: typo\n");
  auto config = Config::Load(file.path(), Schema(), {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("redis.hots"), std::string::npos);
}

TEST(ConfigTest, UnknownEnvironmentVariableFails) {
  auto config = Config::Load("", Schema(), {{"YHTEYS_REDIS_HOTS", "x"}});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("YHTEYS_REDIS_HOTS"), std::string::npos);
}

TEST(ConfigTest, ReservedEnvironmentVariableIsIgnored) {
  auto config = Config::Load("", Schema(), {{"YHTEYS_CONFIG", "/etc/x.yaml"}});
  EXPECT_TRUE(config.ok()) << config.status();
}

TEST(ConfigTest, TypeErrorsNameTheKey) {
  auto bad_int = Config::Load("", Schema(), {{"YHTEYS_REDIS_PORT", "63a9"}});
  ASSERT_FALSE(bad_int.ok());
  EXPECT_NE(bad_int.status().message().find("redis.port"), std::string::npos);
  auto bad_bool = Config::Load("", Schema(), {{"YHTEYS_SERVER_REFLECTION", "yes"}});
  ASSERT_FALSE(bad_bool.ok());
  EXPECT_NE(bad_bool.status().message().find("server.reflection"), std::string::npos);
}

TEST(ConfigTest, FreeFormMapChildren) {
  TempFile file("router:\n  targets:\n    home-care: 127.0.0.1:1\n    family-centre: 127.0.0.1:2\n");
  auto config = Config::Load(file.path(), Schema(), {});
  ASSERT_TRUE(config.ok()) << config.status();
  auto targets = config->Children("router.targets");
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets["home-care"], "127.0.0.1:1");
}

TEST(ConfigTest, ListsAreRejected) {
  TempFile file("redis:\n  host: [a, b]\n");
  auto config = Config::Load(file.path(), Schema(), {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("redis.host"), std::string::npos);
}

// Found by fuzz/config_fuzz: a map or a list as a key made Load throw
// YAML::TypedBadConversion (std::terminate in a service) instead of failing.
TEST(ConfigTest, ComplexKeysAreRejected) {
  for (const char* yaml : {"? {a: 1}\n: x\n", "redis:\n  ? [host, port]\n  : x\n", "{a: 1}: x\n"}) {
    TempFile file(yaml);
    auto config = Config::Load(file.path(), Schema(), {});
    ASSERT_FALSE(config.ok()) << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(config.status().message().find("plain name"), std::string::npos) << config.status();
  }
}

// Found by fuzz/config_fuzz: an alias inside its own anchor is a map that
// contains itself, and flattening it overflowed the stack (a crash at
// start-up instead of an error).
TEST(ConfigTest, SelfContainingAliasIsRejected) {
  for (const char* yaml : {"redis: &a\n  host: *a\n", "&a {redis: *a}\n",
                           "router:\n  targets: &t\n    x: a\naccess:\n  targets: &t\n    y: *t\n"}) {
    TempFile file(yaml);
    auto config = Config::Load(file.path(), Schema(), {});
    ASSERT_FALSE(config.ok()) << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(config.status().message().find("nested more than"), std::string::npos) << config.status();
  }
}

// Aliases of aliases ("billion laughs") expand exponentially: 1.4 kB of
// YAML is 10^14 entries. Found with fuzz/config_fuzz's harness (a
// hand-written input, after the fuzzer found the self-containing alias):
// Load ran out of time and memory instead of failing.
TEST(ConfigTest, ExponentialAliasesAreRejected) {
  std::string yaml = "a0: &a0 {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9, q: 10}\n";
  for (int i = 1; i < 14; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " {";
    for (int j = 0; j < 10; ++j) yaml += (j ? ", k" : "k") + std::to_string(j) + ": " + prev;
    yaml += "}\n";
  }
  TempFile file(yaml);
  auto config = Config::Load(file.path(), Schema(), {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("entries"), std::string::npos) << config.status();
}

// Anchors and aliases that expand within the bounds stay usable.
TEST(ConfigTest, AliasesWithinBoundsLoad) {
  TempFile file("router:\n  targets: &t\n    home-care: 127.0.0.1:1\nredis: {host: h}\n");
  auto config = Config::Load(file.path(), Schema(), {});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->Children("router.targets").at("home-care"), "127.0.0.1:1");
}

TEST(ConfigTest, MissingFileIsNotFound) {
  auto config = Config::Load("/nonexistent/yhteys.yaml", Schema(), {});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
}

TEST(ConfigTest, DescribeHidesSecrets) {
  auto config = Config::Load("", Schema(), {{"YHTEYS_PSEUDONYM_KEY_FILE", "/run/secret/key"}});
  ASSERT_TRUE(config.ok());
  bool found = false;
  for (const auto& line : config->Describe()) {
    if (line.starts_with("pseudonym.key_file")) {
      found = true;
      EXPECT_EQ(line, "pseudonym.key_file = <secret>");
    }
  }
  EXPECT_TRUE(found);
}

TEST(ConfigTest, EnvNameMapsDotsAndDashes) {
  EXPECT_EQ(EnvName("kafka.bootstrap-file"), "YHTEYS_KAFKA_BOOTSTRAP_FILE");
}

TEST(SecretFileTest, ReadsAndStripsNewline) {
  TempFile file("s3cret-value\n");
  auto secret = ReadSecretFile(file.path());
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, "s3cret-value");
  auto missing = ReadSecretFile("/nonexistent/secret");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/secret"), std::string::npos);
}

}  // namespace
}  // namespace yhteys::config
