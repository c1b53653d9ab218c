// The audit index's pure parts: decoding records, the period a question
// covers, page tokens.
#include "audit_index.hpp"

#include <gtest/gtest.h>

#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"

namespace yhteys::auditindex {
namespace {

const std::string kAnna(64, 'a');
const std::string kBo(64, 'b');

std::chrono::year_month_day D(std::string_view text) { return *calendar::ParseDate(text); }

kafka::ConsumedRecord Record(const audit::v1::ClientDataAccessed& accessed, std::string id = "e-1") {
  kafka::ConsumedRecord r;
  r.topic = kAuditTopic;
  r.value = accessed.SerializeAsString();
  r.event.id = std::move(id);
  r.event.type = kRecordType;
  r.event.source = "/yhteys/home-care";
  r.event.time = "2026-11-20T10:00:00Z";
  return r;
}

TEST(EntryFromRecordTest, KeepsTheRecordUnderEachNamedClientOnce) {
  audit::v1::ClientDataAccessed accessed;
  accessed.set_actor("spiffe://test.fi/role/homecare-nurse/unit/hc-1");
  accessed.add_client_pseudonyms(kAnna);
  accessed.add_client_pseudonyms(kBo);
  accessed.add_client_pseudonyms(kAnna);
  accessed.add_client_pseudonyms("not-a-pseudonym");
  accessed.mutable_at()->set_seconds(1795168800);
  accessed.mutable_at()->set_nanos(250000000);
  auto entry = EntryFromRecord(Record(accessed));
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->event_id, "e-1");
  EXPECT_EQ(entry->at_millis, int64_t{1795168800250});
  EXPECT_EQ(entry->clients, (std::vector<std::string>{kAnna, kBo}));
  EXPECT_EQ(entry->payload, accessed.SerializeAsString());
}

TEST(EntryFromRecordTest, ARecordWithoutAtIsDatedByItsCloudEventsTime) {
  audit::v1::ClientDataAccessed accessed;
  accessed.add_client_pseudonyms(kAnna);
  auto entry = EntryFromRecord(Record(accessed));
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->at_millis, int64_t{1795168800000});  // 2026-11-20T10:00:00Z
}

TEST(EntryFromRecordTest, ARecordNamingNoClientHasNothingToIndex) {
  audit::v1::ClientDataAccessed accessed;
  accessed.set_denial_reason("role feedback-kiosk may not call ...");
  auto entry = EntryFromRecord(Record(accessed));
  ASSERT_TRUE(entry.ok());
  EXPECT_TRUE(entry->clients.empty());
}

TEST(EntryFromRecordTest, PoisonIsNamedByClassNeverByContent) {
  audit::v1::ClientDataAccessed accessed;
  accessed.add_client_pseudonyms(kAnna);
  auto other_type = Record(accessed);
  other_type.event.type = "yhteys.audit.v1.SomethingElse";
  EXPECT_EQ(EntryFromRecord(other_type).status().message(), "unknown-type");

  auto garbage = Record(accessed);
  garbage.value = std::string("\xff\xff\xff\xff", 4);
  EXPECT_EQ(EntryFromRecord(garbage).status().message(), "undecodable-payload");

  auto no_time = Record(accessed);
  no_time.event.time = "yesterday";
  EXPECT_EQ(EntryFromRecord(no_time).status().message(), "no-time");
}

TEST(PeriodForTest, CoversWholeFinnishDaysWithinTheRetention) {
  const auto today = D("2026-11-26");
  auto period = PeriodFor("2026-11-01", "2026-11-25", today, std::chrono::days(730));
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(period->from_millis, *calendar::StartOfFinnishDayMillis(D("2026-11-01")));
  EXPECT_EQ(period->to_millis, *calendar::StartOfFinnishDayMillis(D("2026-11-26")));
  EXPECT_EQ(period->retained_from, "2024-11-27");

  // to_date defaults to today, through its end.
  auto until_today = PeriodFor("2026-11-01", "", today, std::chrono::days(730));
  ASSERT_TRUE(until_today.ok());
  EXPECT_EQ(until_today->to_millis, *calendar::StartOfFinnishDayMillis(D("2026-11-27")));

  // A period reaching past the retention starts where the index still holds.
  auto long_ago = PeriodFor("2020-01-01", "2026-11-26", today, std::chrono::days(30));
  ASSERT_TRUE(long_ago.ok());
  EXPECT_EQ(long_ago->from_millis, *calendar::StartOfFinnishDayMillis(D("2026-10-28")));
  EXPECT_EQ(long_ago->retained_from, "2026-10-28");

  // Wholly past the retention: an empty period.
  auto gone = PeriodFor("2020-01-01", "2020-12-31", today, std::chrono::days(30));
  ASSERT_TRUE(gone.ok());
  EXPECT_LE(gone->to_millis, gone->from_millis);
}

TEST(PeriodForTest, BadDatesNameTheirField) {
  const auto today = D("2026-11-26");
  const std::chrono::days retention(730);
  struct Case {
    const char* from;
    const char* to;
    const char* message;
  };
  for (const Case& c :
       {Case{"", "", "from_date: required (YYYY-MM-DD)"}, Case{"2026-13-01", "", "from_date: expected YYYY-MM-DD"},
        Case{"2026-11-01", "26.11.2026", "to_date: expected YYYY-MM-DD"},
        Case{"2026-11-20", "2026-11-19", "to_date: before from_date"}}) {
    auto period = PeriodFor(c.from, c.to, today, retention);
    EXPECT_EQ(period.status().code(), absl::StatusCode::kInvalidArgument) << c.from << " " << c.to;
    EXPECT_EQ(period.status().message(), c.message);
  }
}

TEST(PageTokenTest, RoundTripsAndRefusesOthers) {
  EXPECT_EQ(*ParsePageToken(""), 0);
  EXPECT_EQ(*ParsePageToken(PageToken(200)), 200);
  for (const char* bad : {"-1", "12x", "x", " 5", "99999999999999999999"}) {
    auto parsed = ParsePageToken(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(parsed.status().message(), "page_token: not a token this service gave");
  }
}

TEST(NarrowToClientTest, AnAnswerNamesOnlyItsOwnClient) {
  audit::v1::ClientDataAccessed accessed;
  accessed.add_client_pseudonyms(kAnna);
  accessed.add_client_pseudonyms(kBo);
  NarrowToClient(accessed, kBo);
  ASSERT_EQ(accessed.client_pseudonyms_size(), 1);
  EXPECT_EQ(accessed.client_pseudonyms(0), kBo);
}

}  // namespace
}  // namespace yhteys::auditindex
