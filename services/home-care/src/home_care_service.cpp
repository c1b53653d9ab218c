#include "home_care_service.hpp"

#include "yhteys/server/idempotency.hpp"

namespace yhteys::homecare {

HomeCareService::HomeCareService(HomeCareStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

grpc::ServerUnaryReactor* HomeCareService::RegisterClient(grpc::CallbackServerContext* ctx,
                                                          const v1::RegisterClientRequest* req,
                                                          v1::RegisterClientResponse* resp) {
  return server::RunUnary(ctx, env_, "HomeCare/RegisterClient", [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = store_.RegisterClient(*key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (relay_) relay_->Notify();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* HomeCareService::RecordAssessment(grpc::CallbackServerContext* ctx,
                                                            const v1::RecordAssessmentRequest* req,
                                                            v1::RecordAssessmentResponse* resp) {
  return server::RunUnary(ctx, env_, "HomeCare/RecordAssessment", [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = store_.RecordAssessment(*key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (relay_) relay_->Notify();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* HomeCareService::GetClient(grpc::CallbackServerContext* ctx, const v1::GetClientRequest* req,
                                                     v1::Client* resp) {
  return server::RunUnary(ctx, env_, "HomeCare/GetClient", [=, this]() -> absl::Status {
    auto result = store_.GetClient(req->client_id());
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::homecare
