#pragma once
// Service configuration: a YAML file plus environment overrides.
//
// Every service declares its keys (a schema) with defaults and help text.
// Nested YAML maps flatten to dotted keys ("redis.port"). A key in the file
// that the schema does not know fails start-up, and so does an environment
// variable YHTEYS_<KEY> (dots and dashes as underscores, upper case) that
// matches no key. Environment beats file beats default.
// Values are typed and checked at load time; errors name the key.
// A loaded Config is immutable and safe to read from any thread.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace yhteys::config {

enum class KeyType { kString, kInt, kBool };

struct KeySpec {
  std::string name;  // dotted, e.g. "redis.port"
  KeyType type = KeyType::kString;
  std::string default_value;  // as text; "" for strings means empty
  std::string help;
  bool secret = false;  // never printed (Describe shows "<secret>")
};

// Names the environment variable that overrides `key`: YHTEYS_REDIS_PORT.
std::string EnvName(const std::string& key);

class Config {
 public:
  // `path` may be empty (defaults + environment only). `environment` is the
  // process environment (see EnvironmentMap) so tests can inject their own.
  static absl::StatusOr<Config> Load(const std::string& path, const std::vector<KeySpec>& schema,
                                     const std::map<std::string, std::string>& environment);

  const std::string& GetString(const std::string& key) const;
  int64_t GetInt(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  // Keys under a prefix, e.g. Children("router.targets") for a free-form map
  // declared in the schema with a trailing ".*".
  std::map<std::string, std::string> Children(const std::string& prefix) const;

  // "key = value" lines for start-up logs; secrets shown as <secret>.
  std::vector<std::string> Describe() const;

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, KeySpec> specs_;
};

// The current process environment as a map.
std::map<std::string, std::string> EnvironmentMap();

// Reads a secret from a file; strips one trailing newline. The error names
// the path, never the content.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

}  // namespace yhteys::config
