#pragma once
// The audit index's pure parts: what a record on yhteys.audit.v1 adds to the
// index, the period a question covers, and the page token. No Redis, no
// gRPC, no clock calls.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/audit/v1/audit_events.pb.h"
#include "yhteys/kafka/consumer.hpp"
#include "yhteys/kafka/topics.hpp"

namespace yhteys::auditindex {

inline constexpr const char* kAuditTopic = kafka::topics::kAudit;
inline constexpr char kRecordType[] = "yhteys.audit.v1.ClientDataAccessed";

// One audit record as the index keeps it: under each client it names.
struct IndexEntry {
  std::string event_id;              // ce_id: the same record twice is indexed once
  int64_t at_millis = 0;             // when the data was processed (the record's `at`)
  std::vector<std::string> clients;  // pseudonyms, checked, without duplicates
  std::string payload;               // the serialized ClientDataAccessed
};

// The entry for a consumed record. An error's message is a short error class
// for the dead-letter topic ("unknown-type", "undecodable-payload",
// "no-time"), never data from the record. A record that names no client
// gives an entry with no clients (nothing to index).
absl::StatusOr<IndexEntry> EntryFromRecord(const kafka::ConsumedRecord& record);

// The instants a question covers: [from_millis, to_millis) from the start of
// `from_date` to the end of `to_date` (Finnish days, inclusive), starting no
// earlier than the retention allows. INVALID_ARGUMENT naming the field for a
// date that is not YYYY-MM-DD, a missing from_date, or to_date before
// from_date; to_date defaults to `today`.
struct Period {
  int64_t from_millis = 0;
  int64_t to_millis = 0;
  std::string retained_from;  // YYYY-MM-DD: today - retention
};
absl::StatusOr<Period> PeriodFor(std::string_view from_date, std::string_view to_date,
                                 std::chrono::year_month_day today, std::chrono::days retention);

// Pages are positions in the client's time-ordered entries.
absl::StatusOr<int64_t> ParsePageToken(std::string_view token);  // "" -> 0
std::string PageToken(int64_t offset);

// `record` narrowed to `client`: a call that touched several clients does not
// reveal the others to one client's question.
void NarrowToClient(audit::v1::ClientDataAccessed& record, const std::string& client);

}  // namespace yhteys::auditindex
