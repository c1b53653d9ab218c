#pragma once
// Identifiers and digests: random UUIDs for event and entity ids, SHA-256 for
// request fingerprints and derived ids. Randomness comes from OpenSSL's
// CSPRNG (RAND_bytes): ids and tokens must not be guessable. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace yhteys::ids {

// A random (version 4) UUID in canonical lower-case form.
std::string NewUuid();

// `bytes` random bytes as 2 * `bytes` lower-case hex characters, for tokens
// and ids that must not be guessed. Throws std::runtime_error if the
// generator fails: never a weaker fallback.
std::string RandomHex(size_t bytes);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex SHA-1 (Redis script ids).
std::string Sha1Hex(std::string_view data);

// FNV-1a 64-bit: a stable, fast hash for shard selection (not for security).
uint64_t Fnv1a64(std::string_view data);

// RFC 3339 UTC time with milliseconds, e.g. "2026-11-23T12:00:00.123Z".
std::string NowRfc3339();

// Milliseconds since the Unix epoch (system clock): scores of time-ordered
// sorted sets.
int64_t NowMillis();

// Only the characters 0-9 and a-f (true for "").
bool IsLowerHex(std::string_view text);

// Ids that carry their shard: "<prefix>-<shard key>-<tail>", the shard key and
// the tail 16 lower-hex characters each (e.g. "ref-<16>-<16>"). An id alone
// finds its shard.
std::string ShardedId(std::string_view prefix, std::string_view shard_key, std::string_view tail);
// The shard key inside such an id with this prefix; "" when malformed.
std::string ShardKeyOfId(std::string_view id, std::string_view prefix);

}  // namespace yhteys::ids
