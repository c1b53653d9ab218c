// yhteys-bench-router: the referral router from a trigger event to OFFERED.
//
// Produces --events AssessmentRecorded events (DRS 5, aged 40, Lahti,
// Finnish; one new client pseudonym each) straight onto
// yhteys.homecare.events.v1 with the CloudEvents headers home care's relay
// writes, paced at --rate events/s, and reads yhteys.referrals.events.v1 for
// each client's ReferralStateChanged(OFFERED): the router consumed the
// event, chose the unit, wrote the referral and its event, offered it to
// the mental-health intake's ReferralInbox over gRPC and recorded OFFERED.
// Latency: the OFFERED record consumed here minus the trigger produced here
// (one clock). Throughput: referrals OFFERED per second over the run.
//
// --baseline measures the same produce -> consume hop without the router:
// the same events at the same rate onto a bench topic of their own, read
// back by the same consumer code. The ratio router/baseline is what the
// router adds to the broker's own hop.
#include <google/protobuf/util/time_util.h>
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

#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/homecare/v1/home_care_events.pb.h"
#include "yhteys/ids/ids.hpp"
#include "yhteys/kafka/cloud_event.hpp"
#include "yhteys/referral/v1/referral_events.pb.h"

namespace {

using namespace yhteys;
using Clock = std::chrono::steady_clock;

constexpr char kTrigger[] = "yhteys.homecare.events.v1";
constexpr char kReferrals[] = "yhteys.referrals.events.v1";
constexpr char kBaseline[] = "yhteys.bench.baseline.v1";

struct Options {
  int events = 2000;
  double rate = 500;
  bool baseline = false;
  std::string bootstrap_file = "run/kafka.bootstrap";
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

rd_kafka_t* Producer(const std::string& bootstrap) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "linger.ms", "1", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  return rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
}

// A consumer of every partition of `topic`, from its end (only this run's records).
rd_kafka_t* ConsumerAtEnd(const std::string& bootstrap, const char* topic) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("bench-router-" + ids::RandomHex(4)).c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "5", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic, nullptr);
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 &&
        md->topics[0].partition_cnt > 0) {
      break;
    }
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    md = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (md == nullptr) {
    std::fprintf(stderr, "no metadata for %s\n", topic);
    std::exit(1);
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
  for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic, md->topics[0].partitions[p].id)->offset = RD_KAFKA_OFFSET_END;
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  return rk;
}

