#include "yhteys/redis/shard_leases.hpp"

#include "yhteys/redis/script.hpp"

namespace yhteys::redis {
namespace {

// KEYS[1] the lease; ARGV: the holder's id, ttl ms. 1: held by this holder
// (taken or renewed), 0: held by another.
const Script& LeaseScript() {
  static const Script script(R"lua(
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
)lua");
  return script;
}

const Script& ReleaseScript() {
  static const Script script(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");
  return script;
}

}  // namespace

ShardLeases::ShardLeases(Pool& pool, const Keyspace& keyspace, std::string name, std::string holder,
                         std::chrono::milliseconds ttl)
    : pool_(pool),
      keyspace_(keyspace),
      name_(std::move(name)),
      holder_(std::move(holder)),
      ttl_(ttl),
      owned_(static_cast<size_t>(keyspace.shards()), false),
      held_until_(static_cast<size_t>(keyspace.shards())),
      next_renewal_(static_cast<size_t>(keyspace.shards())) {}

std::vector<int> ShardLeases::Renew() {
  std::vector<int> changed;
  const auto now = std::chrono::steady_clock::now();
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    const auto i = static_cast<size_t>(shard);
    if (now < next_renewal_[i]) continue;
    next_renewal_[i] = now + ttl_ / 5;
    const bool held = Owns(shard);  // as its holder has counted it until now
    auto reply = LeaseScript().Run(pool_, {keyspace_.Key(shard, name_)}, {holder_, std::to_string(ttl_.count())});
    if (!reply.ok()) continue;  // Redis away: the shard's work cannot be done either
    const bool owned = (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer == 1;
    if (owned) held_until_[i] = now + ttl_;
    owned_[i] = owned;
    // A lease that ran out here and is taken again is a change too: another
    // holder may have had the shard meanwhile.
    if (owned != held) changed.push_back(shard);
  }
  return changed;
}

void ShardLeases::Release() {
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    const auto i = static_cast<size_t>(shard);
    if (!owned_[i]) continue;
    (void)ReleaseScript().Run(pool_, {keyspace_.Key(shard, name_)}, {holder_});
    owned_[i] = false;
    held_until_[i] = {};
    next_renewal_[i] = {};
  }
}

bool ShardLeases::Owns(int shard) const {
  const auto i = static_cast<size_t>(shard);
  return owned_[i] && std::chrono::steady_clock::now() < held_until_[i];
}

std::vector<int> ShardLeases::Owned() const {
  std::vector<int> out;
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    if (Owns(shard)) out.push_back(shard);
  }
  return out;
}

size_t ShardLeases::owned_count() const { return Owned().size(); }

}  // namespace yhteys::redis
