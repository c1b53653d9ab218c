// libFuzzer target: the service configuration loader (libs/config): a YAML
// file plus YHTEYS_* environment overrides, under a schema like the
// services' (strings, integers, booleans, a secret, a free-form map).
//
// Input format (text-friendly): the YAML document, optionally followed by a
// line "#env" (a YAML comment) and then environment lines NAME=value. The
// YAML is written to a scratch file, because Config::Load reads a path.
//
// Checked: Load never crashes, throws or hangs; a loaded config has a value
// of the declared type for every key; Describe never shows a secret.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "yhteys/config/config.hpp"

namespace {

using yhteys::config::Config;
using yhteys::config::KeySpec;
using yhteys::config::KeyType;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "config_fuzz: broken promise: %s\n", what);
    std::abort();
  }
}

const std::vector<KeySpec>& Schema() {
  static const std::vector<KeySpec> schema = {
      {"server.address", KeyType::kString, "127.0.0.1:50051", "listen address"},
      {"server.reflection", KeyType::kBool, "true", "reflection"},
      {"server.max_message_bytes", KeyType::kInt, "1048576", "largest request"},
      {"redis.host", KeyType::kString, "127.0.0.1", "Redis host"},
      {"redis.port", KeyType::kInt, "6379", "Redis port"},
      {"kafka.bootstrap", KeyType::kString, "127.0.0.1:9092", "bootstrap"},
      {"pseudonym.key_file", KeyType::kString, "", "key file", true},
      {"access.rate_limits.*", KeyType::kString, "", "role -> rate"},
      {"router.targets.*", KeyType::kString, "", "service -> address"},
  };
  return schema;
}

// A scratch file, removed at exit (the name outlives static destructors).
const std::string& ScratchPath() {
  static const std::string* path = [] {
    const char* dir = std::getenv("TMPDIR");
    auto* name =
        new std::string(std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/yhteys_config_fuzzXXXXXX");
    const int fd = mkstemp(name->data());
    Check(fd >= 0, "a scratch file can be made");
    ::close(fd);
    std::atexit([] { std::remove(ScratchPath().c_str()); });
    return name;
  }();
  return *path;
}

void WriteFile(const std::string& path, std::string_view content) {
  FILE* f = std::fopen(path.c_str(), "wb");
  Check(f != nullptr, "the scratch file can be written");
  Check(std::fwrite(content.data(), 1, content.size(), f) == content.size(), "the scratch file is written");
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view yaml = input;
  std::map<std::string, std::string> environment;
  constexpr std::string_view kEnvMarker = "\n#env\n";
  if (const std::size_t at = input.find(kEnvMarker); at != std::string_view::npos) {
    yaml = input.substr(0, at + 1);
    std::string_view rest = input.substr(at + kEnvMarker.size());
    while (!rest.empty()) {
      const std::size_t eol = rest.find('\n');
      const std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      environment[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
  }

  const std::string& path = ScratchPath();
  WriteFile(path, yaml);
  auto config = Config::Load(path, Schema(), environment);
  if (!config.ok()) return 0;

  for (const KeySpec& spec : Schema()) {
    if (spec.name.ends_with(".*")) {
      (void)config->Children(spec.name.substr(0, spec.name.size() - 2));
      continue;
    }
    const std::string& value = config->GetString(spec.name);
    if (spec.type == KeyType::kBool) Check(value == "true" || value == "false", "booleans are true or false");
    if (spec.type == KeyType::kInt) (void)config->GetInt(spec.name);
  }
  for (const std::string& line : config->Describe()) {
    if (line.starts_with("pseudonym.key_file = "))
      Check(line == "pseudonym.key_file = <secret>", "secrets stay hidden");
  }
  return 0;
}
