#include "yhteys/ids/ids.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <vector>

namespace yhteys::ids {
namespace {

std::string Hex(const unsigned char* data, size_t len) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

void FillRandom(unsigned char* out, size_t len) {
  if (len > 0 && RAND_bytes(out, static_cast<int>(len)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed: no random bytes");
  }
}

}  // namespace

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  FillRandom(buffer.data(), buffer.size());
  return Hex(buffer.data(), buffer.size());
}

std::string NewUuid() {
  unsigned char bytes[16];
  FillRandom(bytes, sizeof bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  std::string hex = Hex(bytes, 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string Sha1Hex(std::string_view data) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

uint64_t Fnv1a64(std::string_view data) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

namespace {
constexpr size_t kShardedPartChars = 16;
}  // namespace

std::string ShardedId(std::string_view prefix, std::string_view shard_key, std::string_view tail) {
  std::string id(prefix);
  id.append("-").append(shard_key).append("-").append(tail);
  return id;
}

std::string ShardKeyOfId(std::string_view id, std::string_view prefix) {
  const size_t key_at = prefix.size() + 1;
  const size_t tail_at = key_at + kShardedPartChars + 1;
  if (id.size() != tail_at + kShardedPartChars || id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '-' ||
      id[tail_at - 1] != '-') {
    return "";
  }
  std::string_view shard_key = id.substr(key_at, kShardedPartChars);
  if (!IsLowerHex(shard_key) || !IsLowerHex(id.substr(tail_at))) return "";
  return std::string(shard_key);
}

}  // namespace yhteys::ids
