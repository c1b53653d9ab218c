#include "restore.hpp"

#include <chrono>
#include <set>
#include <vector>

#include "yhteys/kafka/topic_reader.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::router {

absl::StatusOr<RestoreCounts> RestoreFromChangelog(const std::map<std::string, std::string>& kafka_config,
                                                   ReferralStore& referrals, const SharingStore& sharing,
                                                   UnitStore& units) {
  auto holds = referrals.HoldsReferrals();
  if (!holds.ok()) return holds.status();
  if (*holds) {
    return absl::FailedPreconditionError(
        "router.restore_from_changelog: Redis already holds referrals; restore only into an empty one");
  }
  const std::string topic = kafka::topics::kRouterChangelog;
  auto reader = kafka::TopicReader::Open(kafka_config, topic, {}, kafka::TopicReader::Start::kBeginning);
  if (!reader.ok()) return reader.status();
  const kafka::Positions until = (*reader)->ends_at_open();

  // The latest record of each; referrals in the order they first appear
  // (a client's records share a partition: each client's creation order).
  RestoreCounts counts;
  std::vector<std::string> referral_order;
  std::map<std::string, v1::Referral> latest_referral;
  std::map<std::string, v1::ClientSharing> latest_sharing;
  std::map<std::string, referral::v1::UnitAvailabilityChanged> latest_unit;
  const auto reached = [&] {
    for (const auto& [partition, offset] : until) {
      auto at = (*reader)->positions().find(partition);
      if (at == (*reader)->positions().end() || at->second < offset) return false;
    }
    return true;
  };
  auto last_progress = std::chrono::steady_clock::now();
  while (!reached()) {
    auto next = (*reader)->Next(std::chrono::milliseconds(500));
    if (!next.ok()) return next.status();
    if (!next->has_value()) {
      if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(60)) {
        return absl::UnavailableError("changelog: no progress for 60 s before its end");
      }
      continue;
    }
    last_progress = std::chrono::steady_clock::now();
    const kafka::ConsumedRecord& record = **next;
    ++counts.records;
    const std::string& type = record.event.type;
    if (type == v1::Referral::descriptor()->full_name()) {
      v1::Referral r;
      if (!r.ParseFromString(record.value)) return absl::DataLossError("changelog: an undecodable referral");
      const std::string id = r.offer().referral_id();
      if (latest_referral.count(id) == 0) referral_order.push_back(id);
      latest_referral[id] = std::move(r);
    } else if (type == v1::ClientSharing::descriptor()->full_name()) {
      v1::ClientSharing s;
      if (!s.ParseFromString(record.value)) return absl::DataLossError("changelog: an undecodable sharing decision");
      latest_sharing[s.client_pseudonym()] = std::move(s);
    } else if (type == referral::v1::UnitAvailabilityChanged::descriptor()->full_name()) {
      referral::v1::UnitAvailabilityChanged u;
      if (!u.ParseFromString(record.value)) return absl::DataLossError("changelog: an undecodable unit report");
      latest_unit[u.unit_id()] = std::move(u);
    } else {
      return absl::DataLossError("changelog: a record of an unknown type");
    }
  }
  for (const auto& [pseudonym, decision] : latest_sharing) {
    if (auto st = sharing.Restore(decision); !st.ok()) return st;
    ++counts.sharing;
  }
  for (const auto& [unit, report] : latest_unit) {
    if (auto st = units.Restore(report); !st.ok()) return st;
    ++counts.units;
  }
  std::vector<v1::Referral> ordered;
  ordered.reserve(referral_order.size());
  for (const std::string& id : referral_order) ordered.push_back(std::move(latest_referral[id]));
  if (auto st = referrals.Restore(ordered); !st.ok()) return st;
  counts.referrals = static_cast<int>(ordered.size());
  return counts;
}

}  // namespace yhteys::router
