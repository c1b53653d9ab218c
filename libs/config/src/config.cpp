#include "yhteys/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"

extern char** environ;

namespace yhteys::config {
namespace {

constexpr char kEnvPrefix[] = "YHTEYS_";
// Variables with the prefix that are not config keys.
constexpr const char* kReservedEnv[] = {"YHTEYS_CONFIG"};

// Far deeper than any schema key ("server.tls.cert_file" is three levels).
constexpr int kMaxDepth = 16;
// Far more than any service's keys, free-form maps included.
constexpr std::size_t kMaxEntries = 10000;

// `entries` counts the map entries visited so far, aliases expanded.
absl::Status Flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>* out,
                     int depth, std::size_t* entries) {
  if (node.IsMap()) {
    // An alias inside its own anchor ("a: &x {b: *x}") is a map that
    // contains itself: without a bound this recursed until the stack ran out.
    if (depth >= kMaxDepth) {
      return absl::InvalidArgumentError("config key " + prefix.substr(0, 200) + ": nested more than " +
                                        std::to_string(kMaxDepth) + " levels (an alias inside its own anchor?)");
    }
    for (const auto& item : node) {
      // Aliases of aliases expand exponentially (a kilobyte of "billion
      // laughs" is 10^14 entries): stop counting long before that.
      if (++*entries > kMaxEntries) {
        return absl::InvalidArgumentError("config file: more than " + std::to_string(kMaxEntries) +
                                          " entries (aliases that expand without end?)");
      }
      // A complex key ("? [a, b]: x", "{a: 1}: x") names no config key, and
      // converting it to a string would throw out of Load.
      if (!item.first.IsScalar() && !item.first.IsNull()) {
        return absl::InvalidArgumentError("config key " + (prefix.empty() ? std::string("at the top level") : prefix) +
                                          ": a key must be a plain name, not a list or a map");
      }
      std::string key = item.first.as<std::string>();
      std::string full = prefix.empty() ? key : prefix + "." + key;
      if (auto st = Flatten(item.second, full, out, depth + 1, entries); !st.ok()) return st;
    }
    return absl::OkStatus();
  }
  if (node.IsScalar()) {
    (*out)[prefix] = node.Scalar();
    return absl::OkStatus();
  }
  if (node.IsNull()) {
    (*out)[prefix] = "";
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("config key " + prefix + ": lists are not supported; use a map");
}

const KeySpec* FindSpec(const std::map<std::string, KeySpec>& specs, const std::string& key) {
  if (auto it = specs.find(key); it != specs.end()) return &it->second;
  // Free-form maps: "router.targets.*" accepts "router.targets.anything".
  for (const auto& [name, spec] : specs) {
    if (name.size() > 2 && name.ends_with(".*")) {
      std::string prefix = name.substr(0, name.size() - 1);  // keeps the dot
      if (key.starts_with(prefix) && key.size() > prefix.size() && key.find('.', prefix.size()) == std::string::npos) {
        return &spec;
      }
    }
  }
  return nullptr;
}

absl::Status CheckType(const KeySpec& spec, const std::string& key, const std::string& value) {
  switch (spec.type) {
    case KeyType::kString: return absl::OkStatus();
    case KeyType::kInt: {
      if (value.empty()) return absl::InvalidArgumentError("config key " + key + ": expected an integer");
      char* end = nullptr;
      errno = 0;
      std::strtoll(value.c_str(), &end, 10);
      if (errno != 0 || end == nullptr || *end != '\0') {
        return absl::InvalidArgumentError("config key " + key + ": expected an integer, got '" +
                                          (spec.secret ? std::string("<secret>") : value) + "'");
      }
      return absl::OkStatus();
    }
    case KeyType::kBool:
      if (value == "true" || value == "false") return absl::OkStatus();
      return absl::InvalidArgumentError("config key " + key + ": expected true or false");
  }
  return absl::OkStatus();
}

}  // namespace

std::string EnvName(const std::string& key) {
  std::string name = kEnvPrefix;
  for (char c : key) {
    if (c == '.' || c == '-')
      name.push_back('_');
    else
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

absl::StatusOr<Config> Config::Load(const std::string& path, const std::vector<KeySpec>& schema,
                                    const std::map<std::string, std::string>& environment) {
  Config config;
  for (const KeySpec& spec : schema) {
    config.specs_[spec.name] = spec;
    if (!spec.name.ends_with(".*")) config.values_[spec.name] = spec.default_value;
  }

  if (!path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
      return absl::NotFoundError("config file " + path + ": cannot be read");
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError("config file " + path + ": " + e.what());
    }
    std::map<std::string, std::string> flat;
    if (!root.IsNull()) {
      if (!root.IsMap()) return absl::InvalidArgumentError("config file " + path + ": top level must be a map");
      std::size_t entries = 0;
      if (auto st = Flatten(root, "", &flat, 0, &entries); !st.ok()) return st;
    }
    for (const auto& [key, value] : flat) {
      const KeySpec* spec = FindSpec(config.specs_, key);
      if (spec == nullptr) {
        return absl::InvalidArgumentError("config file " + path + ": unknown key " + key);
      }
      config.values_[key] = value;
    }
  }

  // Environment overrides. Free-form map entries cannot be named from the
  // environment unambiguously, so only declared keys are.
  std::map<std::string, std::string> env_to_key;
  for (const KeySpec& spec : schema) {
    if (!spec.name.ends_with(".*")) env_to_key[EnvName(spec.name)] = spec.name;
  }
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kEnvPrefix)) continue;
    bool reserved = false;
    for (const char* r : kReservedEnv) reserved = reserved || name == r;
    if (reserved) continue;
    auto it = env_to_key.find(name);
    if (it == env_to_key.end()) {
      return absl::InvalidArgumentError("environment variable " + name + " names no config key");
    }
    config.values_[it->second] = value;
  }

  for (const auto& [key, value] : config.values_) {
    const KeySpec* spec = FindSpec(config.specs_, key);
    if (auto st = CheckType(*spec, key, value); !st.ok()) return st;
  }
  return config;
}

const std::string& Config::GetString(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    // A programming error: the schema does not declare the key.
    std::fprintf(stderr, "config: undeclared key %s\n", key.c_str());
    std::abort();
  }
  return it->second;
}

int64_t Config::GetInt(const std::string& key) const { return std::strtoll(GetString(key).c_str(), nullptr, 10); }

bool Config::GetBool(const std::string& key) const { return GetString(key) == "true"; }

std::map<std::string, std::string> Config::Children(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  std::string dotted = prefix + ".";
  for (const auto& [key, value] : values_) {
    if (key.starts_with(dotted)) out[key.substr(dotted.size())] = value;
  }
  return out;
}

std::vector<std::string> Config::Describe() const {
  std::vector<std::string> lines;
  for (const auto& [key, value] : values_) {
    const KeySpec* spec = FindSpec(specs_, key);
    lines.push_back(key + " = " + (spec != nullptr && spec->secret ? "<secret>" : value));
  }
  return lines;
}

std::map<std::string, std::string> EnvironmentMap() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("secret file " + path + ": cannot be read");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string content = buf.str();
  if (!content.empty() && content.back() == '\n') content.pop_back();
  if (!content.empty() && content.back() == '\r') content.pop_back();
  if (content.empty()) return absl::InvalidArgumentError("secret file " + path + ": is empty");
  return content;
}

}  // namespace yhteys::config
