#include "referral_store.hpp"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "client_sharing.hpp"
#include "referral_builder.hpp"
#include "referral_lifecycle.hpp"
#include "worklist.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"

namespace yhteys::router {
namespace {

using referral::v1::ReferralState;
using referral::v1::ReferralState_Name;

std::string RefKey(const std::string& id) { return "ref:" + id; }
// A referral id without this router's shard key in it.
absl::Status NotOurReferralId() { return absl::InvalidArgumentError("referral_id: not a referral id of this router"); }
// A sorted set in creation order (a per-shard sequence: referrals made in
// the same millisecond keep their order). "journey2:" because the first
// layout was an unordered set.
std::string JourneyKey(const std::string& pseudonym) { return "journey2:" + pseudonym; }
// The first layout, still read so that referrals made before the change
// stay in the journey (listed first, by creation time: they are older).
std::string LegacyJourneyKey(const std::string& pseudonym) { return "journey:" + pseudonym; }
constexpr char kDispatchKey[] = "offers";
constexpr char kExpiriesKey[] = "expiries";
constexpr char kClocksKey[] = "clocks";

std::string ClockMember(const std::string& id, v1::ClockKind kind) { return id + "|" + std::to_string(kind); }

// Every running clock indexed by when it is overdue; a stopped or overdue one not.
void IndexClocks(redis::AtomicStep& step, const v1::Referral& r) {
  const std::string& id = r.offer().referral_id();
  for (const v1::Clock& clock : r.clocks()) {
    const auto at = OverdueAtMs(clock);
    if (!clock.stopped() && !clock.overdue() && at) {
      step.ZAdd(kClocksKey, static_cast<double>(*at), ClockMember(id, clock.kind()));
    } else {
      step.ZRem(kClocksKey, ClockMember(id, clock.kind()));
    }
  }
}

std::string UnitWorklistKey(const std::string& unit) { return "wl:" + unit; }
std::string CounsellorWorklistKey(const std::string& county) { return "cwl:" + county; }

// The worklists the referral is on now; off the ones `before` was on.
void IndexWorklists(redis::AtomicStep& step, const v1::Referral* before, const v1::Referral& after) {
  const std::string& id = after.offer().referral_id();
  const auto unit = WorklistUnit(after);
  const bool counsellors = !CounsellorReasons(after).empty();
  const double score = WorklistScore(after);
  if (before != nullptr) {
    const auto was = WorklistUnit(*before);
    if (was && was != unit) step.ZRem(UnitWorklistKey(*was), id);
    if (!CounsellorReasons(*before).empty() && (!counsellors || before->county() != after.county())) {
      step.ZRem(CounsellorWorklistKey(before->county()), id);
    }
  }
  if (unit) step.ZAdd(UnitWorklistKey(*unit), score, id);
  if (counsellors) step.ZAdd(CounsellorWorklistKey(after.county()), score, id);
}

bool WasOverdue(const v1::Referral& r, v1::ClockKind kind) {
  for (const v1::Clock& clock : r.clocks()) {
    if (clock.kind() == kind) return clock.overdue();
  }
  return false;
}
constexpr int kMaxAttempts = 5;  // a change made again when another writer got in between

int64_t MillisOf(const google::protobuf::Timestamp& t) { return t.seconds() * 1000 + t.nanos() / 1000000; }

// The unit the event speaks of: for a decline, the unit that declined.
std::string EventUnit(const v1::Referral& r) {
  if ((r.state() == referral::v1::REFERRAL_STATE_DECLINED || r.state() == referral::v1::REFERRAL_STATE_UNROUTABLE) &&
      r.offers_size() > 0) {
    return r.offers(r.offers_size() - 1).unit_id();
  }
  return r.offer().unit_id();
}

}  // namespace

referral::v1::ReferralOverdue OverdueEvent(const v1::Referral& r, const v1::Clock& clock) {
  referral::v1::ReferralOverdue e;
  e.set_referral_id(r.offer().referral_id());
  e.set_client_pseudonym(r.offer().client_pseudonym());
  e.set_target_service(r.target_service());
  e.set_state(r.state());
  e.set_clock(ClockName(clock.kind()));
  *e.mutable_deadline() = clock.deadline();
  *e.mutable_raised_at() = ids::NowTimestamp();
  e.set_unit_id(r.offer().unit_id());
  // Under a denial the topic tells the need, not its cause.
  if (!r.offer().details_withheld()) e.set_rule_id(r.offer().rule_id());
  return e;
}

referral::v1::ReferralStateChanged StateChangedEvent(const v1::Referral& r, ReferralState previous) {
  referral::v1::ReferralStateChanged e;
  e.set_referral_id(r.offer().referral_id());
  e.set_client_pseudonym(r.offer().client_pseudonym());
  e.set_source_service(r.offer().source_service());
  e.set_source_unit_id(r.offer().source_unit_id());
  e.set_source_event_id(r.offer().source_event_id());
  e.set_target_service(r.target_service());
  e.set_rule_id(r.offer().rule_id());
  e.set_need_code(r.offer().need_code());
  e.set_state(r.state());
  e.set_previous_state(previous);
  e.set_urgency(r.offer().urgency());
  if (r.offer().has_statutory_deadline()) *e.mutable_statutory_deadline() = r.offer().statutory_deadline();
  if (r.offer().has_statutory_completion_deadline()) {
    *e.mutable_statutory_completion_deadline() = r.offer().statutory_completion_deadline();
  }
  if (r.offer().has_target_deadline()) *e.mutable_target_deadline() = r.offer().target_deadline();
  e.set_clock_started_on(r.offer().clock_started_on());
  e.set_sharing_status(r.offer().sharing_status());
  e.set_details_withheld(r.offer().details_withheld());
  e.set_unit_id(EventUnit(r));
  e.set_language_unmet(r.offer().language_unmet());
  if ((r.state() == referral::v1::REFERRAL_STATE_DECLINED || r.state() == referral::v1::REFERRAL_STATE_UNROUTABLE) &&
      r.offers_size() > 0) {
    e.set_decline_reason(r.offers(r.offers_size() - 1).decline_reason());
  }
  if (r.state() == referral::v1::REFERRAL_STATE_COMPLETED) *e.mutable_outcome() = r.outcome();
  e.set_cancel_reason(r.cancel_reason());
  if (r.offer().details_withheld()) {
    // The topic does not tell the cause (the rule, the event). Where the
    // referral came from (source_service, source_unit_id) stays, for the
    // originating service and unit to follow their own referrals; a target
    // unit watching is not shown it (referral_watch.hpp ForCaller).
    e.clear_rule_id();
    e.clear_source_event_id();
  }
  *e.mutable_changed_at() = r.updated_at();
  return e;
}

ReferralStore::ReferralStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
                             std::chrono::seconds dedup_ttl, OfferExpiry expiry, prometheus::Registry* registry)
    : pool_(pool),
      keyspace_(keyspace),
      repo_(pool, keyspace,
            {"data", "stored referral is corrupt", "referral_id", absl::NotFoundError("referral_id: no such referral")},
            dedup_ttl),
      source_(std::move(source)),
      dedup_ttl_(dedup_ttl),
      expiry_(expiry) {
  if (registry != nullptr) {
    states_ = &prometheus::BuildCounter()
                   .Name("yhteys_referrals_total")
                   .Help("Referral state changes written by the router, by new state")
                   .Register(*registry);
  }
}

