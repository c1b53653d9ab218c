#include "unit_store.hpp"

#include "referral_store.hpp"

#include "yhteys/ids/ids.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/redis/atomic_step.hpp"
#include "yhteys/redis/reply.hpp"

namespace yhteys::router {
namespace {

std::string UnitKey(const std::string& id) { return "unit:" + id; }

std::optional<Capacity> ParseCapacity(const std::string& text) {
  for (Capacity c : {Capacity::kAvailable, Capacity::kWaitlistUnderOneMonth, Capacity::kWaitlistOneToThreeMonths,
                     Capacity::kWaitlistOverThreeMonths, Capacity::kNone}) {
    if (text == CapacityName(c)) return c;
  }
  return std::nullopt;
}

UnitStatus StatusOf(v1::UnitStatus status) {
  switch (status) {
    case v1::UNIT_STATUS_TEMPORARILY_CLOSED: return UnitStatus::kTemporarilyClosed;
    case v1::UNIT_STATUS_INACTIVE: return UnitStatus::kInactive;
    default: return UnitStatus::kActive;
  }
}

Capacity CapacityOf(v1::UnitCapacity capacity) {
  switch (capacity) {
    case v1::UNIT_CAPACITY_WAITLIST_UNDER_1_MONTH: return Capacity::kWaitlistUnderOneMonth;
    case v1::UNIT_CAPACITY_WAITLIST_1_TO_3_MONTHS: return Capacity::kWaitlistOneToThreeMonths;
    case v1::UNIT_CAPACITY_WAITLIST_OVER_3_MONTHS: return Capacity::kWaitlistOverThreeMonths;
    case v1::UNIT_CAPACITY_NONE: return Capacity::kNone;
    default: return Capacity::kAvailable;
  }
}

}  // namespace

v1::UnitStatus StatusMessage(UnitStatus status) {
  switch (status) {
    case UnitStatus::kActive: return v1::UNIT_STATUS_ACTIVE;
    case UnitStatus::kTemporarilyClosed: return v1::UNIT_STATUS_TEMPORARILY_CLOSED;
    case UnitStatus::kInactive: return v1::UNIT_STATUS_INACTIVE;
  }
  return v1::UNIT_STATUS_UNSPECIFIED;
}

v1::UnitCapacity CapacityMessage(Capacity capacity) {
  switch (capacity) {
    case Capacity::kAvailable: return v1::UNIT_CAPACITY_AVAILABLE;
    case Capacity::kWaitlistUnderOneMonth: return v1::UNIT_CAPACITY_WAITLIST_UNDER_1_MONTH;
    case Capacity::kWaitlistOneToThreeMonths: return v1::UNIT_CAPACITY_WAITLIST_1_TO_3_MONTHS;
    case Capacity::kWaitlistOverThreeMonths: return v1::UNIT_CAPACITY_WAITLIST_OVER_3_MONTHS;
    case Capacity::kNone: return v1::UNIT_CAPACITY_NONE;
  }
  return v1::UNIT_CAPACITY_UNSPECIFIED;
}

void ApplyAvailability(const std::map<std::string, UnitAvailability>& reported, std::vector<DirectoryUnit>* units) {
  for (DirectoryUnit& unit : *units) {
    auto it = reported.find(unit.id);
    if (it == reported.end()) continue;
    unit.status = it->second.status;
    unit.capacity = it->second.capacity;
    unit.capacity_updated_on = it->second.updated_on;
  }
}

v1::Unit UnitMessage(const DirectoryUnit& unit, bool updated_by_unit) {
  v1::Unit out;
  out.set_unit_id(unit.id);
  out.set_name(unit.name);
  out.set_county(unit.county);
  out.set_organisation(unit.organisation);
  out.set_service(unit.service);
  out.set_service_type(unit.service_type);
  for (const auto& m : unit.municipalities) out.add_municipalities(m);
  for (auto l : unit.languages) out.add_languages(l);
  out.set_min_age(unit.min_age);
  out.set_max_age(unit.max_age);
  out.set_status(StatusMessage(unit.status));
  out.set_capacity(CapacityMessage(unit.capacity));
  out.set_capacity_updated_on(unit.capacity_updated_on);
  out.set_reached_through(unit.reached_through);
  out.set_updated_by_unit(updated_by_unit);
  return out;
}

UnitStore::UnitStore(redis::Pool& pool, const redis::Keyspace& keyspace, std::string source,
                     std::chrono::seconds idempotency_ttl)
    : pool_(pool),
      keyspace_(keyspace),
      repo_(pool, keyspace,
            {"data", "stored unit availability is corrupt", "unit_id",
             absl::NotFoundError("unit_id: no availability reported")},
            idempotency_ttl),
      source_(std::move(source)) {}

absl::StatusOr<std::map<std::string, UnitAvailability>> UnitStore::Get(const std::vector<std::string>& unit_ids) const {
  std::map<std::string, UnitAvailability> out;
  if (unit_ids.empty()) return out;
  std::vector<std::vector<std::string>> commands;
  for (const std::string& id : unit_ids) {
    commands.push_back({"HGET", keyspace_.Key(keyspace_.ShardFor(id), UnitKey(id)), "data"});
  }
  auto replies = pool_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < unit_ids.size(); ++i) {
    auto bytes = redis::DecodeOptionalString((*replies)[i].get(), "unit availability");
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) continue;
    auto stored = redis::ParseStored<referral::v1::UnitAvailabilityChanged>(**bytes, "unit availability");
    if (!stored.ok()) return stored.status();
    auto status = ParseUnitStatus(stored->status());
    auto capacity = ParseCapacity(stored->capacity());
    if (!status || !capacity) return redis::CorruptRecord("unit availability");
    out[unit_ids[i]] = {*status, *capacity, stored->updated_on()};
  }
  return out;
}

