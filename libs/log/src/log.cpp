#include "yhteys/log/log.hpp"

#include "yhteys/ids/ids.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace yhteys::log {
namespace {

std::mutex g_mutex;
std::string g_service = "yhteys";
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::string* g_sink = nullptr;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

Field::Field(std::string_view key, std::string_view value) : key_(key), json_value_(JsonQuote(value)) {}
Field::Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
Field::Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
Field::Field(std::string_view key, int64_t value) : key_(key), json_value_(std::to_string(value)) {}
Field::Field(std::string_view key, int value) : key_(key), json_value_(std::to_string(value)) {}
Field::Field(std::string_view key, uint64_t value) : key_(key), json_value_(std::to_string(value)) {}
Field::Field(std::string_view key, double value) : key_(key) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  json_value_ = buf;
}
Field::Field(std::string_view key, bool value) : key_(key), json_value_(value ? "true" : "false") {}

void SetService(std::string_view service) {
  std::lock_guard lock(g_mutex);
  g_service = std::string(service);
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug")
    *level = Level::kDebug;
  else if (text == "info")
    *level = Level::kInfo;
  else if (text == "warn")
    *level = Level::kWarn;
  else if (text == "error")
    *level = Level::kError;
  else
    return false;
  return true;
}

void SetSinkForTesting(std::string* sink) {
  std::lock_guard lock(g_mutex);
  g_sink = sink;
}

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line;
  line.reserve(128);
  line += "{\"ts\":\"";
  line += ids::NowRfc3339();
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"service\":";
  std::lock_guard lock(g_mutex);
  line += JsonQuote(g_service);
  line += ",\"msg\":";
  line += JsonQuote(msg);
  for (const Field& f : fields) {
    line += ',';
    line += JsonQuote(f.key());
    line += ':';
    line += f.json_value();
  }
  line += "}\n";
  if (g_sink != nullptr) {
    *g_sink += line;
    return;
  }
  // One write() per line so lines of concurrent processes sharing a file do not interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace yhteys::log
