#include "yhteys/server/idempotency.hpp"

#include <gtest/gtest.h>

#include "yhteys/homecare/v1/home_care_service.pb.h"

namespace yhteys::server {
namespace {

TEST(IdempotencyTest, ValidatesKeys) {
  EXPECT_TRUE(ValidateIdempotencyKey("a1-B2_c3.d4:e5").ok());
  EXPECT_EQ(ValidateIdempotencyKey("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateIdempotencyKey(std::string(129, 'a')).code(), absl::StatusCode::kInvalidArgument);
  auto bad = ValidateIdempotencyKey("has space");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("idempotency_key"), std::string::npos);
}

}  // namespace
}  // namespace yhteys::server