absl::StatusOr<v1::Unit> UnitStore::Update(const std::string& idempotency_key, const std::string& fingerprint,
                                           const DirectoryUnit& unit, v1::UnitStatus status, v1::UnitCapacity capacity,
                                           const std::string& today) {
  const int shard = keyspace_.ShardFor(unit.id);
  for (int attempt = 1;; ++attempt) {
    auto loaded = repo_.Load<referral::v1::UnitAvailabilityChanged>(shard, UnitKey(unit.id));
    if (!loaded.ok() && loaded.status().code() != absl::StatusCode::kNotFound) return loaded.status();
    DirectoryUnit now = unit;
    referral::v1::UnitAvailabilityChanged event;
    event.set_unit_id(unit.id);
    event.set_previous_status(loaded.ok() ? loaded->record.status() : UnitStatusName(unit.status));
    event.set_previous_capacity(loaded.ok() ? loaded->record.capacity() : CapacityName(unit.capacity));
    now.status = StatusOf(status);
    now.capacity = CapacityOf(capacity);
    now.capacity_updated_on = today;
    event.set_status(UnitStatusName(now.status));
    event.set_capacity(CapacityName(now.capacity));
    event.set_updated_on(today);
    *event.mutable_changed_at() = ids::NowTimestamp();
    const v1::Unit answer = UnitMessage(now, true);
    redis::AtomicStep step =
        repo_.Begin(shard, {"UpdateUnitAvailability", idempotency_key, fingerprint, answer.SerializeAsString()});
    if (loaded.ok()) {
      repo_.Write(step, UnitKey(unit.id), loaded->version, event);
    } else {
      repo_.Create(step, UnitKey(unit.id), event, absl::AbortedError("unit_id: reported at the same moment; retry"));
    }
    step.Publish(redis::EventFor(event, source_, kafka::topics::kReferrals, unit.id))
        .Publish(redis::EventFor(event, source_, kafka::topics::kRouterChangelog, unit.id));
    auto result = step.ExecuteFor<v1::Unit>(pool_);
    if (!result.ok() && result.status().code() == absl::StatusCode::kAborted && attempt < 3) continue;
    return result;
  }
}

absl::Status UnitStore::Restore(const referral::v1::UnitAvailabilityChanged& report) {
  if (report.unit_id().empty()) return absl::DataLossError("changelog: a unit report without a unit");
  const int shard = keyspace_.ShardFor(report.unit_id());
  redis::AtomicStep step(keyspace_, shard);
  step.EventDedup(kOwnStepScope, "restore|" + report.unit_id() + "#" + ids::RandomHex(8)).RecordTtl(kOwnStepRecordTtl);
  repo_.Create(step, UnitKey(report.unit_id()), report, absl::AlreadyExistsError("unit_id: already in Redis"));
  auto done = step.Execute(pool_);
  return done.ok() ? absl::OkStatus() : done.status();
}

}  // namespace yhteys::router
