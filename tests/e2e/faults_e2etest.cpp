// Fault injection over real processes: services killed with SIGKILL or
// stopped with SIGTERM, Redis killed and restarted, a referral target down.
// After each fault the invariants are checked through the gRPC APIs and by
// reading the topics with a plain Kafka consumer: no loss (I1), no duplicate effect (I2), clear
// errors (I3) and no identity code in logs or metrics (I4).
//
// Every test starts its own system. Waiting is always WaitFor with a bound;
// the only sleeps pace a background writer.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clients.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/health_client.hpp"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using testing::MetricSum;
using testing::WaitFor;

constexpr char kHomeCareTopic[] = "yhteys.homecare.events.v1";
constexpr char kReferralsTopic[] = "yhteys.referrals.events.v1";
constexpr char kAssessmentRecorded[] = "yhteys.homecare.v1.AssessmentRecorded";
constexpr char kStateChanged[] = "yhteys.referral.v1.ReferralStateChanged";
using e2e::kDepressedMood;

// True when some sample line of `name` contains every one of `labels`.
bool HasSample(const std::string& text, const std::string& name, const std::vector<std::string>& labels = {}) {
  return !testing::MetricSamples(text, name, labels).empty();
}

// The identity code without its century separator ("150342957T" -> "150342957").
std::string CodeDigits(const std::string& code) { return code.substr(0, 6) + code.substr(7, 3); }

std::string Header(const testing::ReadRecord& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { system_ = std::make_unique<testing::YhteysSystem>(); }
  void TearDown() override { system_.reset(); }

  testing::YhteysSystem& System() { return *system_; }

  homecare::v1::HomeCare::Stub& HomeCare() {
    if (!home_care_) home_care_ = homecare::v1::HomeCare::NewStub(system_->Channel("home-care"));
    return *home_care_;
  }
  referral::v1::ReferralInbox::Stub& Intake() {
    if (!intake_) intake_ = referral::v1::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
    return *intake_;
  }
  router::v1::ReferralRouter::Stub& Router() {
    if (!router_) router_ = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
    return *router_;
  }

  // Registers synthetic clients first..first+n-1; returns their client ids.
  std::vector<std::string> RegisterClients(int first, int n, const std::string& key_prefix) {
    std::vector<std::string> clients;
    for (int i = 0; i < n; ++i) {
      homecare::v1::RegisterClientResponse resp;
      auto req = e2e::RegisterRequest(e2e::SyntheticIdentityCode(first + i), key_prefix + std::to_string(i));
      grpc::Status st = HomeCare().RegisterClient(Ctx().get(), req, &resp);
      EXPECT_TRUE(st.ok()) << i << ": " << st.error_message();
      EXPECT_EQ(resp.client_id().size(), 64u);
      clients.push_back(resp.client_id());
    }
    return clients;
  }

  std::vector<router::v1::Referral> ClientReferrals(const std::string& client) {
    return e2e::ClientReferrals(Router(), client);
  }

  // Reads everything on `topics` (a plain consumer, from the beginning,
  // until the read stays quiet for `read_for`) until `done(records)` holds
  // or `timeout` passed; returns the last read.
  std::vector<testing::ReadRecord> ReadTopicsUntil(
      const std::vector<std::string>& topics, const std::function<bool(const std::vector<testing::ReadRecord>&)>& done,
      std::chrono::milliseconds timeout, std::chrono::milliseconds read_for = 3s) {
    std::vector<testing::ReadRecord> records;
    WaitFor(
        [&] {
          records = testing::ReadAll(system_->Bootstrap(), topics, static_cast<size_t>(-1), read_for);
          return done(records);
        },
        timeout);
    return records;
  }

  std::unique_ptr<testing::YhteysSystem> system_;
  std::unique_ptr<homecare::v1::HomeCare::Stub> home_care_;
  std::unique_ptr<referral::v1::ReferralInbox::Stub> intake_;
  std::unique_ptr<router::v1::ReferralRouter::Stub> router_;
};

