#include "yhteys/redis/atomic_step.hpp"

#include "absl/strings/numbers.h"

#include "yhteys/ids/ids.hpp"
#include "yhteys/redis/script.hpp"

namespace yhteys::redis {
namespace {

// KEYS[1] record (idempotency or dedup), KEYS[2] outbox stream, KEYS[3] the
// shard's keyspace marker, KEYS[4..] data.
// ARGV: mode, fingerprint, response, ttl, #checks, #writes, #events, outbox
// limit (0: none), marker required (1/0), then 4 values per check and write
// (op, key index into KEYS, a, b) and 8 per event.
// Returns {0} applied, {1, response} replayed, {2} key reused with another
// request, {3, i} check i (1-based) failed, {4, n} the outbox holds n events,
// at its limit, {5} the keyspace marker is gone (the data was lost).
constexpr char kStepLua[] = R"lua(
local record = KEYS[1]
local outbox = KEYS[2]
local mode, fingerprint, response, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local nchecks, nwrites, nevents = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local outbox_limit = tonumber(ARGV[8])

if ARGV[9] == '1' and redis.call('EXISTS', KEYS[3]) == 0 then return {5} end

local seen = redis.call('HGET', record, 'fp')
if seen then
  if mode == 'event' or seen == fingerprint then
    return {1, redis.call('HGET', record, 'resp') or ''}
  end
  return {2}
end

local pos = 10
for i = 1, nchecks do
  local op, key, a, b = ARGV[pos], KEYS[tonumber(ARGV[pos + 1])], ARGV[pos + 2], ARGV[pos + 3]
  pos = pos + 4
  local ok
  if op == 'exists' then
    ok = redis.call('EXISTS', key) == 1
  elseif op == 'absent' then
    ok = redis.call('EXISTS', key) == 0
  elseif op == 'refuse' then
    ok = false
  elseif op == 'field_in' then
    local v = redis.call('HGET', key, a) or ''
    ok = false
    for allowed in string.gmatch(b, '([^,]*),') do
      if v == allowed then ok = true end
    end
  else
    return redis.error_reply('unknown check ' .. op)
  end
  if not ok then return {3, i} end
end

if nevents > 0 and outbox_limit > 0 then
  local waiting = redis.call('XLEN', outbox)
  if waiting + nevents > outbox_limit then return {4, waiting} end
end

local seq = 0
for i = 1, nwrites do
  local op, key, a, b = ARGV[pos], KEYS[tonumber(ARGV[pos + 1])], ARGV[pos + 2], ARGV[pos + 3]
  pos = pos + 4
  if op == 'set' then redis.call('SET', key, a)
  elseif op == 'incr_seq' then seq = redis.call('INCR', key)
  elseif op == 'zadd_seq' then redis.call('ZADD', key, tonumber(a) * 274877906944 + (seq % 274877906944), b)
  elseif op == 'hset' then redis.call('HSET', key, a, b)
  elseif op == 'sadd' then redis.call('SADD', key, a)
  elseif op == 'zadd' then redis.call('ZADD', key, a, b)
  elseif op == 'zrem' then redis.call('ZREM', key, a)
  elseif op == 'del' then redis.call('DEL', key)
  elseif op == 'hincrby' then redis.call('HINCRBY', key, a, b)
  elseif op == 'expire' then redis.call('EXPIRE', key, a)
  else return redis.error_reply('unknown write ' .. op) end
end

for i = 1, nevents do
  redis.call('XADD', outbox, '*',
    'ce_id', ARGV[pos], 'ce_type', ARGV[pos + 1], 'ce_source', ARGV[pos + 2],
    'ce_subject', ARGV[pos + 3], 'ce_time', ARGV[pos + 4], 'topic', ARGV[pos + 5],
    'key', ARGV[pos + 6], 'payload', ARGV[pos + 7])
  pos = pos + 8
end

redis.call('HSET', record, 'fp', fingerprint, 'resp', response)
redis.call('EXPIRE', record, ttl)
return {0}
)lua";

// An idempotency key is bound to the first request body (fingerprint) that
// used it, in the shard the key itself hashes to: the data a request touches
// may live in any shard, and a key's scope must not depend on that.
// KEYS[1] the claim; ARGV: fingerprint, ttl. Returns 0 claimed now, 1 held
// by this fingerprint, 2 held by another.
constexpr char kClaimLua[] = R"lua(
local held = redis.call('GET', KEYS[1])
if held then
  if held == ARGV[1] then return 1 end
  return 2
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 0
)lua";

const Script& ClaimScript() {
  static const Script script(kClaimLua);
  return script;
}

const Script& StepScript() {
  static const Script script(kStepLua);
  return script;
}

}  // namespace