void ReferralStore::CountState(ReferralState state) {
  if (states_ != nullptr) states_->Add({{"state", StateName(state)}}).Increment();
}

int64_t ReferralStore::ExpiresAtMs(const v1::Referral& r) const {
  const auto limit = r.offer().urgency() == common::v1::URGENCY_URGENT ? expiry_.urgent : expiry_.non_urgent;
  const int64_t offered = r.offers_size() > 0 ? MillisOf(r.offers(r.offers_size() - 1).offered_at()) : ids::NowMillis();
  return offered + std::chrono::duration_cast<std::chrono::milliseconds>(limit).count();
}

void ReferralStore::WriteNew(redis::AtomicStep& step, const v1::Referral& r, absl::Status collision, int64_t now_ms) {
  const std::string& id = r.offer().referral_id();
  repo_.Create(step, RefKey(id), r, std::move(collision));
  step.HSet(RefKey(id), "state", ReferralState_Name(r.state()))
      .ZAddInOrder(JourneyKey(r.offer().client_pseudonym()), id);
  IndexState(step, nullptr, r, now_ms);
}

void ReferralStore::AddCreations(redis::AtomicStep& step, const std::vector<v1::Referral>& referrals,
                                 const std::string& sharing_version) {
  const std::string& pseudonym = referrals.front().offer().client_pseudonym();
  step.RequireFieldIn(SharingKey(pseudonym), "version", {sharing_version},
                      absl::AbortedError("client_pseudonym: the sharing decision changed; make the referrals again"));
  const int64_t now = ids::NowMillis();
  for (const v1::Referral& r : referrals) {
    // A referral id is the event's and the rule's: the same event processed
    // again after its dedup record expired finds it made (kAlreadyExists).
    WriteNew(step, r, absl::AlreadyExistsError("referral_id: made before"), now);
    step.Publish(redis::EventFor(StateChangedEvent(r, referral::v1::REFERRAL_STATE_UNSPECIFIED), source_,
                                 kReferralsTopic, pseudonym))
        .Publish(ChangelogRecord(r));
  }
}