// The CREATED and OFFERED records on the referrals topic, by referral id.
struct ReferralTopicView {
  std::map<std::string, std::set<std::string>> created_ids_by_client;  // client -> referral ids
  std::map<std::string, std::set<std::string>> created_ce_ids;         // referral -> ce_ids of CREATED
  std::map<std::string, std::set<std::string>> offered_ce_ids;         // referral -> ce_ids of OFFERED
  int undecodable = 0;
};

ReferralTopicView ViewReferrals(const std::vector<testing::ReadRecord>& records) {
  ReferralTopicView view;
  for (const auto& r : records) {
    if (r.topic != kReferralsTopic || Header(r, "ce_type") != kStateChanged) continue;
    referral::v1::ReferralStateChanged change;
    if (!change.ParseFromString(r.value)) {
      ++view.undecodable;
      continue;
    }
    if (change.state() == referral::v1::REFERRAL_STATE_CREATED) {
      view.created_ids_by_client[change.client_pseudonym()].insert(change.referral_id());
      view.created_ce_ids[change.referral_id()].insert(Header(r, "ce_id"));
    } else if (change.state() == referral::v1::REFERRAL_STATE_OFFERED) {
      view.offered_ce_ids[change.referral_id()].insert(Header(r, "ce_id"));
    }
  }
  return view;
}

// R8: the router is killed with SIGKILL while it consumes a stream of
// assessments; after its restart every event is redelivered or resumed, and
// every client has exactly one referral, offered once.
TEST_F(FaultsTest, RouterKilledMidStreamNoLossNoDuplicate) {
  constexpr int kClients = 40;
  std::vector<std::string> clients = RegisterClients(100, kClients, "r8-register-");
  ASSERT_EQ(clients.size(), static_cast<size_t>(kClients));
  const int router_metrics = System().MetricsPort("referral-router");

  // The writer: one depressed-mood assessment per client, paced so that the
  // router is still consuming when it is killed.
  // The last quarter is written only after the kill (bounded wait), so that
  // writes land on both sides of it whatever the router's pace.
  std::atomic<int> recorded{0};
  std::atomic<int> failed_calls{0};
  std::atomic<bool> killed{false};
  std::thread writer([&] {
    auto stub = homecare::v1::HomeCare::NewStub(System().Channel("home-care"));
    auto deadline = std::chrono::steady_clock::now() + 90s;
    for (int i = 0; i < kClients; ++i) {
      if (i == kClients * 3 / 4) WaitFor([&] { return killed.load(); }, 45s);
      auto req = e2e::AssessmentRequest(clients[i], "r8-assess-" + std::to_string(i), kDepressedMood);
      for (int attempt = 0; attempt < 50 && std::chrono::steady_clock::now() < deadline; ++attempt) {
        homecare::v1::RecordAssessmentResponse resp;
        if (stub->RecordAssessment(Ctx().get(), req, &resp).ok()) {
          recorded.fetch_add(1);
          break;
        }
        failed_calls.fetch_add(1);
      }
      std::this_thread::sleep_for(100ms);  // pacing, not waiting
    }
  });

  // Kill the router once it has created some referrals and the writer is
  // still writing.
  bool mid_stream = WaitFor(
      [&] {
        return recorded.load() >= kClients / 4 &&
               MetricSum(testing::ScrapeMetrics(router_metrics), "yhteys_referrals_total", {"state=\"CREATED\""}) >= 3;
      },
      40s);
  int created_before_kill = static_cast<int>(
      MetricSum(testing::ScrapeMetrics(router_metrics), "yhteys_referrals_total", {"state=\"CREATED\""}));
  System().Signal("referral-router", SIGKILL);
  int status = System().WaitExit("referral-router", 10s);
  int recorded_at_kill = recorded.load();
  killed.store(true);
  writer.join();
  ASSERT_TRUE(mid_stream) << "the router did not start creating referrals while the writer ran";
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_EQ(recorded.load(), kClients) << failed_calls.load() << " failed calls";
  EXPECT_LT(recorded_at_kill, kClients) << "the kill came after the last write";
  std::printf("router killed after %d CREATED, %d of %d assessments recorded\n", created_before_kill, recorded_at_kill,
              kClients);

  System().Start("referral-router");
  ASSERT_TRUE(System().WaitServing("referral-router", 30s));

  // Every client's referral reaches OFFERED. A client, once OFFERED, stays
  // so (nobody accepts here): only the first pending client is asked.
  size_t next = 0;
  bool all_offered = WaitFor(
      [&] {
        while (next < clients.size()) {
          auto refs = ClientReferrals(clients[next]);
          if (refs.size() != 1 || refs[0].state() != referral::v1::REFERRAL_STATE_OFFERED) return false;
          ++next;
        }
        return true;
      },
      120s);
  ASSERT_TRUE(all_offered) << next << " of " << kClients << " clients offered";

  // Exactly one referral per client, offered and in the intake's inbox.
  std::map<std::string, std::string> referral_of;  // client -> referral id
  for (const auto& client : clients) {
    auto refs = ClientReferrals(client);
    ASSERT_EQ(refs.size(), 1u) << client;
    EXPECT_EQ(refs[0].state(), referral::v1::REFERRAL_STATE_OFFERED);
    EXPECT_EQ(refs[0].offer().client_pseudonym(), client);
    EXPECT_EQ(refs[0].offer().rule_id(), "homecare-drs-depression");
    EXPECT_GE(refs[0].offer_attempts(), 1);
    referral_of[client] = refs[0].offer().referral_id();
    referral::v1::GetInboxEntryRequest get;
    get.set_referral_id(refs[0].offer().referral_id());
    referral::v1::InboxEntry entry;
    grpc::Status st = Intake().GetInboxEntry(Ctx().get(), get, &entry);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(entry.state(), referral::v1::INBOX_STATE_OFFERED);
    EXPECT_EQ(entry.offer().client_pseudonym(), client);
  }

  // The referrals topic: one CREATED referral id per client. A record may be
  // sent twice (same ce_id); a second CREATED with its own ce_id would be a
  // duplicate effect. Read until every OFFERED event was relayed.
  auto records = ReadTopicsUntil(
      {kReferralsTopic},
      [&](const std::vector<testing::ReadRecord>& rs) {
        auto view = ViewReferrals(rs);
        for (const auto& [client, id] : referral_of) {
          if (!view.offered_ce_ids.count(id) || !view.created_ce_ids.count(id)) return false;
        }
        return true;
      },
      60s);
  auto view = ViewReferrals(records);
  EXPECT_EQ(view.undecodable, 0);
  EXPECT_EQ(view.created_ids_by_client.size(), static_cast<size_t>(kClients));
  for (const auto& [client, id] : referral_of) {
    ASSERT_TRUE(view.created_ids_by_client.count(client)) << client;
    EXPECT_EQ(view.created_ids_by_client[client], std::set<std::string>{id}) << client;
    EXPECT_EQ(view.created_ce_ids[id].size(), 1u) << "CREATED of " << id << " published as distinct events";
    EXPECT_EQ(view.offered_ce_ids[id].size(), 1u) << "OFFERED of " << id << " published as distinct events";
  }
}

