#pragma once
// Counting what a store left for the outbox relay, for store-tier tests.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::testing {

// Events waiting in every shard's outbox stream (XLEN summed); -1 if Redis
// did not answer (assert a baseline is >= 0 before comparing with it).
int64_t OutboxEvents(redis::Pool& pool, const redis::Keyspace& keyspace);

// The events waiting in one shard's outbox, oldest first, each as its fields
// (ce_id, ce_type, ce_source, ce_subject, ce_time, topic, key, payload).
// Empty if Redis did not answer.
std::vector<std::map<std::string, std::string>> OutboxEntries(redis::Pool& pool, const redis::Keyspace& keyspace,
                                                              int shard);

}  // namespace yhteys::testing
