// yhteysctl: the operator's command line for Yhteys. Calls the services'
// gRPC APIs (printing answers as JSON) and tails Kafka topics, printing each
// event decoded: type, time, subject pseudonym, payload as JSON.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "all_contracts.hpp"
#include "fill_unset.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/ids/ids.hpp"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/health_client.hpp"

namespace {

using namespace yhteys;

constexpr char kUsage[] =
    R"(usage: yhteysctl [--address HOST:PORT] [--timeout-ms N] [--get FIELD] [--ca F [--cert F --key F]] COMMAND [flags]

Service calls (answers are printed as JSON; --get prints one field):
  health [--wait-s N]                       grpc.health.v1 of --address (or --service)
  home-care register-client --identity-code C --municipality NNN --language fi|sv|se|smn|sms --unit U [--idempotency-key K]
  home-care record-assessment --client ID [--mood a,b,c,d,e,f,g] [--items JSON] [--assessed-on YYYY-MM-DD] [--idempotency-key K]
                                            mood: interRAI E1a-E1g codes 0-3; items: RaiHcItems as JSON,
                                            e.g. '{"health":{"dyspnea":3,"vomiting":2}}'; items not given are 0
  home-care get-client --client ID
  inbox list                                the ReferralInbox of --service (default mental-health-intake)
  inbox get --referral R
  inbox accept --referral R [--unit U] [--idempotency-key K]
  inbox decline --referral R --reason no_capacity|not_our_service|client_declined|language_not_served|already_in_care [--idempotency-key K]
  inbox complete --referral R [--idempotency-key K]
  call Service/Method [JSON]                 any RPC, e.g. call MentalHealthIntake/StartIntake '{"identityCode": ...}'
                                            (request as proto3 JSON; the service's default address unless
                                            --address or --service; a fresh idempotency key unless given)
  router get-referral --referral R
  router client-referrals --client ID

Kafka:
  tail --topic T (--bootstrap B | --bootstrap-file F) [--max N] [--idle-exit-s S]
                                            prints every event of the topic from the beginning

--service family-centre|home-care|mental-health-intake|client-feedback|referral-router|audit-index picks the
default local address of that service. Mutating calls send an idempotency key (--idempotency-key, or a
new one).

TLS: --ca FILE (PEM CA that signed the services' certificates) connects over TLS; with --cert FILE
--key FILE too, yhteysctl presents that client certificate (mutual TLS, as production requires). The
certificate's spiffe:// URI SAN is the identity the services authorise: an operator certificate
(spiffe://<county>/role/operator) may call health and reflection only. Without --ca: plaintext
(local development).
)";

std::map<std::string, std::string> DefaultAddresses() {
  return {{"family-centre", "127.0.0.1:50051"},        {"home-care", "127.0.0.1:50052"},
          {"mental-health-intake", "127.0.0.1:50053"}, {"client-feedback", "127.0.0.1:50054"},
          {"referral-router", "127.0.0.1:50055"},      {"audit-index", "127.0.0.1:50056"}};
}

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::string Flag(const std::string& name, const std::string& fallback = "") const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "yhteysctl: %s\n", message.c_str());
  std::exit(2);
}

std::string Require(const Args& args, const std::string& name) {
  if (!args.Has(name)) Fail("--" + name + " is required (see --help)");
  return args.Flag(name);
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// Prints the answer, or one field of it (dotted path) with --get.
int Print(const Args& args, const grpc::Status& status, const google::protobuf::Message& message) {
  if (!status.ok()) {
    std::fprintf(stderr, "yhteysctl: %d %s\n", static_cast<int>(status.error_code()), status.error_message().c_str());
    return 1;
  }
  if (!args.Has("get")) {
    std::printf("%s\n", ToJson(message).c_str());
    return 0;
  }
  const google::protobuf::Message* current = &message;
  std::stringstream path(args.Flag("get"));
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(path, part, '.')) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) Fail("--get: no field " + parts[i]);
    const auto* refl = current->GetReflection();
    if (field->is_repeated()) Fail("--get: " + parts[i] + " is a list");
    if (i + 1 < parts.size()) {
      current = &refl->GetMessage(*current, field);
      continue;
    }
    using FD = google::protobuf::FieldDescriptor;
    switch (field->cpp_type()) {
      case FD::CPPTYPE_STRING: std::printf("%s\n", refl->GetString(*current, field).c_str()); break;
      case FD::CPPTYPE_INT32: std::printf("%d\n", refl->GetInt32(*current, field)); break;
      case FD::CPPTYPE_INT64: std::printf("%lld\n", static_cast<long long>(refl->GetInt64(*current, field))); break;
      case FD::CPPTYPE_BOOL: std::printf("%s\n", refl->GetBool(*current, field) ? "true" : "false"); break;
      case FD::CPPTYPE_ENUM: std::printf("%s\n", refl->GetEnum(*current, field)->name().c_str()); break;
      case FD::CPPTYPE_MESSAGE: std::printf("%s\n", ToJson(refl->GetMessage(*current, field)).c_str()); break;
      default: Fail("--get: unsupported field type");
    }
  }
  return 0;
}

