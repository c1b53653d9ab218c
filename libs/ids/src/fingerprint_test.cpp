#include "yhteys/ids/fingerprint.hpp"

#include <gtest/gtest.h>

#include "yhteys/homecare/v1/home_care_service.pb.h"

namespace yhteys::ids {
namespace {

TEST(FingerprintTest, FingerprintIgnoresTheKeyButNotTheBody) {
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
}  // namespace yhteys::ids
