#pragma once
// Exact accounting for the fault suite. A writer drives home-care
// assessments with a Depression Rating Scale of 5, each of which must end as
// one referral (the router's homecare-drs-depression rule). Every write has
// its own idempotency key and a per-client sequence number; a failed call is
// retried with the same key until it is answered. Afterwards Account() counts
//   ok        writes answered OK (distinct keys)
//   stored    of those, assessments home care holds (ListAssessments)
//   events    of those, AssessmentRecorded events on the home-care topic
//   effects   of those, referrals the router holds for that event
// and the ways it can go wrong: stored/events/effects that no write was
// answered for, an assessment published as two distinct events, two
// referrals for one event, and per-client order inversions on each topic.
// The invariant is ok == stored == events == effects with every error count 0.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "clients.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys::e2e {

struct Accounting {
  int ok = 0;
  int stored = 0;
  int events = 0;
  int effects = 0;
  int stored_unanswered = 0;  // assessments no OK answer accounts for
  int events_unanswered = 0;
  int duplicate_events = 0;     // an assessment published under two ce_ids
  int duplicate_effects = 0;    // two referrals for one event
  int redeliveries = 0;         // the same record (same ce_id) more than once: absorbed
  int event_inversions = 0;     // a client's assessment events out of write order
  int referral_inversions = 0;  // a client's CREATED referrals out of write order

  auto Tie() const {
    return std::tie(ok, stored, events, effects, stored_unanswered, events_unanswered, duplicate_events,
                    duplicate_effects, redeliveries, event_inversions, referral_inversions);
  }
  bool operator==(const Accounting& o) const { return Tie() == o.Tie(); }

  bool Exact() const {
    return ok == stored && ok == events && ok == effects && stored_unanswered == 0 && events_unanswered == 0 &&
           duplicate_events == 0 && duplicate_effects == 0 && event_inversions == 0 && referral_inversions == 0;
  }
  void Print(const char* row) const {
    std::printf(
        "%s: writes OK %d, stored %d, events %d, effects %d; duplicates %d events / %d effects; "
        "inversions %d events / %d referrals; unanswered %d stored / %d events; %d redeliveries absorbed\n",
        row, ok, stored, events, effects, duplicate_events, duplicate_effects, event_inversions, referral_inversions,
        stored_unanswered, events_unanswered, redeliveries);
    std::fflush(stdout);
  }
};

class Ledger {
 public:
  Ledger(testing::YhteysSystem& system, std::string tag) : system_(system), tag_(std::move(tag)) {}

  // Registers `n` synthetic clients (identity codes first..first+n-1).
  bool RegisterClients(int first, int n) {
    auto stub = homecare::v1::HomeCare::NewStub(system_.Channel("home-care"));
    for (int i = 0; i < n; ++i) {
      homecare::v1::RegisterClientResponse resp;
      auto req = RegisterRequest(SyntheticIdentityCode(first + i), tag_ + "-register-" + std::to_string(i));
      if (!stub->RegisterClient(Ctx().get(), req, &resp).ok()) return false;
      clients_.push_back(resp.client_id());
    }
    return true;
  }

  // Writes `max_writes` more assessments (numbering goes on from the last
  // run) round robin over the clients, one every `pace`, or until `stop`. Each write is retried with its key until
  // answered (waiting for the service while it is down), or until
  // `give_up_after` from the first attempt, when it is counted unanswered.
  void Run(const std::atomic<bool>& stop, int max_writes, std::chrono::milliseconds pace,
           std::chrono::milliseconds give_up_after = std::chrono::seconds(60)) {
    auto stub = homecare::v1::HomeCare::NewStub(system_.Channel("home-care"));
    for (int n = 0; n < max_writes && !stop.load(); ++n) {
      int i = next_write_++;
      const std::string& client = clients_[i % clients_.size()];
      int seq = i / static_cast<int>(clients_.size());
      std::string key = tag_ + "-assess-" + std::to_string(i);
      auto req = AssessmentRequest(client, key, kDepressedMood);
      auto until = std::chrono::steady_clock::now() + give_up_after;
      bool answered = false;
      for (int attempt = 0; std::chrono::steady_clock::now() < until; ++attempt) {
        auto ctx = Ctx(std::chrono::seconds(3));
        if (attempt > 0) ctx->set_wait_for_ready(true);
        homecare::v1::RecordAssessmentResponse resp;
        grpc::Status st = stub->RecordAssessment(ctx.get(), req, &resp);
        attempts_.fetch_add(1);
        if (st.ok()) {
          std::lock_guard lock(mutex_);
          answers_[key] = {client, resp.assessment_id(), seq};
          answered = true;
          break;
        }
        std::lock_guard lock(mutex_);
        ++failures_[st.error_code()];
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!answered) unanswered_.fetch_add(1);
      written_.fetch_add(1);
      std::this_thread::sleep_for(pace);
    }
  }

