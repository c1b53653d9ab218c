#pragma once
// gRPC binding of the router's queries (yhteys.router.v1.ReferralRouter).

#include "referral_store.hpp"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::router {

class RouterService final : public v1::ReferralRouter::CallbackService {
 public:
  RouterService(ReferralStore& store, server::RpcEnv env);

  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx, const v1::GetReferralRequest* req,
                                        v1::Referral* resp) override;
  grpc::ServerUnaryReactor* ListClientReferrals(grpc::CallbackServerContext* ctx,
                                                const v1::ListClientReferralsRequest* req,
                                                v1::ListClientReferralsResponse* resp) override;

 private:
  ReferralStore& store_;
  server::RpcEnv env_;
};

}  // namespace yhteys::router
