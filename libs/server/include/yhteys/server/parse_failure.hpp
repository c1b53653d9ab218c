#pragma once
// Requests whose bytes do not parse as the method's message (a truncated
// protobuf, invalid UTF-8 in a string field such as Latin-1 "ä" from a
// legacy system) never reach a handler. gRPC 1.51's callback API answers
// them UNIMPLEMENTED with an empty message, which an integrator reads as
// "method not deployed". This server interceptor rewrites that answer to
// INVALID_ARGUMENT "request could not be parsed as <message type>" and
// counts it in yhteys_rpc_requests_total like any other call.
//
// Register it on the ServerBuilder of every service; it acts only on unary
// methods of the yhteys.* packages and only when the request did not parse.

#include <grpcpp/support/server_interceptor.h>

#include <string>
#include <string_view>

#include "yhteys/server/rpc.hpp"

namespace yhteys::server {

// "/yhteys.homecare.v1.HomeCare/RecordAssessment" ->
// "yhteys.homecare.v1.RecordAssessmentRequest" (from the generated
// descriptor pool), or "" when the method is unknown.
std::string RequestTypeOf(std::string_view path);
// "/yhteys.homecare.v1.HomeCare/RecordAssessment" -> "HomeCare/RecordAssessment",
// the method label the RPC metrics use.
std::string MethodLabelOf(std::string_view path);

class ParseFailureInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ParseFailureInterceptorFactory(RpcMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics& metrics_;
};

}  // namespace yhteys::server
