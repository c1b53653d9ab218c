#pragma once
// gRPC binding of HomeCareStore (yhteys.homecare.v1.HomeCare).

#include <functional>

#include "home_care_store.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/server/rpc.hpp"

namespace yhteys::homecare {

class HomeCareService final : public v1::HomeCare::CallbackService {
 public:
  HomeCareService(HomeCareStore& store, server::RpcEnv env, kafka::OutboxRelay* relay);

  grpc::ServerUnaryReactor* RegisterClient(grpc::CallbackServerContext* ctx, const v1::RegisterClientRequest* req,
                                           v1::RegisterClientResponse* resp) override;
  grpc::ServerUnaryReactor* RecordAssessment(grpc::CallbackServerContext* ctx, const v1::RecordAssessmentRequest* req,
                                             v1::RecordAssessmentResponse* resp) override;
  grpc::ServerUnaryReactor* GetClient(grpc::CallbackServerContext* ctx, const v1::GetClientRequest* req,
                                      v1::Client* resp) override;
  grpc::ServerUnaryReactor* ListAssessments(grpc::CallbackServerContext* ctx, const v1::ListAssessmentsRequest* req,
                                            v1::ListAssessmentsResponse* resp) override;
  grpc::ServerUnaryReactor* SetCarePlan(grpc::CallbackServerContext* ctx, const v1::SetCarePlanRequest* req,
                                        v1::Client* resp) override;
  grpc::ServerUnaryReactor* RecordVisit(grpc::CallbackServerContext* ctx, const v1::RecordVisitRequest* req,
                                        v1::RecordVisitResponse* resp) override;

 private:
  HomeCareStore& store_;
  server::RpcEnv env_;
  std::function<void()> changed_;  // wakes the outbox relay
};

}  // namespace yhteys::homecare
