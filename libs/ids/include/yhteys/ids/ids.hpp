#pragma once
// Identifiers and digests: random UUIDs for event and entity ids, SHA-256 for
// request fingerprints and derived ids. Thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

namespace yhteys::ids {

// A random (version 4) UUID in canonical lower-case form.
std::string NewUuid();

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Lower-case hex SHA-1 (Redis script ids).
std::string Sha1Hex(std::string_view data);

// FNV-1a 64-bit: a stable, fast hash for shard selection (not for security).
uint64_t Fnv1a64(std::string_view data);

// RFC 3339 UTC time with milliseconds, e.g. "2026-11-23T12:00:00.123Z".
std::string NowRfc3339();

}  // namespace yhteys::ids
