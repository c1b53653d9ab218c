#include "feedback_service.hpp"

#include "yhteys/server/store_rpc.hpp"

namespace yhteys::feedback {

FeedbackService::FeedbackService(FeedbackStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), changed_([relay] {
        if (relay != nullptr) relay->Notify();
      }) {}

grpc::ServerUnaryReactor* FeedbackService::IssueFeedbackToken(grpc::CallbackServerContext* ctx,
                                                              const v1::IssueFeedbackTokenRequest* req,
                                                              v1::FeedbackToken* resp) {
  return server::RunMutation(ctx, env_, "ClientFeedback/IssueFeedbackToken", req, resp, store_,
                             &FeedbackStore::IssueFeedbackToken, changed_);
}

grpc::ServerUnaryReactor* FeedbackService::SubmitFeedback(grpc::CallbackServerContext* ctx,
                                                          const v1::SubmitFeedbackRequest* req,
                                                          v1::SubmitFeedbackResponse* resp) {
  return server::RunMutation(ctx, env_, "ClientFeedback/SubmitFeedback", req, resp, store_,
                             &FeedbackStore::SubmitFeedback, changed_);
}

grpc::ServerUnaryReactor* FeedbackService::GetUnitSummary(grpc::CallbackServerContext* ctx,
                                                          const v1::GetUnitSummaryRequest* req, v1::UnitSummary* resp) {
  return server::RunRead(ctx, env_, "ClientFeedback/GetUnitSummary", req, resp,
                         [=, this] { return store_.GetUnitSummary(*req); });
}

}  // namespace yhteys::feedback
