#pragma once
// Structured logging: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-23T12:00:00.123Z","level":"info","service":"home-care",
//    "msg":"assessment recorded","client":"3f2a..."}
// Callers must pass only non-sensitive values: pseudonyms, ids, codes of
// reasons; never identity codes, names or free text.
// Thread-safe: each line is written with a single write under a mutex.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace yhteys::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// One key/value of a log line. Numbers and booleans are written unquoted.
class Field {
 public:
  Field(std::string_view key, std::string_view value);
  Field(std::string_view key, const char* value);
  Field(std::string_view key, const std::string& value);
  Field(std::string_view key, int64_t value);
  Field(std::string_view key, int value);
  Field(std::string_view key, uint64_t value);
  Field(std::string_view key, double value);
  Field(std::string_view key, bool value);

  const std::string& key() const { return key_; }
  const std::string& json_value() const { return json_value_; }

 private:
  std::string key_;
  std::string json_value_;  // already encoded as JSON
};

void SetService(std::string_view service);
void SetLevel(Level level);
// Parses "debug", "info", "warn", "error"; false for anything else.
bool ParseLevel(std::string_view text, Level* level);

// Redirects output (tests); nullptr restores stderr.
void SetSinkForTesting(std::string* sink);

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kDebug, msg, f); }
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kError, msg, f); }

// JSON string escaping (quotes included), exposed for the event printer.
std::string JsonQuote(std::string_view text);

}  // namespace yhteys::log