void ReferralStore::IndexState(redis::AtomicStep& step, const v1::Referral* before, const v1::Referral& after,
                               int64_t now_ms) {
  const std::string& id = after.offer().referral_id();
  if (NeedsDispatch(after)) {
    const int64_t at = after.dispatch_after_ms() > 0 ? after.dispatch_after_ms() : now_ms;
    step.ZAdd(kDispatchKey, static_cast<double>(at), id);
  } else if (before != nullptr) {
    step.ZRem(kDispatchKey, id);
  }
  if (after.state() == referral::v1::REFERRAL_STATE_OFFERED) {
    step.ZAdd(kExpiriesKey, static_cast<double>(ExpiresAtMs(after)), id);
  } else if (before != nullptr) {
    step.ZRem(kExpiriesKey, id);
  }
  IndexClocks(step, after);
  IndexWorklists(step, before, after);
}

redis::OutboxEvent ReferralStore::ChangelogRecord(const v1::Referral& r) const {
  return redis::EventFor(r, source_, kafka::topics::kRouterChangelog, r.offer().client_pseudonym());
}

absl::Status ReferralStore::Restore(const std::vector<v1::Referral>& referrals) {
  const int64_t now = ids::NowMillis();
  for (const v1::Referral& r : referrals) {
    const std::string& id = r.offer().referral_id();
    const std::string& pseudonym = r.offer().client_pseudonym();
    if (ShardKeyOfReferralId(id).empty() || pseudonym.size() != 64) {
      return absl::DataLossError("changelog: a referral record without a valid id or client");
    }
    redis::AtomicStep step(keyspace_, ShardOf(ShardKeyOfPseudonym(pseudonym)));
    step.EventDedup(kOwnStepScope, "restore|" + id + "#" + ids::RandomHex(8)).RecordTtl(kOwnStepRecordTtl);
    WriteNew(step, r, absl::AlreadyExistsError("referral_id: already in Redis"), now);
    if (auto done = step.Execute(pool_); !done.ok()) return done.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ReferralStore::HoldsReferrals() {
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    std::string cursor = "0";
    do {
      auto reply = pool_.Command({"SCAN", cursor, "MATCH", keyspace_.Key(shard, "ref:*"), "COUNT", "1000"});
      if (!reply.ok()) return reply.status();
      const redisReply* r = reply->get();
      if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
          r->element[1]->type != REDIS_REPLY_ARRAY) {
        return redis::CorruptRecord("scan");
      }
      if (r->element[1]->elements > 0) return true;
      cursor.assign(r->element[0]->str, r->element[0]->len);
    } while (cursor != "0");
  }
  return false;
}

