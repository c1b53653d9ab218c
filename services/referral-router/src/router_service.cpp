#include "router_service.hpp"

#include "yhteys/validate/validate.hpp"

namespace yhteys::router {

RouterService::RouterService(ReferralStore& store, server::RpcEnv env) : store_(store), env_(env) {}

grpc::ServerUnaryReactor* RouterService::GetReferral(grpc::CallbackServerContext* ctx, const v1::GetReferralRequest* req,
                                                     v1::Referral* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/GetReferral", [=, this]() -> absl::Status {
    if (req->referral_id().empty()) return absl::InvalidArgumentError("referral_id: required");
    auto result = store_.Get(req->referral_id());
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::ListClientReferrals(grpc::CallbackServerContext* ctx,
                                                             const v1::ListClientReferralsRequest* req,
                                                             v1::ListClientReferralsResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/ListClientReferrals", [=, this]() -> absl::Status {
    if (auto st = validate::Pseudonym("client_pseudonym", req->client_pseudonym()); !st.ok()) return st;
    auto result = store_.ListForClient(req->client_pseudonym());
    if (!result.ok()) return result.status();
    for (auto& r : *result) *resp->add_referrals() = std::move(r);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::router