void Prepare(grpc::ClientContext* ctx, const Args& args) {
  int timeout = std::atoi(args.Flag("timeout-ms", "5000").c_str());
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout));
}

std::string Key(const Args& args) { return args.Flag("idempotency-key", "ctl-" + ids::NewUuid()); }

common::v1::Language ParseLanguage(const std::string& s) {
  if (s == "fi") return common::v1::LANGUAGE_FI;
  if (s == "sv") return common::v1::LANGUAGE_SV;
  if (s == "se") return common::v1::LANGUAGE_SE;
  if (s == "smn") return common::v1::LANGUAGE_SMN;
  if (s == "sms") return common::v1::LANGUAGE_SMS;
  Fail("--language: expected fi, sv, se, smn or sms");
}

int HomeCare(const Args& args, const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = homecare::v1::HomeCare::NewStub(channel);
  const std::string cmd = args.positional.size() > 1 ? args.positional[1] : "";
  grpc::ClientContext ctx;
  Prepare(&ctx, args);
  if (cmd == "register-client") {
    homecare::v1::RegisterClientRequest req;
    req.set_idempotency_key(Key(args));
    req.set_identity_code(Require(args, "identity-code"));
    req.set_municipality_code(Require(args, "municipality"));
    req.set_language(ParseLanguage(Require(args, "language")));
    req.set_unit_id(Require(args, "unit"));
    homecare::v1::RegisterClientResponse resp;
    return Print(args, stub->RegisterClient(&ctx, req, &resp), resp);
  }
  if (cmd == "record-assessment") {
    homecare::v1::RecordAssessmentRequest req;
    req.set_idempotency_key(Key(args));
    req.set_client_id(Require(args, "client"));
    if (args.Has("assessed-on")) {
      req.set_assessed_on(args.Flag("assessed-on"));
    } else {
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      localtime_r(&now, &tm);
      char buf[16];
      std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
      req.set_assessed_on(buf);
    }
    if (args.Has("items")) {
      auto st = google::protobuf::util::JsonStringToMessage(args.Flag("items"), req.mutable_items());
      if (!st.ok()) Fail("--items: " + std::string(st.message()));
    }
    if (args.Has("mood")) {
      std::vector<int> codes;
      std::stringstream ss(args.Flag("mood"));
      std::string item;
      while (std::getline(ss, item, ',')) codes.push_back(std::atoi(item.c_str()));
      if (codes.size() != 7) Fail("--mood: expected seven comma-separated codes (E1a-E1g)");
      auto* m = req.mutable_items()->mutable_mood();
      m->set_negative_statements(codes[0]);
      m->set_persistent_anger(codes[1]);
      m->set_unrealistic_fears(codes[2]);
      m->set_repetitive_health_complaints(codes[3]);
      m->set_repetitive_anxious_complaints(codes[4]);
      m->set_sad_pained_facial_expressions(codes[5]);
      m->set_crying_tearfulness(codes[6]);
    }
    // Items not given are answered "no problem" (code 0).
    proto::FillUnset(*req.mutable_items());
    homecare::v1::RecordAssessmentResponse resp;
    return Print(args, stub->RecordAssessment(&ctx, req, &resp), resp);
  }
  if (cmd == "get-client") {
    homecare::v1::GetClientRequest req;
    req.set_client_id(Require(args, "client"));
    homecare::v1::Client resp;
    return Print(args, stub->GetClient(&ctx, req, &resp), resp);
  }
  Fail("home-care: unknown command '" + cmd + "'");
}

