// yhteys-bench-assessments: load driver for home-care's RecordAssessment.
//
//   throughput mode: N closed-loop workers call RecordAssessment for
//   --duration-s seconds (after --warmup-s) and report requests/s and
//   p50/p99/max latency. Run it against home-care and against
//   yhteys-bench-echo (the gRPC ceiling) and compare.
//
//   referral mode: records --referrals assessments with DRS >= 3, one new
//   client each, and measures, per client, the time from the RPC returning
//   to the router's ReferralStateChanged(OFFERED) (its changed_at), read from
//   yhteys.referrals.events.v1. --rate paces the writes (assessments per
//   second in all); without it they come as fast as the callers can send,
//   and the figure includes the queue that burst builds up.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fill_unset.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"

namespace {

using namespace yhteys;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode = "throughput";
  std::string target = "127.0.0.1:50052";
  int concurrency = 16;
  int duration_s = 10;
  int warmup_s = 2;
  int clients = 64;
  int referrals = 1000;
  double rate = 0;  // referrals mode: assessments per second in all; 0 = unpaced
  int client_offset = 0;
  std::string bootstrap_file = "run/kafka.bootstrap";
  std::string label = "home-care";
};

std::string Today() { return calendar::FormatDate(calendar::TodayInFinland()); }

homecare::v1::RecordAssessmentRequest Assessment(const std::string& client, const std::string& key, bool depressed) {
  homecare::v1::RecordAssessmentRequest req;
  req.set_idempotency_key(key);
  req.set_client_id(client);
  req.set_assessed_on(Today());
  auto* m = req.mutable_items()->mutable_mood();
  int a = depressed ? 3 : 0;
  m->set_negative_statements(a);
  m->set_persistent_anger(depressed ? 1 : 0);
  m->set_unrealistic_fears(depressed ? 2 : 0);
  m->set_repetitive_health_complaints(0);
  m->set_repetitive_anxious_complaints(0);
  m->set_sad_pained_facial_expressions(0);
  m->set_crying_tearfulness(0);
  proto::FillUnset(*req.mutable_items());  // the rest of the form: no problems
  return req;
}

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& target, int n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < n; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("yhteys.bench.channel", i);  // distinct args: distinct connections
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

std::vector<std::string> RegisterClients(homecare::v1::HomeCare::Stub& stub, int first, int count) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) {
    homecare::v1::RegisterClientRequest req;
    req.set_idempotency_key("bench-register-" + std::to_string(i));
    req.set_identity_code(hetu::SyntheticIdentityCode(i));
    req.set_municipality_code("398");
    req.set_language(common::v1::LANGUAGE_FI);
    req.set_unit_id("hc-bench");
    homecare::v1::RegisterClientResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Status st = stub.RegisterClient(&ctx, req, &resp);
    if (!st.ok()) {
      std::fprintf(stderr, "register failed: %s\n", st.error_message().c_str());
      std::exit(1);
    }
    ids.push_back(resp.client_id());
  }
  return ids;
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

int Throughput(const Options& o) {
  auto channels = Channels(o.target, 4);
  std::vector<std::string> clients;
  if (o.label != "echo") {
    auto stub = homecare::v1::HomeCare::NewStub(channels[0]);
    clients = RegisterClients(*stub, o.client_offset, o.clients);
  } else {
    clients.assign(o.clients, std::string(64, 'e'));
  }
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(o.concurrency);
  std::vector<std::thread> workers;
  std::string run_id = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int w = 0; w < o.concurrency; ++w) {
    workers.emplace_back([&, w] {
      auto stub = homecare::v1::HomeCare::NewStub(channels[w % channels.size()]);
      long n = 0;
      while (!stop.load()) {
        auto req = Assessment(clients[(w + n * o.concurrency) % clients.size()],
                              "bench-" + run_id + "-" + std::to_string(w) + "-" + std::to_string(n), false);
        ++n;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        homecare::v1::RecordAssessmentResponse resp;
        auto start = Clock::now();
        grpc::Status st = stub->RecordAssessment(&ctx, req, &resp);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!measuring.load()) continue;
        if (st.ok())
          latencies[w].push_back(ms);
        else
          errors.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.warmup_s));
  measuring.store(true);
  auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(o.duration_s));
  measuring.store(false);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  stop.store(true);
  for (auto& t : workers) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf("%-10s concurrency=%d requests=%zu errors=%ld rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
              o.label.c_str(), o.concurrency, all.size(), errors.load(), static_cast<double>(all.size()) / seconds,
              Percentile(all, 0.50), Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
  return errors.load() == 0 ? 0 : 1;
}

