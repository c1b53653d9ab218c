// call Service/Method [JSON]: any RPC by name, the request as proto3 JSON,
// through the generic stub and the contracts' descriptors.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "all_contracts.hpp"
#include "channel.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace yhteysctl {
namespace {

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

struct CallFlags {
  std::string method;
  std::string json = "{}";
  std::optional<std::string> idempotency_key;
};

int Call(const Globals& globals, const CallFlags& flags) {
  Connection connection = Connect(globals, "mental-health-intake");
  std::string service_for_address = connection.service;
  yhteys::proto::LinkAllContracts();
  const std::string& method_name = flags.method;
  auto slash = method_name.find('/');
  if (slash == std::string::npos) Fail("call: expected Service/Method, e.g. MentalHealthIntake/StartIntake");
  std::string service_name = method_name.substr(0, slash);
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
  for (const auto& [full, name] : KnownServices()) {
    if (service == nullptr && full.substr(full.rfind('.') + 1) == service_name) {
      service = pool->FindServiceByName(full);
      if (!name.empty()) service_for_address = name;
    }
  }
  if (service == nullptr) Fail("call: unknown service " + service_name);
  const auto* method = service->FindMethodByName(method_name.substr(slash + 1));
  if (method == nullptr) Fail("call: " + service->full_name() + " has no method " + method_name.substr(slash + 1));
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(method->input_type())->New());
  if (auto st = google::protobuf::util::JsonStringToMessage(flags.json, request.get()); !st.ok()) {
    Fail("call: the request is not a " + method->input_type()->full_name() + ": " + std::string(st.message()));
  }
  // A mutating RPC gets a fresh idempotency key unless one was given.
  if (const auto* key = method->input_type()->FindFieldByName("idempotency_key")) {
    if (request->GetReflection()->GetString(*request, key).empty()) {
      request->GetReflection()->SetString(request.get(), key, IdempotencyKey(flags.idempotency_key));
    }
  }
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  // The service's own default address, unless --address (or the service has none: the inbox).
  auto defaults = DefaultAddresses().find(service_for_address);
  grpc::GenericStub stub(globals.address || defaults == DefaultAddresses().end()
                             ? connection.channel
                             : grpc::CreateChannel(defaults->second, connection.credentials));
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
  return Print(globals.get, status, *response);
}

}  // namespace

void AddCall(CLI::App& app, const Globals& globals, Command* selected) {
  auto flags = std::make_shared<CallFlags>();
  auto* sub = app.add_subcommand("call", "any RPC, e.g. call MentalHealthIntake/StartIntake '{\"identityCode\": ...}'");
  sub->add_option("method", flags->method, "the RPC: Service/Method, the service by its short or full name")
      ->required()
      ->type_name("Service/Method");
  sub->add_option("json", flags->json, "the request as proto3 JSON")->type_name("JSON")->capture_default_str();
  AddOptional(sub, "--idempotency-key", &flags->idempotency_key,
              "the key of a mutating call when the JSON has none (default: a new one)")
      ->type_name("K");
  PrependFooter(
      sub,
      "The request is proto3 JSON (the JSON names, camelCase). The call goes to the default address of the\n"
      "service named (FamilyCentre, HomeCare, MentalHealthIntake, ClientFeedback, ReferralRouter, AuditIndex)\n"
      "unless --address; ReferralInbox, and a service by its full name, go to --service (default\n"
      "mental-health-intake). A mutating call gets a fresh idempotency key unless the JSON or\n"
      "--idempotency-key gives one.");
  OnSelect(sub, selected, [&globals, flags] { return Call(globals, *flags); });
}

}  // namespace yhteysctl