  int answered() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(answers_.size());
  }
  int unanswered() const { return unanswered_.load(); }
  int written() const { return written_.load(); }
  std::map<grpc::StatusCode, int> failures() {
    std::lock_guard lock(mutex_);
    return failures_;
  }
  const std::vector<std::string>& clients() const { return clients_; }

  // Waits (bounded) until every answered write has its event and its
  // referral and two passes a second apart count the same (so that a late
  // duplicate is not missed), then returns the count.
  Accounting Account(std::chrono::milliseconds timeout = std::chrono::seconds(90)) {
    Accounting a, previous;
    bool have_previous = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
      a = CountOnce();
      bool complete = a.ok == a.events && a.ok == a.effects && a.ok == a.stored;
      if (complete && have_previous && a == previous) break;
      previous = a;
      have_previous = complete;
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    } while (std::chrono::steady_clock::now() < deadline);
    return a;
  }

 private:
  struct Answer {
    std::string client;
    std::string assessment_id;
    int seq;
  };

  Accounting CountOnce() {
    std::map<std::string, Answer> answers;
    {
      std::lock_guard lock(mutex_);
      answers = answers_;
    }
    Accounting a;
    a.ok = static_cast<int>(answers.size());
    std::map<std::string, const Answer*> by_assessment;
    for (const auto& [key, answer] : answers) by_assessment[answer.assessment_id] = &answer;

    // Stored.
    auto home_care = homecare::v1::HomeCare::NewStub(system_.Channel("home-care"));
    std::set<std::string> stored;
    for (const auto& client : clients_) {
      homecare::v1::ListAssessmentsRequest req;
      req.set_client_id(client);
      homecare::v1::ListAssessmentsResponse resp;
      if (!home_care->ListAssessments(Ctx().get(), req, &resp).ok()) continue;
      for (const auto& entry : resp.assessments()) stored.insert(entry.assessment().assessment_id());
    }
    for (const auto& id : stored) (by_assessment.count(id) ? a.stored : a.stored_unanswered)++;

    // Events on the home-care topic, in partition/offset order.
    auto records = testing::ReadAll(system_.Bootstrap(), {"yhteys.homecare.events.v1", "yhteys.referrals.events.v1"},
                                    static_cast<size_t>(-1), std::chrono::seconds(3));
    std::sort(records.begin(), records.end(), [](const auto& x, const auto& y) {
      return std::tie(x.topic, x.partition, x.offset) < std::tie(y.topic, y.partition, y.offset);
    });
    std::map<std::string, std::set<std::string>> ce_ids_of;  // assessment -> distinct ce_ids
    std::map<std::string, std::string> assessment_of_event;  // ce_id -> assessment
    std::set<std::string> seen_ce;
    std::map<std::string, int> last_seq;                              // client -> last seq seen (events)
    std::map<std::string, std::set<std::string>> referrals_of_event;  // ce_id -> referral ids (CREATED)
    std::map<std::string, int> last_referral_seq;
    for (const auto& r : records) {
      std::string ce_id = r.headers.count("ce_id") ? r.headers.at("ce_id") : "";
      std::string type = r.headers.count("ce_type") ? r.headers.at("ce_type") : "";
      bool first_copy = seen_ce.insert(r.topic + "|" + ce_id).second;
      if (!first_copy) {
        ++a.redeliveries;
        continue;
      }
      if (type == "yhteys.homecare.v1.AssessmentRecorded") {
        homecare::v1::AssessmentRecorded event;
        if (!event.ParseFromString(r.value) || event.assessment_id().empty()) continue;  // poison
        ce_ids_of[event.assessment_id()].insert(ce_id);
        assessment_of_event[ce_id] = event.assessment_id();
        auto it = by_assessment.find(event.assessment_id());
        if (it == by_assessment.end()) continue;
        auto [last, inserted] = last_seq.emplace(it->second->client, it->second->seq);
        if (!inserted) {
          if (it->second->seq < last->second) ++a.event_inversions;
          last->second = std::max(last->second, it->second->seq);
        }
      } else if (type == "yhteys.referral.v1.ReferralStateChanged") {
        referral::v1::ReferralStateChanged change;
        if (!change.ParseFromString(r.value) || change.state() != referral::v1::REFERRAL_STATE_CREATED) continue;
        referrals_of_event[change.source_event_id()].insert(change.referral_id());
        auto ev = assessment_of_event.find(change.source_event_id());
        if (ev == assessment_of_event.end()) continue;
        auto it = by_assessment.find(ev->second);
        if (it == by_assessment.end()) continue;
        auto [last, inserted] = last_referral_seq.emplace(it->second->client, it->second->seq);
        if (!inserted) {
          if (it->second->seq < last->second) ++a.referral_inversions;
          last->second = std::max(last->second, it->second->seq);
        }
      }
    }
    for (const auto& [assessment, ce_ids] : ce_ids_of) {
      if (!by_assessment.count(assessment)) {
        ++a.events_unanswered;
        continue;
      }
      ++a.events;
      if (ce_ids.size() > 1) a.duplicate_events += static_cast<int>(ce_ids.size()) - 1;
    }

    // Effects: the router's referrals for each answered assessment's event.
    auto router = router::v1::ReferralRouter::NewStub(system_.Channel("referral-router"));
    std::map<std::string, int> referrals_per_event;
    for (const auto& client : clients_) {
      for (const auto& ref : ClientReferrals(*router, client)) {
        if (ref.offer().rule_id() == "homecare-drs-depression") ++referrals_per_event[ref.offer().source_event_id()];
      }
    }
    for (const auto& [assessment, ce_ids] : ce_ids_of) {
      if (!by_assessment.count(assessment)) continue;
      int n = 0;
      for (const auto& ce : ce_ids) n += referrals_per_event[ce];
      if (n >= 1) ++a.effects;
      if (n > 1) a.duplicate_effects += n - 1;
    }
    for (const auto& [event, ids] : referrals_of_event) {
      if (ids.size() > 1) a.duplicate_effects += static_cast<int>(ids.size()) - 1;
    }
    return a;
  }

  testing::YhteysSystem& system_;
  std::string tag_;
  std::vector<std::string> clients_;
  std::mutex mutex_;
  std::map<std::string, Answer> answers_;
  std::map<grpc::StatusCode, int> failures_;
  std::atomic<int> attempts_{0};
  std::atomic<int> unanswered_{0};
  std::atomic<int> written_{0};
  int next_write_ = 0;  // the writer thread's
};

}  // namespace yhteys::e2e