absl::StatusOr<bool> ReferralStore::CreateReferrals(const std::string& ce_source, const std::string& ce_id,
                                                    const std::vector<v1::Referral>& referrals,
                                                    const std::string& sharing_version) {
  if (referrals.empty()) return false;
  const std::string& pseudonym = referrals.front().offer().client_pseudonym();
  redis::AtomicStep step(keyspace_, ShardOf(ShardKeyOfPseudonym(pseudonym)));
  step.EventDedup(ce_source, ce_id).RecordTtl(dedup_ttl_);
  AddCreations(step, referrals, sharing_version);
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) {
    if (outcome.status().code() == absl::StatusCode::kAlreadyExists) return true;
    return outcome.status();
  }
  if (!outcome->replayed) {
    for (const v1::Referral& r : referrals) CountState(r.state());
  }
  return outcome->replayed;
}

absl::StatusOr<redis::StepOutcome> ReferralStore::RecordContact(const Dedup& request, const redis::OutboxEvent& contact,
                                                                const std::vector<v1::Referral>& referrals,
                                                                const std::string& sharing_version,
                                                                std::string response) {
  if (referrals.empty()) return absl::InvalidArgumentError("needs: no referral to make");
  const std::string& pseudonym = referrals.front().offer().client_pseudonym();
  redis::AtomicStep step(keyspace_, ShardOf(ShardKeyOfPseudonym(pseudonym)));
  step.IdempotencyKey(request.scope, request.key, request.fingerprint)
      .RecordTtl(dedup_ttl_)
      .Response(std::move(response))
      .Publish(contact);
  AddCreations(step, referrals, sharing_version);
  auto outcome = step.Execute(pool_);
  if (!outcome.ok()) return outcome.status();
  if (!outcome->replayed) {
    for (const v1::Referral& r : referrals) CountState(r.state());
  }
  return outcome;
}

absl::StatusOr<v1::Referral> ReferralStore::Get(const std::string& referral_id) {
  std::string shard_key = ShardKeyOfReferralId(referral_id);
  if (shard_key.empty()) return NotOurReferralId();
  auto loaded = repo_.Load<v1::Referral>(ShardOf(shard_key), RefKey(referral_id));
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->record);
}

