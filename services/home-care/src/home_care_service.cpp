#include "home_care_service.hpp"

#include "yhteys/server/idempotency.hpp"

namespace yhteys::homecare {

HomeCareService::HomeCareService(HomeCareStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* HomeCareService::Mutate(
    grpc::CallbackServerContext* ctx, const char* method, const Request* req, Response* resp,
    absl::StatusOr<Response> (HomeCareStore::*op)(const std::string&, const Request&)) {
  return server::RunUnary(ctx, env_, method, [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = (store_.*op)(*key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (relay_) relay_->Notify();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* HomeCareService::RegisterClient(grpc::CallbackServerContext* ctx,
                                                          const v1::RegisterClientRequest* req,
                                                          v1::RegisterClientResponse* resp) {
  return Mutate(ctx, "HomeCare/RegisterClient", req, resp, &HomeCareStore::RegisterClient);
}

grpc::ServerUnaryReactor* HomeCareService::RecordAssessment(grpc::CallbackServerContext* ctx,
                                                            const v1::RecordAssessmentRequest* req,
                                                            v1::RecordAssessmentResponse* resp) {
  return Mutate(ctx, "HomeCare/RecordAssessment", req, resp, &HomeCareStore::RecordAssessment);
}

grpc::ServerUnaryReactor* HomeCareService::SetCarePlan(grpc::CallbackServerContext* ctx,
                                                       const v1::SetCarePlanRequest* req, v1::Client* resp) {
  return Mutate(ctx, "HomeCare/SetCarePlan", req, resp, &HomeCareStore::SetCarePlan);
}

grpc::ServerUnaryReactor* HomeCareService::RecordVisit(grpc::CallbackServerContext* ctx,
                                                       const v1::RecordVisitRequest* req,
                                                       v1::RecordVisitResponse* resp) {
  return Mutate(ctx, "HomeCare/RecordVisit", req, resp, &HomeCareStore::RecordVisit);
}

grpc::ServerUnaryReactor* HomeCareService::ListAssessments(grpc::CallbackServerContext* ctx,
                                                           const v1::ListAssessmentsRequest* req,
                                                           v1::ListAssessmentsResponse* resp) {
  return server::RunUnary(ctx, env_, "HomeCare/ListAssessments", [=, this]() -> absl::Status {
    auto result = store_.ListAssessments(req->client_id());
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
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
