// Malformed request bytes over a real gRPC port: answered INVALID_ARGUMENT
// naming the request message, counted in the RPC metrics, handler not run.
#include "yhteys/server/parse_failure.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>

#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/testing/raw_call.hpp"

namespace yhteys::server {
namespace {

namespace hc = yhteys::homecare::v1;

class CountingHomeCare final : public hc::HomeCare::CallbackService {
 public:
  explicit CountingHomeCare(RpcEnv env) : env_(env) {}
  grpc::ServerUnaryReactor* RecordAssessment(grpc::CallbackServerContext* ctx, const hc::RecordAssessmentRequest* req,
                                             hc::RecordAssessmentResponse* resp) override {
    return RunUnary(ctx, env_, "HomeCare/RecordAssessment", req, resp, [this, req, resp] {
      runs.fetch_add(1);
      resp->set_assessment_id("a-" + req->client_id());
      return absl::OkStatus();
    });
  }
  std::atomic<int> runs{0};

 private:
  RpcEnv env_;
};

double Count(prometheus::Registry& registry, const std::string& method, const std::string& code) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "yhteys_rpc_requests_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& l : metric.label) labels[l.name] = l.value;
      if (labels["method"] == method && labels["code"] == code) return metric.counter.value;
    }
  }
  return 0;
}

class ParseFailureTest : public ::testing::Test {
 protected:
  ParseFailureTest() : executor_(2, 16), metrics_(registry_, "test"), service_(RpcEnv{executor_, metrics_}) {
    grpc::ServerBuilder builder;
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
    interceptors.push_back(std::make_unique<ParseFailureInterceptorFactory>(metrics_));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  }
  ~ParseFailureTest() override {
    server_->Shutdown();
    executor_.Shutdown();
  }

  // Sends raw request bytes to RecordAssessment; returns the status.
  grpc::Status CallRaw(const std::string& bytes, std::string* response_bytes = nullptr) {
    return testing::RawUnaryCall(channel_, "/yhteys.homecare.v1.HomeCare/RecordAssessment", bytes, response_bytes);
  }

  prometheus::Registry registry_;
  Executor executor_;
  RpcMetrics metrics_;
  CountingHomeCare service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ParseFailureTest, TruncatedMessageIsInvalidArgumentNamingTheMessageAndCounted) {
  hc::RecordAssessmentRequest req;
  req.set_idempotency_key("k-1");
  req.set_client_id("hc-0123456789abcdef-0123456789abcdef");
  std::string bytes = req.SerializeAsString();
  bytes.resize(bytes.size() - 5);  // cut inside the client_id field
  grpc::Status status = CallRaw(bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("yhteys.homecare.v1.RecordAssessmentRequest"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(service_.runs.load(), 0);
  EXPECT_EQ(Count(registry_, "HomeCare/RecordAssessment", "INVALID_ARGUMENT"), 1);
}

TEST_F(ParseFailureTest, Latin1StringIsInvalidArgumentAndCounted) {
  // Field 2 (client_id), length 7, "Mäkinen" in Latin-1: 0xE4 is not UTF-8.
  std::string bytes = std::string("\x12\x07", 2) + "M\xE4kinen";
  grpc::Status status = CallRaw(bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("could not be parsed"), std::string::npos) << status.error_message();
  // The rejected value is not echoed.
  EXPECT_EQ(status.error_message().find("kinen"), std::string::npos);
  EXPECT_EQ(service_.runs.load(), 0);
  EXPECT_EQ(Count(registry_, "HomeCare/RecordAssessment", "INVALID_ARGUMENT"), 1);
}

TEST_F(ParseFailureTest, WellFormedRequestsAreUntouchedAndCountedOnce) {
  hc::RecordAssessmentRequest req;
  req.set_client_id("c1");
  std::string response;
  grpc::Status status = CallRaw(req.SerializeAsString(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  hc::RecordAssessmentResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response));
  EXPECT_EQ(parsed.assessment_id(), "a-c1");
  EXPECT_EQ(service_.runs.load(), 1);
  EXPECT_EQ(Count(registry_, "HomeCare/RecordAssessment", "OK"), 1);
  EXPECT_EQ(Count(registry_, "HomeCare/RecordAssessment", "INVALID_ARGUMENT"), 0);
}

TEST(ParseFailureNames, RequestTypeAndMethodLabelFromThePath) {
  EXPECT_EQ(RequestTypeOf("/yhteys.homecare.v1.HomeCare/RecordAssessment"),
            "yhteys.homecare.v1.RecordAssessmentRequest");
  EXPECT_EQ(RequestTypeOf("/yhteys.homecare.v1.HomeCare/NoSuchMethod"), "");
  EXPECT_EQ(RequestTypeOf(""), "");
  EXPECT_EQ(MethodLabelOf("/yhteys.homecare.v1.HomeCare/RecordAssessment"), "HomeCare/RecordAssessment");
}

}  // namespace
}  // namespace yhteys::server