int Inbox(const Args& args, const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = referral::v1::ReferralInbox::NewStub(channel);
  const std::string cmd = args.positional.size() > 1 ? args.positional[1] : "";
  grpc::ClientContext ctx;
  Prepare(&ctx, args);
  referral::v1::InboxEntry entry;
  if (cmd == "list") {
    referral::v1::ListInboxRequest req;
    req.set_page_size(std::atoi(args.Flag("page-size", "50").c_str()));
    req.set_page_token(args.Flag("page-token"));
    referral::v1::ListInboxResponse resp;
    return Print(args, stub->ListInbox(&ctx, req, &resp), resp);
  }
  if (cmd == "get") {
    referral::v1::GetInboxEntryRequest req;
    req.set_referral_id(Require(args, "referral"));
    return Print(args, stub->GetInboxEntry(&ctx, req, &entry), entry);
  }
  if (cmd == "accept") {
    referral::v1::AcceptReferralRequest req;
    req.set_idempotency_key(Key(args));
    req.set_referral_id(Require(args, "referral"));
    req.set_unit_id(args.Flag("unit"));
    return Print(args, stub->AcceptReferral(&ctx, req, &entry), entry);
  }
  if (cmd == "decline") {
    referral::v1::DeclineReferralRequest req;
    req.set_idempotency_key(Key(args));
    req.set_referral_id(Require(args, "referral"));
    std::string reason = Require(args, "reason");
    for (auto& c : reason) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    referral::v1::DeclineReason value;
    if (!referral::v1::DeclineReason_Parse("DECLINE_REASON_" + reason, &value)) Fail("--reason: unknown reason");
    req.set_reason(value);
    return Print(args, stub->DeclineReferral(&ctx, req, &entry), entry);
  }
  if (cmd == "complete") {
    referral::v1::CompleteReferralRequest req;
    req.set_idempotency_key(Key(args));
    req.set_referral_id(Require(args, "referral"));
    return Print(args, stub->CompleteReferral(&ctx, req, &entry), entry);
  }
  Fail("inbox: unknown command '" + cmd + "'");
}

int Router(const Args& args, const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = router::v1::ReferralRouter::NewStub(channel);
  const std::string cmd = args.positional.size() > 1 ? args.positional[1] : "";
  grpc::ClientContext ctx;
  Prepare(&ctx, args);
  if (cmd == "get-referral") {
    router::v1::GetReferralRequest req;
    req.set_referral_id(Require(args, "referral"));
    router::v1::Referral resp;
    return Print(args, stub->GetReferral(&ctx, req, &resp), resp);
  }
  if (cmd == "client-referrals") {
    router::v1::ListClientReferralsRequest req;
    req.set_client_pseudonym(Require(args, "client"));
    router::v1::ListClientReferralsResponse resp;
    return Print(args, stub->ListClientReferrals(&ctx, req, &resp), resp);
  }
  Fail("router: unknown command '" + cmd + "'");
}

