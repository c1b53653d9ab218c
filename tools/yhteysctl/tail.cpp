// tail: every event of a Kafka topic from the beginning, one JSON line each:
// topic, partition, offset, the CloudEvents headers (type, time, id, source,
// subject) and the payload decoded by its ce_type.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "all_contracts.hpp"
#include "commands.hpp"
#include "output.hpp"
#include "yhteys/ids/ids.hpp"

namespace yhteysctl {
namespace {

struct TailFlags {
  std::string topic;
  std::string bootstrap;
  std::optional<std::string> bootstrap_file;
  long max = 0;
  int idle_exit_s = 0;
};

volatile sig_atomic_t g_stop = 0;

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

int Tail(const TailFlags& flags) {
  yhteys::proto::LinkAllContracts();
  std::string bootstrap = flags.bootstrap;
  if (bootstrap.empty() && flags.bootstrap_file) {
    std::ifstream in(*flags.bootstrap_file);
    std::getline(in, bootstrap);
  }
  if (bootstrap.empty()) Fail("tail: --bootstrap or --bootstrap-file is required");
  const std::string& topic = flags.topic;
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("yhteysctl-" + yhteys::ids::NewUuid()).c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) Fail(std::string("tail: ") + err);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
      md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Fail("tail: topic " + topic + " not found at " + bootstrap);
  }
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
  for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), md->topics[0].partitions[p].id)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  signal(SIGINT, [](int) { g_stop = 1; });
  signal(SIGTERM, [](int) { g_stop = 1; });
  long printed = 0;
  auto last_event = std::chrono::steady_clock::now();
  while (!g_stop && (flags.max == 0 || printed < flags.max)) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 200);
    if (msg == nullptr) {
      if (flags.idle_exit_s > 0 &&
          std::chrono::steady_clock::now() - last_event > std::chrono::seconds(flags.idle_exit_s)) {
        break;
      }
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_message_destroy(msg);
      continue;
    }
    last_event = std::chrono::steady_clock::now();
    std::map<std::string, std::string> headers;
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        headers[name] = value ? std::string(static_cast<const char*>(value), size) : "";
      }
    }
    std::string payload = "null";
    const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(headers["ce_type"]);
    if (type != nullptr) {
      std::unique_ptr<google::protobuf::Message> event(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
      if (event->ParseFromArray(msg->payload, static_cast<int>(msg->len))) payload = ToJson(*event);
    }
    std::printf(
        "{\"topic\":%s,\"partition\":%d,\"offset\":%lld,\"type\":%s,\"time\":%s,\"id\":%s,\"source\":%s,"
        "\"subject\":%s,\"payload\":%s}\n",
        Quoted(topic).c_str(), msg->partition, static_cast<long long>(msg->offset), Quoted(headers["ce_type"]).c_str(),
        Quoted(headers["ce_time"]).c_str(), Quoted(headers["ce_id"]).c_str(), Quoted(headers["ce_source"]).c_str(),
        Quoted(headers["ce_subject"]).c_str(), payload.c_str());
    std::fflush(stdout);
    ++printed;
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}

}  // namespace

void AddTail(CLI::App& app, Command* selected) {
  auto flags = std::make_shared<TailFlags>();
  auto* sub = app.add_subcommand("tail", "Kafka: prints every event of a topic from the beginning, one JSON line each");
  sub->add_option("--topic", flags->topic, "the topic, e.g. yhteys.referrals.events.v1")->required()->type_name("T");
  sub->add_option("--bootstrap", flags->bootstrap, "the Kafka bootstrap servers")->type_name("B");
  AddOptional(sub, "--bootstrap-file", &flags->bootstrap_file,
              "a file whose first line is the bootstrap servers (tools/start writes run/kafka.bootstrap)")
      ->type_name("F");
  sub->add_option("--max", flags->max, "stop after N events (0: no limit)")->type_name("N")->capture_default_str();
  sub->add_option("--idle-exit-s", flags->idle_exit_s, "stop once no event has come for S seconds (0: never)")
      ->type_name("S")
      ->capture_default_str();
  // Not the note on the global flags: tail uses none of them.
  sub->footer(
      "One of --bootstrap and --bootstrap-file is required. Each line: topic, partition, offset, the\n"
      "CloudEvents headers (type, time, id, source, subject) and the payload decoded by its ce_type.\n"
      "Ctrl-C stops.");
  OnSelect(sub, selected, [flags] { return Tail(*flags); });
}

}  // namespace yhteysctl