OutboxEvent EventFor(const google::protobuf::Message& message, std::string source, std::string topic, std::string key) {
  std::string subject = key;
  return {ids::NewUuid(),    message.GetDescriptor()->full_name(),
          std::move(source), std::move(subject),
          ids::NowRfc3339(), std::move(topic),
          std::move(key),    message.SerializeAsString()};
}

AtomicStep::AtomicStep(const Keyspace& keyspace, int shard) : keyspace_(keyspace), shard_(shard) {}

AtomicStep& AtomicStep::IdempotencyKey(std::string_view scope, std::string_view key, std::string fingerprint) {
  mode_ = "request";
  std::string scoped(scope);
  scoped.push_back(':');
  scoped.append(key);
  record_key_ = keyspace_.Key(shard_, "idem:" + scoped);
  claim_key_ = keyspace_.Key(keyspace_.ShardFor(scoped), "idemclaim:" + scoped);
  fingerprint_ = std::move(fingerprint);
  return *this;
}

AtomicStep& AtomicStep::EventDedup(std::string_view source, std::string_view id) {
  mode_ = "event";
  std::string suffix = "seen:";
  suffix.append(source);
  suffix.push_back('|');
  suffix.append(id);
  record_key_ = keyspace_.Key(shard_, suffix);
  fingerprint_ = "event";
  return *this;
}

AtomicStep& AtomicStep::Response(std::string response) {
  response_ = std::move(response);
  return *this;
}

AtomicStep& AtomicStep::RecordTtl(std::chrono::seconds ttl) {
  ttl_ = ttl;
  return *this;
}

int AtomicStep::KeyIndex(const std::string& key) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return static_cast<int>(i) + 4;
  }
  keys_.push_back(key);
  return static_cast<int>(keys_.size()) + 3;
}

AtomicStep& AtomicStep::RequireExists(std::string_view suffix, absl::Status failure) {
  checks_.push_back({"exists", keyspace_.Key(shard_, suffix), "", ""});
  check_failures_.push_back(std::move(failure));
  return *this;
}

AtomicStep& AtomicStep::RequireAbsent(std::string_view suffix, absl::Status failure) {
  checks_.push_back({"absent", keyspace_.Key(shard_, suffix), "", ""});
  check_failures_.push_back(std::move(failure));
  return *this;
}

AtomicStep& AtomicStep::RequireFieldIn(std::string_view suffix, std::string_view field,
                                       std::vector<std::string> allowed, absl::Status failure) {
  std::string list;
  for (const auto& a : allowed) list += a + ",";
  checks_.push_back({"field_in", keyspace_.Key(shard_, suffix), std::string(field), list});
  check_failures_.push_back(std::move(failure));
  return *this;
}

AtomicStep& AtomicStep::Refuse(std::string_view suffix, absl::Status failure) {
  checks_.push_back({"refuse", keyspace_.Key(shard_, suffix), "", ""});
  check_failures_.push_back(std::move(failure));
  return *this;
}

AtomicStep& AtomicStep::CompareAndBumpVersion(std::string_view suffix, const std::string& version,
                                              std::string_view field) {
  long long current = 0;
  if (!version.empty() && (!absl::SimpleAtoi(version, &current) || current < 0)) current = 0;
  RequireFieldIn(suffix, "version", {version},
                 absl::AbortedError(std::string(field) + ": changed while this request ran; retry"));
  return HSet(suffix, "version", std::to_string(current + 1));
}

AtomicStep& AtomicStep::Set(std::string_view suffix, std::string value) {
  writes_.push_back({"set", keyspace_.Key(shard_, suffix), std::move(value), ""});
  return *this;
}

AtomicStep& AtomicStep::HSet(std::string_view suffix, std::string_view field, std::string value) {
  writes_.push_back({"hset", keyspace_.Key(shard_, suffix), std::string(field), std::move(value)});
  return *this;
}

AtomicStep& AtomicStep::SAdd(std::string_view suffix, std::string member) {
  writes_.push_back({"sadd", keyspace_.Key(shard_, suffix), std::move(member), ""});
  return *this;
}

AtomicStep& AtomicStep::ZAdd(std::string_view suffix, double score, std::string member) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", score);
  writes_.push_back({"zadd", keyspace_.Key(shard_, suffix), buf, std::move(member)});
  return *this;
}

AtomicStep& AtomicStep::ZAddInOrder(std::string_view suffix, std::string member, int64_t major) {
  writes_.push_back({"incr_seq", keyspace_.Key(shard_, "seq"), "", ""});
  writes_.push_back({"zadd_seq", keyspace_.Key(shard_, suffix), std::to_string(major), std::move(member)});
  return *this;
}

AtomicStep& AtomicStep::ZRem(std::string_view suffix, std::string member) {
  writes_.push_back({"zrem", keyspace_.Key(shard_, suffix), std::move(member), ""});
  return *this;
}

