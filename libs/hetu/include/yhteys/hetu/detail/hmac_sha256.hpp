// Internal: HMAC-SHA-256 as lowercase hex, via OpenSSL. Exposed for the
// known-answer tests of Pseudonymizer; other code should use Pseudonymizer.
//
// Thread-safety: pure; safe to call concurrently.
// Failure modes: none reported; if OpenSSL itself fails (allocation failure)
// the process is aborted rather than returning a wrong pseudonym.
#ifndef YHTEYS_HETU_DETAIL_HMAC_SHA256_HPP_
#define YHTEYS_HETU_DETAIL_HMAC_SHA256_HPP_

#include <string>
#include <string_view>

namespace yhteys::hetu::detail {

// Returns 64 lowercase hex characters. Any key length, including empty.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace yhteys::hetu::detail

#endif  // YHTEYS_HETU_DETAIL_HMAC_SHA256_HPP_