// R11: home care is killed with SIGKILL under a write load; the writer
// retries each failed call with the same idempotency key until it is
// answered. Every key has one answer, one event and one referral.
TEST_F(FaultsTest, HomeCareKilledUnderLoadRetriesGetSameAnswer) {
  constexpr int kClients = 36;
  std::vector<std::string> clients = RegisterClients(200, kClients, "r11-register-");
  ASSERT_EQ(clients.size(), static_cast<size_t>(kClients));

  std::mutex mutex;
  std::map<int, std::vector<std::string>> answers;  // key index -> assessment ids answered OK
  std::map<grpc::StatusCode, int> failures;
  std::atomic<int> recorded{0};
  std::atomic<int> failed_calls{0};
  std::atomic<bool> killed{false};
  std::thread writer([&] {
    auto stub = homecare::v1::HomeCare::NewStub(System().Channel("home-care"));
    auto deadline = std::chrono::steady_clock::now() + 90s;
    for (int i = 0; i < kClients; ++i) {
      // The last third is written only after the kill (bounded wait).
      if (i == kClients * 2 / 3) WaitFor([&] { return killed.load(); }, 45s);
      auto req = e2e::AssessmentRequest(clients[i], "r11-assess-" + std::to_string(i), kDepressedMood);
      for (int attempt = 0; attempt < 200 && std::chrono::steady_clock::now() < deadline; ++attempt) {
        auto ctx = Ctx(3s);
        // While home care is down, wait for it (bounded by the deadline)
        // instead of failing fast.
        if (attempt > 0) ctx->set_wait_for_ready(true);
        homecare::v1::RecordAssessmentResponse resp;
        grpc::Status st = stub->RecordAssessment(ctx.get(), req, &resp);
        if (st.ok()) {
          std::lock_guard lock(mutex);
          answers[i].push_back(resp.assessment_id());
          recorded.fetch_add(1);
          break;
        }
        failed_calls.fetch_add(1);
        std::lock_guard lock(mutex);
        ++failures[st.error_code()];
      }
      std::this_thread::sleep_for(20ms);  // pacing, not waiting
    }
  });

  bool mid_way = WaitFor([&] { return recorded.load() >= kClients / 3; }, 30s);
  System().Signal("home-care", SIGKILL);
  int status = System().WaitExit("home-care", 10s);
  int recorded_at_kill = recorded.load();
  killed.store(true);
  // Let the writer see the outage before home care comes back.
  bool saw_failure = WaitFor([&] { return failed_calls.load() >= 1; }, 15s);
  System().Start("home-care");
  bool serving = System().WaitServing("home-care", 30s);
  writer.join();
  ASSERT_TRUE(mid_way);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_TRUE(saw_failure) << "the writer never saw home care down";
  ASSERT_TRUE(serving);
  EXPECT_LT(recorded_at_kill, kClients) << "the kill came after the last write";
  for (const auto& [code, n] : failures) {
    // A call in flight or sent while the process is gone: the transport
    // fails, or the wait for a connection runs out.
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << "code " << code << " x" << n;
  }
  ASSERT_EQ(recorded.load(), kClients) << failed_calls.load() << " failed calls";
  std::printf("home care killed after %d of %d assessments; %d failed calls retried\n", recorded_at_kill, kClients,
              failed_calls.load());

  // A retry of every key now (after the restart) replays the first answer.
  for (int i = 0; i < kClients; ++i) {
    auto req = e2e::AssessmentRequest(clients[i], "r11-assess-" + std::to_string(i), kDepressedMood);
    homecare::v1::RecordAssessmentResponse resp;
    grpc::Status st = HomeCare().RecordAssessment(Ctx().get(), req, &resp);
    ASSERT_TRUE(st.ok()) << i << ": " << st.error_message();
    answers[i].push_back(resp.assessment_id());
  }
  std::set<std::string> answered_ids;
  for (int i = 0; i < kClients; ++i) {
    ASSERT_GE(answers[i].size(), 2u) << i;
    for (const auto& id : answers[i]) EXPECT_EQ(id, answers[i].front()) << "key " << i;
    EXPECT_FALSE(answers[i].front().empty());
    answered_ids.insert(answers[i].front());
  }
  ASSERT_EQ(answered_ids.size(), static_cast<size_t>(kClients));

  // Each client's referral exists exactly once.
  size_t next = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        while (next < clients.size()) {
          if (ClientReferrals(clients[next]).size() != 1) return false;
          ++next;
        }
        return true;
      },
      60s))
      << next << " of " << kClients << " clients have their referral";
  for (const auto& client : clients) EXPECT_EQ(ClientReferrals(client).size(), 1u) << client;

  // The outbox drained after the restart: every answered assessment is on
  // the topic, and no other assessment is.
  auto assessment_ids = [](const std::vector<testing::ReadRecord>& rs) {
    std::set<std::string> ids;
    for (const auto& r : rs) {
      if (Header(r, "ce_type") != kAssessmentRecorded) continue;
      homecare::v1::AssessmentRecorded event;
      if (event.ParseFromString(r.value)) ids.insert(event.assessment_id());
    }
    return ids;
  };
  auto records = ReadTopicsUntil(
      {kHomeCareTopic, kReferralsTopic},
      [&](const std::vector<testing::ReadRecord>& rs) { return assessment_ids(rs).size() >= answered_ids.size(); },
      60s);
  EXPECT_EQ(assessment_ids(records), answered_ids);
  auto view = ViewReferrals(records);
  for (const auto& client : clients) {
    EXPECT_EQ(view.created_ids_by_client[client].size(), 1u) << client;
  }
  for (const auto& [id, ce_ids] : view.created_ce_ids) EXPECT_EQ(ce_ids.size(), 1u) << id;
}