AtomicStep& AtomicStep::Del(std::string_view suffix) {
  writes_.push_back({"del", keyspace_.Key(shard_, suffix), "", ""});
  return *this;
}

AtomicStep& AtomicStep::HIncrBy(std::string_view suffix, std::string_view field, int64_t delta) {
  writes_.push_back({"hincrby", keyspace_.Key(shard_, suffix), std::string(field), std::to_string(delta)});
  return *this;
}

AtomicStep& AtomicStep::Expire(std::string_view suffix, std::chrono::seconds ttl) {
  writes_.push_back({"expire", keyspace_.Key(shard_, suffix), std::to_string(ttl.count()), ""});
  return *this;
}

AtomicStep& AtomicStep::Publish(const std::vector<Emitted>& events, std::string_view source, std::string_view topic) {
  for (const auto& event : events) {
    Publish(EventFor(*event.message, std::string(source), std::string(topic), event.key));
  }
  return *this;
}

AtomicStep& AtomicStep::Publish(OutboxEvent event) {
  events_.push_back(std::move(event));
  return *this;
}

absl::StatusOr<StepOutcome> AtomicStep::Execute(Pool& pool) const {
  if (mode_.empty()) {
    return absl::InternalError("atomic step without an idempotency key or event id");
  }
  // Key indexes are assigned on a copy so Execute stays const and reentrant.
  AtomicStep plan = *this;
  plan.keys_.clear();
  std::vector<std::string> args = {mode_,
                                   fingerprint_,
                                   response_,
                                   std::to_string(ttl_.count()),
                                   std::to_string(checks_.size()),
                                   std::to_string(writes_.size()),
                                   std::to_string(events_.size()),
                                   std::to_string(keyspace_.outbox_limit()),
                                   keyspace_.marker_required() ? "1" : "0"};
  for (const auto* ops : {&checks_, &writes_}) {
    for (const Op& op : *ops) {
      args.push_back(op.op);
      args.push_back(std::to_string(plan.KeyIndex(op.key)));
      args.push_back(op.a);
      args.push_back(op.b);
    }
  }
  for (const OutboxEvent& e : events_) {
    for (const std::string* v : {&e.id, &e.type, &e.source, &e.subject, &e.time, &e.topic, &e.key, &e.payload}) {
      args.push_back(*v);
    }
  }
  if (mode_ == "request") {
    auto claim = ClaimScript().Run(pool, {claim_key_}, {fingerprint_, std::to_string(ttl_.count())});
    if (!claim.ok()) return claim.status();
    if ((*claim)->type != REDIS_REPLY_INTEGER) {
      return absl::InternalError("redis: idempotency claim failed: " + ReplyString(claim->get()));
    }
    if ((*claim)->integer == 2) {
      return absl::FailedPreconditionError("idempotency_key: already used for a different request");
    }
  }
  std::vector<std::string> keys = {record_key_, keyspace_.OutboxStream(shard_), keyspace_.Marker(shard_)};
  keys.insert(keys.end(), plan.keys_.begin(), plan.keys_.end());

  auto reply = StepScript().Run(pool, keys, args);
  if (!reply.ok()) return reply.status();
  const redisReply* r = reply->get();
  // Transient error replies (LOADING...) are UNAVAILABLE from the pool.
  if (r->type == REDIS_REPLY_ERROR) return absl::InternalError("redis: atomic step failed: " + ReplyString(r));
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 || r->element[0]->type != REDIS_REPLY_INTEGER) {
    return absl::InternalError("redis: unexpected reply from the atomic step");
  }
  switch (r->element[0]->integer) {
    case 0: return StepOutcome{false, response_};
    case 1: return StepOutcome{true, r->elements > 1 ? ReplyString(r->element[1]) : std::string()};
    case 2: return absl::FailedPreconditionError("idempotency_key: already used for a different request");
    case 3: {
      long long index = r->elements > 1 ? r->element[1]->integer : 0;
      if (index >= 1 && index <= static_cast<long long>(check_failures_.size())) {
        return check_failures_[index - 1];
      }
      return absl::InternalError("redis: atomic step check failed");
    }
    case 5:
      return absl::UnavailableError(
          "redis: data lost (this shard's keyspace marker is gone); writes are refused until an operator "
          "restores the data and restarts the service");
    case 4:
      return absl::UnavailableError("outbox: " + std::to_string(r->elements > 1 ? r->element[1]->integer : 0) +
                                    " events are waiting for Kafka, the configured bound (outbox.max_backlog); "
                                    "retry later with the same idempotency key");
    default: return absl::InternalError("redis: unexpected result from the atomic step");
  }
}

}  // namespace yhteys::redis