int Run(const Options& o) {
  std::string bootstrap;
  std::ifstream(o.bootstrap_file) >> bootstrap;
  if (bootstrap.empty()) {
    std::fprintf(stderr, "no bootstrap address in %s (is the system up?)\n", o.bootstrap_file.c_str());
    return 1;
  }
  rd_kafka_t* producer = Producer(bootstrap);
  const char* produce_topic = o.baseline ? kBaseline : kTrigger;
  if (o.baseline) {
    // The mock cluster creates a topic on first use: one record makes it.
    rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(kBaseline), RD_KAFKA_V_VALUE(const_cast<char*>("warm"), 4),
                      RD_KAFKA_V_END);
    rd_kafka_flush(producer, 5000);
  }
  rd_kafka_t* consumer = ConsumerAtEnd(bootstrap, o.baseline ? kBaseline : kReferrals);
  // Let the consumer's assignment settle at the end before the first record.
  for (int i = 0; i < 10; ++i) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100)) rd_kafka_message_destroy(m);
  }

  const std::string run = ids::RandomHex(8);
  std::vector<std::string> clients(o.events);
  for (int i = 0; i < o.events; ++i) clients[i] = ids::Sha256Hex("bench-router-" + run + "-" + std::to_string(i));
  std::map<std::string, int> index_of;
  for (int i = 0; i < o.events; ++i) index_of[clients[i]] = i;
  std::vector<Clock::time_point> produced(o.events);
  std::vector<double> latency_ms(o.events, -1);
  std::atomic<bool> producing_done{false};

  std::thread reader([&] {
    int seen = 0;
    auto deadline = Clock::time_point::max();
    while (seen < o.events && Clock::now() < deadline) {
      if (producing_done.load() && deadline == Clock::time_point::max())
        deadline = Clock::now() + std::chrono::seconds(60);
      rd_kafka_message_t* msg = rd_kafka_consumer_poll(consumer, 50);
      if (msg == nullptr) continue;
      const auto now = Clock::now();
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string client;
        if (o.baseline) {
          if (msg->key != nullptr) client.assign(static_cast<const char*>(msg->key), msg->key_len);
        } else {
          rd_kafka_headers_t* headers = nullptr;
          rd_kafka_message_headers(msg, &headers);
          referral::v1::ReferralStateChanged change;
          if (kafka::HeaderValue(headers, "ce_type") == "yhteys.referral.v1.ReferralStateChanged" &&
              change.ParseFromArray(msg->payload, static_cast<int>(msg->len)) &&
              change.state() == referral::v1::REFERRAL_STATE_OFFERED) {
            client = change.client_pseudonym();
          }
        }
        auto it = index_of.find(client);
        if (it != index_of.end() && latency_ms[it->second] < 0) {
          latency_ms[it->second] = std::chrono::duration<double, std::milli>(now - produced[it->second]).count();
          ++seen;
        }
      }
      rd_kafka_message_destroy(msg);
    }
  });

  const std::string today = calendar::FormatDate(calendar::TodayInFinland());
  const auto t0 = Clock::now();
  for (int i = 0; i < o.events; ++i) {
    std::this_thread::sleep_until(
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / o.rate)));
    homecare::v1::AssessmentRecorded event;
    event.set_assessment_id(ids::NewUuid());
    event.set_client_pseudonym(clients[i]);
    event.set_assessed_on(today);
    event.mutable_scales()->set_drs(5);
    event.mutable_scales()->set_maple(1);
    event.set_municipality_code("398");
    event.set_language(common::v1::LANGUAGE_FI);
    event.set_age_years(40);
    event.set_unit_id("hc-lahti-1");
    const std::string payload = event.SerializeAsString();
    kafka::CloudEvent ce;
    ce.id = ids::NewUuid();
    ce.source = "/yhteys/home-care";
    ce.type = homecare::v1::AssessmentRecorded::descriptor()->full_name();
    ce.subject = clients[i];
    ce.time = ids::NowRfc3339();
    produced[i] = Clock::now();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer, RD_KAFKA_V_TOPIC(produce_topic), RD_KAFKA_V_KEY(clients[i].data(), clients[i].size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(kafka::ToHeaders(ce)), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err));
    rd_kafka_poll(producer, 0);
  }
  rd_kafka_flush(producer, 10000);
  const double produce_s = std::chrono::duration<double>(Clock::now() - t0).count();
  producing_done.store(true);
  reader.join();
  const double total_s = std::chrono::duration<double>(Clock::now() - t0).count();

  std::vector<double> done;
  for (double ms : latency_ms) {
    if (ms >= 0) done.push_back(ms);
  }
  std::sort(done.begin(), done.end());
  std::printf(
      "%s rate=%.0f/s events=%d produced_in=%.1fs reached=%zu throughput=%.0f/s latency_ms p50=%.1f p99=%.1f "
      "max=%.1f\n",
      o.baseline ? "baseline(produce->consume)" : "router(event->OFFERED)", o.rate, o.events, produce_s, done.size(),
      static_cast<double>(done.size()) / total_s, Percentile(done, 0.50), Percentile(done, 0.99),
      done.empty() ? 0.0 : done.back());
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  return static_cast<int>(done.size()) == o.events ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--events") {
      o.events = std::stoi(value);
    } else if (flag == "--rate") {
      o.rate = std::stod(value);
    } else if (flag == "--baseline") {
      o.baseline = value == "true";
    } else if (flag == "--bootstrap-file") {
      o.bootstrap_file = value;
    } else {
      std::fprintf(stderr,
                   "usage: yhteys-bench-router [--events N] [--rate R] [--baseline true|false] "
                   "[--bootstrap-file F]\n");
      return 2;
    }
  }
  if (o.events < 1 || o.rate <= 0) {
    std::fprintf(stderr, "--events and --rate must be positive\n");
    return 2;
  }
  return Run(o);
}