// R1/R2 (light): Redis killed and restarted on the same directory. Home care
// stays up but NOT_SERVING, fails calls fast with UNAVAILABLE, and recovers
// without a restart; a retry with the same key is answered once.
TEST_F(FaultsTest, RedisDownThenBack) {
  std::vector<std::string> clients = RegisterClients(300, 1, "redis-register-");
  ASSERT_EQ(clients.size(), 1u);
  const std::string& client = clients[0];
  const std::string code = e2e::SyntheticIdentityCode(300);

  // A write answered OK before the fault.
  auto before = e2e::AssessmentRequest(client, "redis-assess-before", {0, 0, 0, 0, 0, 0, 0});
  homecare::v1::RecordAssessmentResponse before_answer;
  ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), before, &before_answer).ok());

  System().redis().Kill();

  auto channel = System().Channel("home-care");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto serving = server::CheckHealth(channel, 500ms);
        return serving.ok() && !*serving;
      },
      15s))
      << "home care did not report NOT_SERVING with Redis down";
  EXPECT_EQ(System().WaitExit("home-care", 20ms), -1) << "home care exited with Redis down";

  auto req = e2e::AssessmentRequest(client, "redis-assess-1", kDepressedMood);
  for (int i = 0; i < 3; ++i) {
    homecare::v1::RecordAssessmentResponse resp;
    auto start = std::chrono::steady_clock::now();
    grpc::Status st = HomeCare().RecordAssessment(Ctx(5s).get(), req, &resp);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
    EXPECT_LT(elapsed, 5s);
    EXPECT_FALSE(st.error_message().empty());
    EXPECT_EQ(st.error_message().find(code), std::string::npos);
    EXPECT_EQ(st.error_message().find(client), std::string::npos);
  }
  EXPECT_EQ(System().WaitExit("home-care", 20ms), -1);

  ASSERT_TRUE(System().redis().Start());
  ASSERT_TRUE(System().WaitServing("home-care", 20s)) << "home care did not recover after Redis came back";

  // The same request with the same key succeeds, and a retry is answered
  // the same.
  homecare::v1::RecordAssessmentResponse first;
  grpc::Status st = HomeCare().RecordAssessment(Ctx().get(), req, &first);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(first.scales().drs(), 5);
  homecare::v1::RecordAssessmentResponse again;
  ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), req, &again).ok());
  EXPECT_EQ(again.assessment_id(), first.assessment_id());

  // The write answered before the fault survived it.
  homecare::v1::RecordAssessmentResponse before_again;
  ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), before, &before_again).ok());
  EXPECT_EQ(before_again.assessment_id(), before_answer.assessment_id());

  homecare::v1::GetClientRequest gc;
  gc.set_client_id(client);
  homecare::v1::Client c;
  ASSERT_TRUE(HomeCare().GetClient(Ctx().get(), gc, &c).ok());
  EXPECT_EQ(c.latest_assessment().assessment_id(), first.assessment_id());
}

