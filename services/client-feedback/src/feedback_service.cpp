#include "feedback_service.hpp"

#include "yhteys/server/idempotency.hpp"

namespace yhteys::feedback {

FeedbackService::FeedbackService(FeedbackStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* FeedbackService::Mutate(
    grpc::CallbackServerContext* ctx, const char* method, const Request* req, Response* resp,
    absl::StatusOr<Response> (FeedbackStore::*op)(const std::string&, const Request&)) {
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

grpc::ServerUnaryReactor* FeedbackService::IssueFeedbackToken(grpc::CallbackServerContext* ctx,
                                                              const v1::IssueFeedbackTokenRequest* req,
                                                              v1::FeedbackToken* resp) {
  return Mutate(ctx, "ClientFeedback/IssueFeedbackToken", req, resp, &FeedbackStore::IssueFeedbackToken);
}

grpc::ServerUnaryReactor* FeedbackService::SubmitFeedback(grpc::CallbackServerContext* ctx,
                                                          const v1::SubmitFeedbackRequest* req,
                                                          v1::SubmitFeedbackResponse* resp) {
  return Mutate(ctx, "ClientFeedback/SubmitFeedback", req, resp, &FeedbackStore::SubmitFeedback);
}

grpc::ServerUnaryReactor* FeedbackService::GetUnitSummary(grpc::CallbackServerContext* ctx,
                                                          const v1::GetUnitSummaryRequest* req,
                                                          v1::UnitSummary* resp) {
  return server::RunUnary(ctx, env_, "ClientFeedback/GetUnitSummary", [=, this]() -> absl::Status {
    auto result = store_.GetUnitSummary(*req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::feedback