int Health(const Args& args, const std::shared_ptr<grpc::Channel>& channel, const std::string& address) {
  int wait_s = std::atoi(args.Flag("wait-s", "0").c_str());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  while (true) {
    auto serving = server::CheckHealth(channel, std::chrono::milliseconds(1000));
    if (serving.ok() && *serving) {
      std::printf("%s SERVING\n", address.c_str());
      return 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::printf(
          "%s %s\n", address.c_str(),
          serving.ok() ? "NOT_SERVING" : ("UNREACHABLE (" + std::string(serving.status().message()) + ")").c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

volatile sig_atomic_t g_stop = 0;

int Tail(const Args& args) {
  proto::LinkAllContracts();
  std::string bootstrap = args.Flag("bootstrap");
  if (bootstrap.empty() && args.Has("bootstrap-file")) {
    std::ifstream in(args.Flag("bootstrap-file"));
    std::getline(in, bootstrap);
  }
  if (bootstrap.empty()) Fail("tail: --bootstrap or --bootstrap-file is required");
  std::string topic = Require(args, "topic");
  long max = std::atol(args.Flag("max", "0").c_str());
  int idle_exit_s = std::atoi(args.Flag("idle-exit-s", "0").c_str());
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", ("yhteysctl-" + ids::NewUuid()).c_str(), err, sizeof err);
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
  while (!g_stop && (max == 0 || printed < max)) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 200);
    if (msg == nullptr) {
      if (idle_exit_s > 0 && std::chrono::steady_clock::now() - last_event > std::chrono::seconds(idle_exit_s)) break;
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
    auto q = [](const std::string& s) {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "\"";
    };
    std::printf(
        "{\"topic\":%s,\"partition\":%d,\"offset\":%lld,\"type\":%s,\"time\":%s,\"id\":%s,\"source\":%s,"
        "\"subject\":%s,\"payload\":%s}\n",
        q(topic).c_str(), msg->partition, static_cast<long long>(msg->offset), q(headers["ce_type"]).c_str(),
        q(headers["ce_time"]).c_str(), q(headers["ce_id"]).c_str(), q(headers["ce_source"]).c_str(),
        q(headers["ce_subject"]).c_str(), payload.c_str());
    std::fflush(stdout);
    ++printed;
    rd_kafka_message_destroy(msg);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}

// The services a short method name ("Service/Method") is looked up in, with
// the service (for the default address) that serves each.
const std::vector<std::pair<std::string, std::string>>& KnownServices() {
  static const auto* known = new std::vector<std::pair<std::string, std::string>>{
      {"yhteys.familycentre.v1.FamilyCentre", "family-centre"},
      {"yhteys.homecare.v1.HomeCare", "home-care"},
      {"yhteys.mentalhealth.v1.MentalHealthIntake", "mental-health-intake"},
      {"yhteys.feedback.v1.ClientFeedback", "client-feedback"},
      {"yhteys.router.v1.ReferralRouter", "referral-router"},
      {"yhteys.audit.v1.AuditIndex", "audit-index"},
      {"yhteys.referral.v1.ReferralInbox", ""},
  };
  return *known;
}

// Any RPC by name, the request as JSON (proto3 JSON names), through the
// generic stub and the contracts' descriptors.
int Call(const Args& args, const std::string& method_name, std::string* service_for_address,
         const std::function<std::shared_ptr<grpc::Channel>(const std::string&)>& channel_for) {
  proto::LinkAllContracts();
  auto slash = method_name.find('/');
  if (slash == std::string::npos) Fail("call: expected Service/Method, e.g. MentalHealthIntake/StartIntake");
  std::string service_name = method_name.substr(0, slash);
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
  for (const auto& [full, name] : KnownServices()) {
    if (service == nullptr && full.substr(full.rfind('.') + 1) == service_name) {
      service = pool->FindServiceByName(full);
      if (!name.empty()) *service_for_address = name;
    }
  }
  if (service == nullptr) Fail("call: unknown service " + service_name);
  const auto* method = service->FindMethodByName(method_name.substr(slash + 1));
  if (method == nullptr) Fail("call: " + service->full_name() + " has no method " + method_name.substr(slash + 1));
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(method->input_type())->New());
  std::string json = args.positional.size() > 2 ? args.positional[2] : "{}";
  if (auto st = google::protobuf::util::JsonStringToMessage(json, request.get()); !st.ok()) {
    Fail("call: the request is not a " + method->input_type()->full_name() + ": " + std::string(st.message()));
  }
  // A mutating RPC gets a fresh idempotency key unless one was given.
  if (const auto* key = method->input_type()->FindFieldByName("idempotency_key")) {
    if (request->GetReflection()->GetString(*request, key).empty()) {
      request->GetReflection()->SetString(request.get(), key, Key(args));
    }
  }
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext ctx;
  Prepare(&ctx, args);
  grpc::GenericStub stub(channel_for(*service_for_address));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/" + service->full_name() + "/" + method->name(), grpc::StubOptions(), &request_buffer,
                 &response_buffer, [&done](grpc::Status st) { done.set_value(st); });
  grpc::Status status = done.get_future().get();
  std::unique_ptr<google::protobuf::Message> response(factory->GetPrototype(method->output_type())->New());
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    std::string out;
    if (response_buffer.Dump(&slices).ok()) {
      for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    if (!response->ParseFromString(out)) Fail("call: unreadable response");
  }
  return Print(args, status, *response);
}

std::string ReadPemOrFail(const Args& args, const std::string& flag) {
  std::ifstream in(args.Flag(flag));
  if (!in) Fail("--" + flag + ": cannot read " + args.Flag(flag));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Plaintext without --ca; TLS with --ca; mutual TLS with --ca, --cert and --key.
std::shared_ptr<grpc::ChannelCredentials> CredentialsFrom(const Args& args) {
  if (args.Has("cert") != args.Has("key")) Fail("--cert and --key go together");
  if (!args.Has("ca")) {
    if (args.Has("cert")) Fail("--cert needs --ca (the CA that signed the services' certificates)");
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadPemOrFail(args, "ca");
  if (args.Has("cert")) {
    options.pem_cert_chain = ReadPemOrFail(args, "cert");
    options.pem_private_key = ReadPemOrFail(args, "key");
  }
  return grpc::SslCredentials(options);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) Fail(a + " needs a value");
      args.flags[a.substr(2)] = argv[++i];
    } else {
      args.positional.push_back(a);
    }
  }
  if (args.positional.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string& group = args.positional[0];
  if (group == "tail") return Tail(args);

  auto defaults = DefaultAddresses();
  std::string service = args.Flag("service", group == "home-care" ? "home-care"
                                             : group == "router"  ? "referral-router"
                                                                  : "mental-health-intake");
  if (!defaults.count(service)) Fail("--service: unknown service " + service);
  std::string address = args.Flag("address", defaults[service]);
  auto credentials = CredentialsFrom(args);
  auto channel = grpc::CreateChannel(address, credentials);
  if (group == "call") {
    if (args.positional.size() < 2) Fail("call: expected Service/Method [JSON]");
    return Call(args, args.positional[1], &service, [&](const std::string& name) {
      return args.Has("address") || !defaults.count(name) ? channel : grpc::CreateChannel(defaults[name], credentials);
    });
  }
  if (group == "health") return Health(args, channel, address);
  if (group == "home-care") return HomeCare(args, channel);
  if (group == "inbox") return Inbox(args, channel);
  if (group == "router") return Router(args, channel);
  Fail("unknown command '" + group + "' (see --help)");
}