// R13: the referral's target is down when the router offers it. The
// referral stays CREATED while the router retries with back-off, and is
// offered once the target is back.
TEST_F(FaultsTest, TargetDownReferralWaitsThenIsOffered) {
  System().Signal("mental-health-intake", SIGKILL);
  int status = System().WaitExit("mental-health-intake", 10s);
  ASSERT_NE(status, -1);

  std::vector<std::string> clients = RegisterClients(400, 1, "r13-register-");
  ASSERT_EQ(clients.size(), 1u);
  const std::string& client = clients[0];
  homecare::v1::RecordAssessmentResponse recorded;
  ASSERT_TRUE(
      HomeCare()
          .RecordAssessment(Ctx().get(), e2e::AssessmentRequest(client, "r13-assess-1", kDepressedMood), &recorded)
          .ok());

  std::string referral_id;
  router::v1::Referral waiting;
  ASSERT_TRUE(WaitFor(
      [&] {
        if (referral_id.empty()) {
          auto refs = ClientReferrals(client);
          if (refs.size() != 1) return false;
          referral_id = refs[0].offer().referral_id();
        }
        router::v1::GetReferralRequest get;
        get.set_referral_id(referral_id);
        if (!Router().GetReferral(Ctx().get(), get, &waiting).ok()) return false;
        return waiting.offer_attempts() >= 2;
      },
      45s))
      << "no referral with 2 failed offers (attempts " << waiting.offer_attempts() << ")";
  EXPECT_EQ(waiting.state(), referral::v1::REFERRAL_STATE_CREATED);
  EXPECT_EQ(waiting.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_FALSE(waiting.offer().statutory_deadline().due_date().empty());

  System().Start("mental-health-intake");
  ASSERT_TRUE(System().WaitServing("mental-health-intake", 30s));

  router::v1::Referral offered;
  ASSERT_TRUE(WaitFor(
      [&] {
        router::v1::GetReferralRequest get;
        get.set_referral_id(referral_id);
        return Router().GetReferral(Ctx().get(), get, &offered).ok() &&
               offered.state() == referral::v1::REFERRAL_STATE_OFFERED;
      },
      45s))
      << "state " << referral::v1::ReferralState_Name(offered.state());
  EXPECT_GT(offered.offer_attempts(), waiting.offer_attempts());
  // The deadline clock kept running from the creation, not the offer.
  EXPECT_EQ(offered.offer().statutory_deadline().due_date(), waiting.offer().statutory_deadline().due_date());

  referral::v1::GetInboxEntryRequest get;
  get.set_referral_id(referral_id);
  referral::v1::InboxEntry entry;
  grpc::Status st = Intake().GetInboxEntry(Ctx().get(), get, &entry);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(entry.state(), referral::v1::INBOX_STATE_OFFERED);
  EXPECT_EQ(entry.offer().client_pseudonym(), client);
  EXPECT_EQ(entry.offer().source_event_id(), offered.offer().source_event_id());
  EXPECT_EQ(ClientReferrals(client).size(), 1u);
}

// R12: SIGTERM drains home care and exits 0; what it answered OK was
// published before it exited.
TEST_F(FaultsTest, SigtermDrainsAndExitsZero) {
  std::vector<std::string> clients = RegisterClients(500, 3, "r12-register-");
  ASSERT_EQ(clients.size(), 3u);
  std::set<std::string> answered;
  for (int i = 0; i < 3; ++i) {
    homecare::v1::RecordAssessmentResponse resp;
    auto req = e2e::AssessmentRequest(clients[i], "r12-assess-" + std::to_string(i), {1, 0, 0, 0, 0, 0, 0});
    ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), req, &resp).ok());
    answered.insert(resp.assessment_id());
  }

  auto start = std::chrono::steady_clock::now();
  System().Signal("home-care", SIGTERM);
  int status = System().WaitExit("home-care", 20s);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_NE(status, -1) << "home care did not exit within 20 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::printf("home care exited %d ms after SIGTERM\n", static_cast<int>(took.count()));

  std::string log = System().ReadLog("home-care");
  EXPECT_NE(log.find("\"msg\":\"shutting down: health NOT_SERVING"), std::string::npos);
  EXPECT_NE(log.find("\"msg\":\"stopped\""), std::string::npos);
  auto shutting = log.find("\"msg\":\"shutting down: health NOT_SERVING");
  auto stopped = log.find("\"msg\":\"stopped\"");
  if (shutting != std::string::npos && stopped != std::string::npos) {
    EXPECT_LT(shutting, stopped);
  }

  // Nothing answered OK was left behind in the outbox.
  auto records = ReadTopicsUntil(
      {kHomeCareTopic},
      [&](const std::vector<testing::ReadRecord>& rs) {
        std::set<std::string> ids;
        for (const auto& r : rs) {
          homecare::v1::AssessmentRecorded event;
          if (Header(r, "ce_type") == kAssessmentRecorded && event.ParseFromString(r.value)) {
            ids.insert(event.assessment_id());
          }
        }
        return ids == answered;
      },
      20s);
  std::set<std::string> ids;
  for (const auto& r : records) {
    homecare::v1::AssessmentRecorded event;
    if (Header(r, "ce_type") == kAssessmentRecorded && event.ParseFromString(r.value))
      ids.insert(event.assessment_id());
  }
  EXPECT_EQ(ids, answered);
}

