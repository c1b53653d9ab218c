#include "yhteys/status/grpc_status.hpp"

#include <gtest/gtest.h>

namespace yhteys::status {
namespace {

TEST(GrpcStatusTest, CodesAndMessagesRoundTrip) {
  const absl::StatusCode codes[] = {absl::StatusCode::kInvalidArgument,    absl::StatusCode::kNotFound,
                                    absl::StatusCode::kAlreadyExists,      absl::StatusCode::kPermissionDenied,
                                    absl::StatusCode::kFailedPrecondition, absl::StatusCode::kUnavailable,
                                    absl::StatusCode::kResourceExhausted,  absl::StatusCode::kInternal};
  for (auto code : codes) {
    absl::Status original(code, "field: reason");
    grpc::Status g = ToGrpc(original);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(code));
    EXPECT_EQ(g.error_message(), "field: reason");
    EXPECT_EQ(FromGrpc(g), original);
  }
}

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpc(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpc(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, RetryableCodes) {
  EXPECT_TRUE(IsRetryable(absl::UnavailableError("x")));
  EXPECT_TRUE(IsRetryable(absl::DeadlineExceededError("x")));
  EXPECT_FALSE(IsRetryable(absl::InvalidArgumentError("x")));
  EXPECT_FALSE(IsRetryable(absl::FailedPreconditionError("x")));
}

}  // namespace
}  // namespace yhteys::status
