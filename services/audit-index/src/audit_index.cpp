#include "audit_index.hpp"

#include <algorithm>
#include <charconv>

#include "absl/time/time.h"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::auditindex {

absl::StatusOr<IndexEntry> EntryFromRecord(const kafka::ConsumedRecord& record) {
  if (record.event.type != kRecordType) return absl::InvalidArgumentError("unknown-type");
  audit::v1::ClientDataAccessed accessed;
  if (!accessed.ParseFromString(record.value)) return absl::InvalidArgumentError("undecodable-payload");
  IndexEntry entry;
  entry.event_id = record.event.id;
  if (accessed.has_at()) {
    entry.at_millis = accessed.at().seconds() * 1000 + accessed.at().nanos() / 1000000;
  } else {
    // A record without `at` is dated by its CloudEvents time.
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, record.event.time, &t, &error)) {
      return absl::InvalidArgumentError("no-time");
    }
    entry.at_millis = absl::ToUnixMillis(t);
  }
  for (const std::string& client : accessed.client_pseudonyms()) {
    if (!validate::Pseudonym("client", client).ok()) continue;  // not a pseudonym: nothing to index it under
    if (std::find(entry.clients.begin(), entry.clients.end(), client) == entry.clients.end()) {
      entry.clients.push_back(client);
    }
  }
  entry.payload = record.value;
  return entry;
}

absl::StatusOr<Period> PeriodFor(std::string_view from_date, std::string_view to_date,
                                 std::chrono::year_month_day today, std::chrono::days retention) {
  if (from_date.empty()) return absl::InvalidArgumentError("from_date: required (YYYY-MM-DD)");
  auto from = calendar::ParseDate(from_date);
  if (!from.ok()) return absl::InvalidArgumentError("from_date: expected YYYY-MM-DD");
  std::chrono::year_month_day to = today;
  if (!to_date.empty()) {
    auto parsed = calendar::ParseDate(to_date);
    if (!parsed.ok()) return absl::InvalidArgumentError("to_date: expected YYYY-MM-DD");
    to = *parsed;
  }
  if (std::chrono::sys_days(to) < std::chrono::sys_days(*from)) {
    return absl::InvalidArgumentError("to_date: before from_date");
  }
  // The first whole day still held: records are dropped by the millisecond,
  // so the day `retention` ago is only partly there.
  const std::chrono::year_month_day retained{std::chrono::sys_days(today) - retention + std::chrono::days(1)};
  const std::chrono::year_month_day start = std::max(std::chrono::sys_days(*from), std::chrono::sys_days(retained));
  const std::chrono::year_month_day after_end{std::chrono::sys_days(to) + std::chrono::days(1)};
  auto from_millis = calendar::StartOfFinnishDayMillis(start);
  auto to_millis = calendar::StartOfFinnishDayMillis(after_end);
  if (!from_millis || !to_millis) return absl::InternalError("the Europe/Helsinki time zone cannot be loaded");
  Period period;
  period.from_millis = *from_millis;
  period.to_millis = std::max(*to_millis, *from_millis);
  period.retained_from = calendar::FormatDate(retained);
  return period;
}

absl::StatusOr<int64_t> ParsePageToken(std::string_view token) {
  if (token.empty()) return 0;
  int64_t offset = -1;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), offset);
  if (ec != std::errc() || end != token.data() + token.size() || offset < 0) {
    return absl::InvalidArgumentError("page_token: not a token this service gave");
  }
  return offset;
}

std::string PageToken(int64_t offset) { return std::to_string(offset); }

void NarrowToClient(audit::v1::ClientDataAccessed& record, const std::string& client) {
  record.clear_client_pseudonyms();
  record.add_client_pseudonyms(client);
}

}  // namespace yhteys::auditindex
