#pragma once
// A unary gRPC call with raw request bytes (no protobuf on the client side),
// for tests that send what a broken or legacy client would: truncated
// messages, strings that are not UTF-8. Header-only; needs gRPC.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace yhteys::testing {

// Calls `method` ("/package.Service/Method") with `bytes` as the request,
// waits for the answer (5 s deadline), and returns its status; the response
// bytes go to `response_bytes` when given and the call succeeded.
inline grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                                 const std::string& bytes, std::string* response_bytes = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  if (response_bytes != nullptr && status.ok()) {
    std::vector<grpc::Slice> slices;
    response.Dump(&slices);
    response_bytes->clear();
    for (const auto& s : slices) response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return status;
}

}  // namespace yhteys::testing
