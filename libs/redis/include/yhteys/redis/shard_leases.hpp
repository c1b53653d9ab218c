#pragma once
// Leases on a keyspace's shards, so that of several replicas one at a time
// does a shard's work (relays its outbox, makes its referrals' calls). A
// lease is a key per shard ("{prefix:N}:<name>") holding the holder's id
// with a time to live: Renew takes a free lease or renews one's own, each
// shard at most every ttl/5; a holder that dies leaves its shards to the
// others after ttl; Release hands them over at once. Shards go to whoever
// asks first (no balancing): a replica that holds none stands by.
//
// Not thread-safe: one thread renews and reads.

#include <chrono>
#include <string>
#include <vector>

#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::redis {

class ShardLeases {
 public:
  // `name` is the lease key's suffix; `holder` this replica's id (unique).
  ShardLeases(Pool& pool, const Keyspace& keyspace, std::string name, std::string holder,
              std::chrono::milliseconds ttl);

  // Takes or renews the leases that are due; returns the shards whose
  // holding changed since this holder last counted them (taken, or lost:
  // held by another or run out). A shard Redis does not answer for is
  // tried again ttl/5 later.
  std::vector<int> Renew();
  // Gives up every lease held.
  void Release();

  // Whether this holder holds the shard's lease now: taken or renewed, and
  // less than ttl since the renewal was asked for (a lease whose renewals
  // kept failing has run out here no later than in Redis).
  bool Owns(int shard) const;
  // The shards held now, in order.
  std::vector<int> Owned() const;
  size_t owned_count() const;

 private:
  Pool& pool_;
  const Keyspace& keyspace_;
  std::string name_;
  std::string holder_;
  std::chrono::milliseconds ttl_;
  std::vector<bool> owned_;  // as the last answered renewal said
  std::vector<std::chrono::steady_clock::time_point> held_until_;
  std::vector<std::chrono::steady_clock::time_point> next_renewal_;
};

}  // namespace yhteys::redis
