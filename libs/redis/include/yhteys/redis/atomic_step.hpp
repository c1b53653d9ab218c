#pragma once
// The atomic step: one state change, its outbox events and its idempotency
// (or event-dedup) record, applied by one Lua script so that either all of it
// happens or none of it does. All keys must belong to one shard of one
// Keyspace (same hash tag).
//
// Two modes:
//  * request mode (IdempotencyKey): a retry with the same key and the same
//    request fingerprint replays the first response; the same key with a
//    different request is FAILED_PRECONDITION; nothing is applied twice.
//    The key is bound to the first request body that used it in the shard
//    the key hashes to (one more round trip), so its scope does not depend
//    on which shard the request's data lives in; the binding holds even if
//    that first request failed a check, for as long as the record TTL.
//  * event mode (EventDedup): a consumer's effect keyed by the CloudEvents
//    (ce_source, ce_id); a second delivery is a no-op reported as replayed.
//
// Checks run before any write; a failed check returns its status and writes
// nothing. Redis unreachable or timing out: UNAVAILABLE, and the outcome is
// unknown to the caller, which retries with the same key.
// An AtomicStep is a value built by one thread; Execute is thread-safe.

#include <google/protobuf/message.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "yhteys/redis/emitted.hpp"
#include "yhteys/redis/keyspace.hpp"
#include "yhteys/redis/pool.hpp"

namespace yhteys::redis {

// An event for the outbox: CloudEvents attributes plus where it goes.
struct OutboxEvent {
  std::string id;       // ce_id
  std::string type;     // ce_type: the protobuf message's full name
  std::string source;   // ce_source, e.g. "/yhteys/home-care"
  std::string subject;  // ce_subject: the client pseudonym
  std::string time;     // ce_time, RFC 3339
  std::string topic;
  std::string key;      // Kafka partition key (the client pseudonym)
  std::string payload;  // serialized protobuf
};

// The outbox event for `message`: a new ce_id, ce_type the message's full
// name, ce_time now; `key` is both the partition key and ce_subject.
OutboxEvent EventFor(const google::protobuf::Message& message, std::string source, std::string topic, std::string key);

struct StepOutcome {
  bool replayed = false;  // an earlier step with the same key was applied
  std::string response;   // the stored response (request mode)
};

class AtomicStep {
 public:
  AtomicStep(const Keyspace& keyspace, int shard);

  // Request mode. `fingerprint` identifies the request body.
  AtomicStep& IdempotencyKey(std::string_view scope, std::string_view key, std::string fingerprint);
  // Event mode.
  AtomicStep& EventDedup(std::string_view source, std::string_view id);
  AtomicStep& Response(std::string response);
  AtomicStep& RecordTtl(std::chrono::seconds ttl);

  // Checks. `suffix` keys are relative to the shard: Key(shard, suffix).
  AtomicStep& RequireExists(std::string_view suffix, absl::Status failure);
  AtomicStep& RequireAbsent(std::string_view suffix, absl::Status failure);
  // The hash field must hold one of `allowed` ("" stands for a missing field).
  AtomicStep& RequireFieldIn(std::string_view suffix, std::string_view field, std::vector<std::string> allowed,
                             absl::Status failure);
  // A refusal decided before the step (on the record `suffix` as read),
  // applied behind the dedup record: a retry of an applied request or event
  // replays its first answer; anything else fails with `failure`.
  AtomicStep& Refuse(std::string_view suffix, absl::Status failure);

  // Optimistic concurrency for a hash record read before the step: its
  // "version" field must still hold `version` ("" for none), else ABORTED
  // naming `field` (the request field that names the record); the step then
  // bumps it.
  AtomicStep& CompareAndBumpVersion(std::string_view suffix, const std::string& version, std::string_view field);

  // Writes, applied in order.
  AtomicStep& Set(std::string_view suffix, std::string value);
  AtomicStep& HSet(std::string_view suffix, std::string_view field, std::string value);
  AtomicStep& SAdd(std::string_view suffix, std::string member);
  AtomicStep& ZAdd(std::string_view suffix, double score, std::string member);
  // Adds `member` in order: its score is major * 2^38 + the shard's next
  // sequence number (mod 2^38, which a shard reaches after 2.7e11 ordered
  // writes), drawn inside the step. Members with the same `major` (a due
  // date as days since 2000-01-01, or 0 for plain creation order) keep the
  // order in which their steps ran in this shard: a sequence, not a clock,
  // so two entries made in the same millisecond, or by two replicas whose
  // clocks differ, still come back in the order they were made. `major`
  // must be below 2^15 (a day before 2089) for scores to stay exact.
  AtomicStep& ZAddInOrder(std::string_view suffix, std::string member, int64_t major = 0);
  AtomicStep& ZRem(std::string_view suffix, std::string member);
  AtomicStep& Del(std::string_view suffix);
  // Adds `delta` to an integer hash field (a missing field counts as 0), so
  // counters need no read before the step.
  AtomicStep& HIncrBy(std::string_view suffix, std::string_view field, int64_t delta);
  // (Re)sets the key's time to live. Place it after the writes that create
  // the key: SET drops an earlier TTL.
  AtomicStep& Expire(std::string_view suffix, std::chrono::seconds ttl);

  AtomicStep& Publish(OutboxEvent event);
  // Publishes each of a decision's events (EventFor) in order.
  AtomicStep& Publish(const std::vector<Emitted>& events, std::string_view source, std::string_view topic);

  absl::StatusOr<StepOutcome> Execute(Pool& pool) const;
  // Execute, answering the stored response (the first answer, on a replay)
  // as a `Response` message.
  template <typename Response>
  absl::StatusOr<Response> ExecuteFor(Pool& pool) const {
    auto outcome = Execute(pool);
    if (!outcome.ok()) return outcome.status();
    Response answer;
    if (!answer.ParseFromString(outcome->response)) return absl::InternalError("stored answer is corrupt");
    return answer;
  }

  int shard() const { return shard_; }

 private:
  struct Op {
    std::string op;
    std::string key;
    std::string a;
    std::string b;
  };
  int KeyIndex(const std::string& key);

  const Keyspace& keyspace_;
  int shard_;
  std::string mode_;
  std::string record_key_;
  std::string claim_key_;
  std::string fingerprint_;
  std::string response_;
  std::chrono::seconds ttl_{std::chrono::hours(24 * 7)};
  std::vector<Op> checks_;
  std::vector<absl::Status> check_failures_;
  std::vector<Op> writes_;
  std::vector<OutboxEvent> events_;
  std::vector<std::string> keys_;
};

}  // namespace yhteys::redis
