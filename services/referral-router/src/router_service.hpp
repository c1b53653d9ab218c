#pragma once
// gRPC binding of the router's queries (yhteys.router.v1.ReferralRouter).

#include <functional>

#include "referral_store.hpp"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::router {

// An external system's answer to a referral published to it, applied like a
// ReferralInbox outcome (deduplicated on the idempotency key). Blocking.
absl::StatusOr<v1::Referral> RespondToExternal(ReferralStore& store, const std::string& idempotency_key,
                                               const v1::RespondToExternalReferralRequest& request);

class RouterService final : public v1::ReferralRouter::CallbackService {
 public:
  // `on_change` is called after a change was written (wakes the relay).
  RouterService(ReferralStore& store, server::RpcEnv env, std::function<void()> on_change);

  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx, const v1::GetReferralRequest* req,
                                        v1::Referral* resp) override;
  grpc::ServerUnaryReactor* ListClientReferrals(grpc::CallbackServerContext* ctx,
                                                const v1::ListClientReferralsRequest* req,
                                                v1::ListClientReferralsResponse* resp) override;
  grpc::ServerUnaryReactor* RespondToExternalReferral(grpc::CallbackServerContext* ctx,
                                                      const v1::RespondToExternalReferralRequest* req,
                                                      v1::Referral* resp) override;

 private:
  ReferralStore& store_;
  server::RpcEnv env_;
  std::function<void()> on_change_;
};

}  // namespace yhteys::router
