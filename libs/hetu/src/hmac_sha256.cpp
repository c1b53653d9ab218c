#include "yhteys/hetu/detail/hmac_sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

namespace yhteys::hetu::detail {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

[[noreturn]] void Die(const char* what) {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    Die("HmacSha256Hex: key too long");
  }
  // OpenSSL 3 rejects a null key pointer even with length 0.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  const auto* data_ptr = data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), data_ptr, data.size(), mac, &mac_len) == nullptr ||
      mac_len != 32) {
    Die("HmacSha256Hex: OpenSSL HMAC failed");
  }

  std::string hex;
  hex.reserve(2 * mac_len);
  for (unsigned int i = 0; i < mac_len; ++i) {
    hex.push_back(kHexDigits[mac[i] >> 4]);
    hex.push_back(kHexDigits[mac[i] & 0x0f]);
  }
  return hex;
}

}  // namespace yhteys::hetu::detail
