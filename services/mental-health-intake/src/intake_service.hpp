#pragma once
// gRPC binding of IntakeStore (yhteys.mentalhealth.v1.MentalHealthIntake).

#include <functional>

#include "intake_store.hpp"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/mentalhealth/v1/mental_health_intake_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::mentalhealth {

class IntakeService final : public v1::MentalHealthIntake::CallbackService {
 public:
  IntakeService(IntakeStore& store, server::RpcEnv env, kafka::OutboxRelay* relay);

  grpc::ServerUnaryReactor* StartIntake(grpc::CallbackServerContext* ctx, const v1::StartIntakeRequest* req,
                                        v1::Intake* resp) override;
  grpc::ServerUnaryReactor* SubmitScreening(grpc::CallbackServerContext* ctx, const v1::SubmitScreeningRequest* req,
                                            v1::Intake* resp) override;
  grpc::ServerUnaryReactor* RecordRiskAssessment(grpc::CallbackServerContext* ctx,
                                                 const v1::RecordRiskAssessmentRequest* req, v1::Intake* resp) override;
  grpc::ServerUnaryReactor* RecordChildrenAtHome(grpc::CallbackServerContext* ctx,
                                                 const v1::RecordChildrenAtHomeRequest* req, v1::Intake* resp) override;
  grpc::ServerUnaryReactor* CompleteIntake(grpc::CallbackServerContext* ctx, const v1::CompleteIntakeRequest* req,
                                           v1::Intake* resp) override;
  grpc::ServerUnaryReactor* GetIntake(grpc::CallbackServerContext* ctx, const v1::GetIntakeRequest* req,
                                      v1::Intake* resp) override;

 private:
  IntakeStore& store_;
  server::RpcEnv env_;
  std::function<void()> changed_;  // wakes the outbox relay
};

}  // namespace yhteys::mentalhealth