absl::StatusOr<std::vector<absl::StatusOr<v1::Referral>>> ReferralStore::GetMany(
    const std::vector<std::string>& referral_ids) {
  std::vector<absl::StatusOr<v1::Referral>> out;
  std::vector<std::vector<std::string>> commands;
  std::vector<size_t> asked;  // the index in `out` of each command
  for (const std::string& id : referral_ids) {
    const std::string shard_key = ShardKeyOfReferralId(id);
    if (shard_key.empty()) {
      out.emplace_back(NotOurReferralId());
      continue;
    }
    asked.push_back(out.size());
    out.emplace_back(repo_.schema().not_found);
    commands.push_back({"HGET", keyspace_.Key(ShardOf(shard_key), RefKey(id)), repo_.schema().record_field});
  }
  if (commands.empty()) return out;
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < asked.size(); ++i) {
    const redisReply* reply = (*replies)[i].get();
    if (reply->type == REDIS_REPLY_NIL) continue;  // NOT_FOUND as set
    v1::Referral r;
    if (reply->type != REDIS_REPLY_STRING || !r.ParseFromArray(reply->str, static_cast<int>(reply->len))) {
      out[asked[i]] = redis::CorruptRecord(repo_.schema().what);
      continue;
    }
    out[asked[i]] = std::move(r);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Referral>> ReferralStore::ListForClient(const std::string& pseudonym) {
  int shard = ShardOf(ShardKeyOfPseudonym(pseudonym));
  auto replies = pool_.Pipeline({{"SMEMBERS", keyspace_.Key(shard, LegacyJourneyKey(pseudonym))},
                                 {"ZRANGE", keyspace_.Key(shard, JourneyKey(pseudonym)), "0", "-1"}});
  if (!replies.ok()) return replies.status();
  auto load = [&](const redisReply* reply, std::vector<v1::Referral>* out) -> absl::Status {
    auto ids = redis::DecodeStrings(reply, "client's referrals");
    if (!ids.ok()) return ids.status();
    return AppendLoaded(*ids, out);
  };
  std::vector<v1::Referral> out;
  if (auto st = load((*replies)[0].get(), &out); !st.ok()) return st;
  std::stable_sort(out.begin(), out.end(), [](const v1::Referral& a, const v1::Referral& b) {
    return std::make_pair(a.offer().created_at().seconds(), a.offer().created_at().nanos()) <
           std::make_pair(b.offer().created_at().seconds(), b.offer().created_at().nanos());
  });
  if (auto st = load((*replies)[1].get(), &out); !st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<std::string>> ReferralStore::Due(int shard, const char* key, int64_t now_ms, int limit,
                                                            const char* what) {
  auto reply = pool_.Command({"ZRANGEBYSCORE", keyspace_.Key(shard, key), "-inf", std::to_string(now_ms), "LIMIT", "0",
                              std::to_string(limit)});
  if (!reply.ok()) return reply.status();
  return redis::DecodeStrings(reply->get(), what);
}

absl::Status ReferralStore::AppendLoaded(const std::vector<std::string>& ids, std::vector<v1::Referral>* out) {
  for (const std::string& id : ids) {
    // A referral named in an index but gone is skipped; a Redis error is not.
    auto r = Get(id);
    if (r.ok()) {
      out->push_back(std::move(*r));
    } else if (r.status().code() != absl::StatusCode::kNotFound) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ReferralStore::DueDispatches(int shard, int64_t now_ms, int limit) {
  return Due(shard, kDispatchKey, now_ms, limit, "due offers");
}

absl::StatusOr<std::vector<std::string>> ReferralStore::DueDispatchesIn(const std::vector<int>& shards, int64_t now_ms,
                                                                        int limit) {
  if (shards.empty()) return std::vector<std::string>{};
  std::vector<std::vector<std::string>> commands;
  for (int shard : shards) {
    commands.push_back({"ZRANGEBYSCORE", keyspace_.Key(shard, kDispatchKey), "-inf", std::to_string(now_ms), "LIMIT",
                        "0", std::to_string(limit)});
  }
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::string> due;
  for (const auto& reply : *replies) {
    auto ids = redis::DecodeStrings(reply.get(), "due offers");
    if (!ids.ok()) return ids.status();
    due.insert(due.end(), ids->begin(), ids->end());
  }
  return due;
}

absl::StatusOr<std::vector<std::string>> ReferralStore::DueExpiries(int shard, int64_t now_ms, int limit) {
  return Due(shard, kExpiriesKey, now_ms, limit, "expired offers");
}

absl::StatusOr<std::vector<v1::Referral>> ReferralStore::Worklist(const std::string& owner, bool counsellors,
                                                                  int limit) {
  const std::string key = counsellors ? CounsellorWorklistKey(owner) : UnitWorklistKey(owner);
  std::vector<std::vector<std::string>> commands;
  for (int shard = 0; shard < keyspace_.shards(); ++shard) {
    commands.push_back({"ZRANGE", keyspace_.Key(shard, key), "0", std::to_string(limit - 1), "WITHSCORES"});
  }
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::pair<double, std::string>> ordered;
  for (const auto& reply : *replies) {
    auto members = redis::DecodeStrings(reply.get(), "worklist");
    if (!members.ok()) return members.status();
    for (size_t i = 0; i + 1 < members->size(); i += 2) {
      double score = 0;
      if (!absl::SimpleAtod((*members)[i + 1], &score)) return redis::CorruptRecord("worklist");
      ordered.emplace_back(score, (*members)[i]);
    }
  }
  std::sort(ordered.begin(), ordered.end());
  if (static_cast<int>(ordered.size()) > limit) ordered.resize(limit);
  std::vector<std::string> ids;
  for (auto& [score, id] : ordered) ids.push_back(std::move(id));
  std::vector<v1::Referral> out;
  if (auto st = AppendLoaded(ids, &out); !st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, v1::ClockKind>>> ReferralStore::DueClocks(int shard, int64_t now_ms,
                                                                                            int limit) {
  auto members = Due(shard, kClocksKey, now_ms, limit, "running clocks");
  if (!members.ok()) return members.status();
  std::vector<std::pair<std::string, v1::ClockKind>> due;
  for (const std::string& member : *members) {
    const size_t bar = member.rfind('|');
    int kind = 0;
    if (bar == std::string::npos || !absl::SimpleAtoi(member.substr(bar + 1), &kind) || !v1::ClockKind_IsValid(kind)) {
      return redis::CorruptRecord("running clocks");
    }
    due.emplace_back(member.substr(0, bar), static_cast<v1::ClockKind>(kind));
  }
  return due;
}

absl::StatusOr<ReferralStore::Changed> ReferralStore::Change(const std::string& referral_id, const Decision& decide,
                                                             const Dedup& dedup, bool publish) {
  std::string shard_key = ShardKeyOfReferralId(referral_id);
  if (shard_key.empty()) return NotOurReferralId();
  const int shard = ShardOf(shard_key);
  for (int attempt = 1;; ++attempt) {
    auto loaded = repo_.Load<v1::Referral>(shard, RefKey(referral_id));
    if (!loaded.ok()) return loaded.status();
    const v1::Referral& before = loaded->record;
    auto after = decide(before);

    redis::AtomicStep step(keyspace_, shard);
    switch (dedup.kind) {
      case Dedup::Kind::kNone:
        // The router's own step, guarded by the version alone. Every step
        // records a dedup key; this one is no other step's, is never looked
        // up again and expires soon. Event mode: no claim round trip, as a
        // request's idempotency key would take.
        step.EventDedup(kOwnStepScope, referral_id + "@" + loaded->version + "#" + ids::RandomHex(8))
            .RecordTtl(kOwnStepRecordTtl);
        break;
      case Dedup::Kind::kEvent: step.EventDedup(dedup.scope, dedup.key).RecordTtl(dedup_ttl_); break;
      case Dedup::Kind::kRequest:
        step.IdempotencyKey(dedup.scope, dedup.key, dedup.fingerprint)
            .RecordTtl(dedup_ttl_)
            .Response(after.ok() ? after->SerializeAsString() : std::string());
        break;
    }
    if (!after.ok()) {
      // The decision's refusal, behind the dedup record: an applied event or
      // request replays; anything else fails as decided.
      if (dedup.kind == Dedup::Kind::kNone) return after.status();
      step.Refuse(RefKey(referral_id), after.status());
      auto replay = step.Execute(pool_);
      if (!replay.ok()) return replay.status();
      Changed changed{before, true};
      if (!replay->response.empty()) (void)changed.referral.ParseFromString(replay->response);
      return changed;
    }
    const std::string& id = before.offer().referral_id();
    const std::string& pseudonym = before.offer().client_pseudonym();
    repo_.Write(step, RefKey(id), loaded->version, *after);
    step.HSet(RefKey(id), "state", ReferralState_Name(after->state()));
    IndexState(step, &before, *after, ids::NowMillis());
    if (publish) {
      step.Publish(redis::EventFor(StateChangedEvent(*after, before.state()), source_, kReferralsTopic, pseudonym));
    }
    for (const v1::Clock& clock : after->clocks()) {
      if (clock.overdue() && !WasOverdue(before, clock.kind())) {
        step.Publish(redis::EventFor(OverdueEvent(*after, clock), source_, kReferralsTopic, pseudonym));
      }
    }
    step.Publish(ChangelogRecord(*after));
    auto outcome = step.Execute(pool_);
    if (!outcome.ok()) {
      if (outcome.status().code() == absl::StatusCode::kAborted && attempt < kMaxAttempts) continue;
      return outcome.status();
    }
    Changed changed{*after, outcome->replayed};
    if (!outcome->replayed && publish) CountState(after->state());
    if (outcome->replayed) {
      changed.referral = before;
      if (!outcome->response.empty()) (void)changed.referral.ParseFromString(outcome->response);
    }
    return changed;
  }
}

}  // namespace yhteys::router