int Referrals(const Options& o) {
  auto channels = Channels(o.target, 1);
  auto stub = homecare::v1::HomeCare::NewStub(channels[0]);
  auto clients = RegisterClients(*stub, o.client_offset, o.referrals);
  std::map<std::string, std::chrono::system_clock::time_point> returned;
  std::mutex mutex;
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  std::string run_id = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  auto t0 = Clock::now();
  auto run_start = std::chrono::system_clock::now();
  for (int w = 0; w < o.concurrency; ++w) {
    workers.emplace_back([&] {
      auto s = homecare::v1::HomeCare::NewStub(channels[0]);
      for (int i = next.fetch_add(1); i < o.referrals; i = next.fetch_add(1)) {
        if (o.rate > 0)
          std::this_thread::sleep_until(
              t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / o.rate)));
        auto req = Assessment(clients[i], "bench-ref-" + run_id + "-" + std::to_string(i), true);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        homecare::v1::RecordAssessmentResponse resp;
        if (!s->RecordAssessment(&ctx, req, &resp).ok()) continue;
        auto now = std::chrono::system_clock::now();
        std::lock_guard lock(mutex);
        returned[clients[i]] = now;
      }
    });
  }
  for (auto& t : workers) t.join();
  double write_s = std::chrono::duration<double>(Clock::now() - t0).count();

  std::string bootstrap;
  std::ifstream(o.bootstrap_file) >> bootstrap;
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("bench-" + run_id).c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  // Every partition from the beginning, assigned directly (no group).
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, "yhteys.referrals.events.v1", nullptr);
  if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1) {
    std::fprintf(stderr, "cannot read the metadata of yhteys.referrals.events.v1\n");
    return 1;
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
  for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
    rd_kafka_topic_partition_list_add(assignment, "yhteys.referrals.events.v1", md->topics[0].partitions[p].id)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::map<std::string, double> offered_ms;
  auto deadline = Clock::now() + std::chrono::seconds(120);
  while (offered_ms.size() < returned.size() && Clock::now() < deadline) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 200);
    if (msg == nullptr) continue;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      referral::v1::ReferralStateChanged change;
      if (change.ParseFromArray(msg->payload, static_cast<int>(msg->len)) &&
          change.state() == referral::v1::REFERRAL_STATE_OFFERED) {
        auto it = returned.find(change.client_pseudonym());
        auto offered = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(
                google::protobuf::util::TimeUtil::TimestampToNanoseconds(change.changed_at()))));
        // Referrals of earlier runs for the same synthetic clients are skipped.
        if (it != returned.end() && offered >= run_start && !offered_ms.count(it->first)) {
          offered_ms[it->first] = std::chrono::duration<double, std::milli>(offered - it->second).count();
        }
      }
    }
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (std::getenv("YHTEYS_BENCH_DEBUG") != nullptr) {
    for (const auto& [client, t] : returned) {
      if (!offered_ms.count(client)) std::fprintf(stderr, "not offered: %s\n", client.c_str());
    }
  }
  std::vector<double> all;
  for (auto& [k, v] : offered_ms) all.push_back(v);
  std::sort(all.begin(), all.end());
  std::printf("referrals  assessments=%zu offered=%zu write_rps=%.0f return_to_offered_ms p50=%.1f p99=%.1f max=%.1f\n",
              returned.size(), all.size(), static_cast<double>(returned.size()) / write_s, Percentile(all, 0.50),
              Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
  return all.size() == returned.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode")
      o.mode = v;
    else if (k == "--target")
      o.target = v;
    else if (k == "--concurrency")
      o.concurrency = std::atoi(v.c_str());
    else if (k == "--duration-s")
      o.duration_s = std::atoi(v.c_str());
    else if (k == "--warmup-s")
      o.warmup_s = std::atoi(v.c_str());
    else if (k == "--clients")
      o.clients = std::atoi(v.c_str());
    else if (k == "--client-offset")
      o.client_offset = std::atoi(v.c_str());
    else if (k == "--referrals")
      o.referrals = std::atoi(v.c_str());
    else if (k == "--rate")
      o.rate = std::atof(v.c_str());
    else if (k == "--bootstrap-file")
      o.bootstrap_file = v;
    else if (k == "--label")
      o.label = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  return o.mode == "referrals" ? Referrals(o) : Throughput(o);
}