// I4 with metrics: home care counts RPCs by method, exposes its outbox
// backlog and dependency health, and no identity code used here appears in
// any service's /metrics or log.
TEST_F(FaultsTest, MetricsExposeRpcCountsWithoutIdentityCodes) {
  constexpr int kFirst = 600;
  constexpr int kClients = 3;
  std::vector<std::string> codes;
  for (int i = 0; i < kClients; ++i) codes.push_back(e2e::SyntheticIdentityCode(kFirst + i));
  std::vector<std::string> clients = RegisterClients(kFirst, kClients, "metrics-register-");
  ASSERT_EQ(clients.size(), static_cast<size_t>(kClients));

  // Registering again, and a code with a wrong check character (refused).
  homecare::v1::RegisterClientResponse again;
  ASSERT_TRUE(
      HomeCare().RegisterClient(Ctx().get(), e2e::RegisterRequest(codes[0], "metrics-register-again"), &again).ok());
  EXPECT_TRUE(again.already_registered());
  std::string bad = codes[1];
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  codes.push_back(bad);
  homecare::v1::RegisterClientResponse refused;
  grpc::Status st = HomeCare().RegisterClient(Ctx().get(), e2e::RegisterRequest(bad, "metrics-register-bad"), &refused);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  for (int i = 0; i < kClients; ++i) {
    homecare::v1::RecordAssessmentResponse resp;
    auto req = e2e::AssessmentRequest(clients[i], "metrics-assess-" + std::to_string(i),
                                      i == 0 ? kDepressedMood : std::vector<int>{0, 0, 1, 0, 0, 0, 0});
    ASSERT_TRUE(HomeCare().RecordAssessment(Ctx().get(), req, &resp).ok());
    homecare::v1::GetClientRequest gc;
    gc.set_client_id(clients[i]);
    homecare::v1::Client c;
    ASSERT_TRUE(HomeCare().GetClient(Ctx().get(), gc, &c).ok());
  }
  // The flow passes through the router to the intake: every service has
  // handled this traffic before its logs are read.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = ClientReferrals(clients[0]);
        return refs.size() == 1 && refs[0].state() == referral::v1::REFERRAL_STATE_OFFERED;
      },
      45s));

  std::string metrics;
  ASSERT_TRUE(WaitFor(
      [&] {
        metrics = testing::ScrapeMetrics(System().MetricsPort("home-care"));
        return MetricSum(metrics, "yhteys_rpc_requests_total",
                         {"method=\"HomeCare/RecordAssessment\"", "code=\"OK\""}) >= kClients;
      },
      10s))
      << metrics;
  EXPECT_TRUE(HasSample(metrics, "yhteys_rpc_requests_total",
                        {"method=\"HomeCare/RegisterClient\"", "code=\"INVALID_ARGUMENT\""}));
  EXPECT_TRUE(HasSample(metrics, "yhteys_outbox_backlog"));
  EXPECT_TRUE(HasSample(metrics, "yhteys_dependency_up", {"dependency=\"redis\""}));
  EXPECT_TRUE(HasSample(metrics, "yhteys_dependency_up", {"dependency=\"kafka\""}));
  EXPECT_EQ(MetricSum(metrics, "yhteys_dependency_up"), 2.0);

  for (const auto& name : testing::YhteysSystem::AllServices()) {
    std::string m = testing::ScrapeMetrics(System().MetricsPort(name));
    EXPECT_FALSE(m.empty()) << name;
    std::string log = System().ReadLog(name);
    EXPECT_FALSE(log.empty()) << name;
    for (const auto& code : codes) {
      for (const std::string& needle : {code, CodeDigits(code)}) {
        EXPECT_EQ(m.find(needle), std::string::npos) << name << " /metrics";
        EXPECT_EQ(log.find(needle), std::string::npos) << name << " log";
      }
    }
  }
}

}  // namespace
}  // namespace yhteys
