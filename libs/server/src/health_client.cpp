#include "yhteys/server/health_client.hpp"

#include <grpcpp/generic/generic_stub.h>

#include <future>

#include "yhteys/status/grpc_status.hpp"

namespace yhteys::server {

absl::StatusOr<bool> CheckHealth(const std::shared_ptr<grpc::Channel>& channel, std::chrono::milliseconds timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::ByteBuffer request;  // HealthCheckRequest{service: ""} encodes to no bytes
  grpc::Slice empty;
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(s); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return status::FromGrpc(status);
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return absl::InternalError("health: unreadable response");
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  // HealthCheckResponse{status = 1}: tag 0x08, varint value; SERVING is 1.
  return bytes.size() >= 2 && bytes[0] == 0x08 && bytes[1] == 0x01;
}

}  // namespace yhteys::server
