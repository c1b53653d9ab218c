#pragma once
// gRPC binding of FeedbackStore (yhteys.feedback.v1.ClientFeedback).

#include <functional>

#include "feedback_store.hpp"
#include "yhteys/feedback/v1/client_feedback_service.grpc.pb.h"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/server/rpc.hpp"

namespace yhteys::feedback {

class FeedbackService final : public v1::ClientFeedback::CallbackService {
 public:
  FeedbackService(FeedbackStore& store, server::RpcEnv env, kafka::OutboxRelay* relay);

  grpc::ServerUnaryReactor* IssueFeedbackToken(grpc::CallbackServerContext* ctx,
                                               const v1::IssueFeedbackTokenRequest* req,
                                               v1::FeedbackToken* resp) override;
  grpc::ServerUnaryReactor* SubmitFeedback(grpc::CallbackServerContext* ctx, const v1::SubmitFeedbackRequest* req,
                                           v1::SubmitFeedbackResponse* resp) override;
  grpc::ServerUnaryReactor* GetUnitSummary(grpc::CallbackServerContext* ctx, const v1::GetUnitSummaryRequest* req,
                                           v1::UnitSummary* resp) override;

 private:
  FeedbackStore& store_;
  server::RpcEnv env_;
  std::function<void()> changed_;  // wakes the outbox relay
};

}  // namespace yhteys::feedback
