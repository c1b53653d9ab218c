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

TEST(IdempotencyTest, FingerprintIgnoresTheKeyButNotTheBody) {
  homecare::v1::RegisterClientRequest a;
  a.set_idempotency_key("k1");
  a.set_municipality_code("091");
  homecare::v1::RegisterClientRequest b = a;
  b.set_idempotency_key("k2");
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(b));
  b.set_municipality_code("092");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  // Different message types never collide on an equal body.
  homecare::v1::GetClientRequest empty;
  homecare::v1::RegisterClientRequest empty2;
  EXPECT_NE(RequestFingerprint(empty), RequestFingerprint(empty2));
}

}  // namespace
}  // namespace yhteys::server
