// yhteys-bench-echo: the ceiling for the assessment benchmark. A bare gRPC
// callback server that answers HomeCare/RecordAssessment at once with a
// fixed response: no validation, no Redis, no executor hop. The load driver
// runs against it and against the real home-care service in the same run.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <cstdio>

#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"

namespace {

class EchoHomeCare final : public yhteys::homecare::v1::HomeCare::CallbackService {
 public:
  grpc::ServerUnaryReactor* RecordAssessment(grpc::CallbackServerContext* ctx,
                                             const yhteys::homecare::v1::RecordAssessmentRequest* req,
                                             yhteys::homecare::v1::RecordAssessmentResponse* resp) override {
    resp->set_assessment_id("00000000-0000-4000-8000-000000000000");
    resp->mutable_scales()->set_drs(0);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string address = argc > 1 ? argv[1] : "127.0.0.1:50099";
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  EchoHomeCare service;
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "echo: cannot listen on %s\n", address.c_str());
    return 2;
  }
  std::printf("echo server on %s\n", address.c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server->Shutdown();
  return 0;
}
