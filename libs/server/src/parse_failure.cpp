#include "yhteys/server/parse_failure.hpp"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <chrono>

namespace yhteys::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// How it works (gRPC 1.51, server_callback_handlers.h): when Deserialize
// fails, the handler is never run and an UNIMPLEMENTED "" status is
// finished instead; the interceptor sees the failure as a null received
// message at POST_RECV_MESSAGE and rewrites the status at PRE_SEND_STATUS.
class ParseFailureInterceptor final : public grpc::experimental::Interceptor {
 public:
  ParseFailureInterceptor(std::string_view path, RpcMetrics& metrics) : path_(path), metrics_(metrics) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        batch->GetRecvMessage() == nullptr) {
      failed_ = true;
    }
    if (failed_ && batch->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      std::string type = RequestTypeOf(path_);
      batch->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                           "request could not be parsed as " +
                                               (type.empty() ? std::string("the method's request message") : type) +
                                               " (truncated, or a string field that is not valid UTF-8)"));
      metrics_.Observe(MethodLabelOf(path_), grpc::StatusCode::INVALID_ARGUMENT,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    batch->Proceed();
  }

 private:
  std::string path_;
  RpcMetrics& metrics_;
  bool failed_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

std::string RequestTypeOf(std::string_view path) {
  if (path.empty() || path.front() != '/') return "";
  std::string full(path.substr(1));
  std::replace(full.begin(), full.end(), '/', '.');
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
  return method != nullptr ? method->input_type()->full_name() : "";
}

std::string MethodLabelOf(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::string(path);
  size_t dot = path.rfind('.', slash);
  return std::string(path.substr(dot == std::string_view::npos ? 1 : dot + 1));
}

grpc::experimental::Interceptor* ParseFailureInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // Streaming calls use a null message for end-of-stream; health and
  // reflection are not ours.
  if (info->type() != grpc::experimental::ServerRpcInfo::Type::UNARY) return nullptr;
  std::string_view method = info->method();
  if (!method.starts_with("/yhteys.")) return nullptr;
  return new ParseFailureInterceptor(method, metrics_);
}

}  // namespace yhteys::server
