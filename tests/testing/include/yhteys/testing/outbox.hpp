#pragma once
// Counting what a store left for the outbox relay, for store-tier tests.

#include <cstdint>

#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::testing {

// Events waiting in every shard's outbox stream (XLEN summed); -1 if Redis
// did not answer (assert a baseline is >= 0 before comparing with it).
int64_t OutboxEvents(redis::Pool& pool, const redis::Keyspace& keyspace);

}  // namespace yhteys::testing
