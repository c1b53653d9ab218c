#pragma once
// gRPC binding of FeedbackStore (yhteys.feedback.v1.ClientFeedback).

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
  // A mutating RPC: resolves the idempotency key, runs `op` on a worker and
  // wakes the relay after a change.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Mutate(grpc::CallbackServerContext* ctx, const char* method, const Request* req,
                                   Response* resp,
                                   absl::StatusOr<Response> (FeedbackStore::*op)(const std::string&, const Request&));

  FeedbackStore& store_;
  server::RpcEnv env_;
  kafka::OutboxRelay* relay_;
};

}  // namespace yhteys::feedback
