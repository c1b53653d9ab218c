#pragma once
// gRPC binding of IntakeStore (yhteys.mentalhealth.v1.MentalHealthIntake).

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
                                                 const v1::RecordRiskAssessmentRequest* req,
                                                 v1::Intake* resp) override;
  grpc::ServerUnaryReactor* RecordChildrenAtHome(grpc::CallbackServerContext* ctx,
                                                 const v1::RecordChildrenAtHomeRequest* req,
                                                 v1::Intake* resp) override;
  grpc::ServerUnaryReactor* CompleteIntake(grpc::CallbackServerContext* ctx, const v1::CompleteIntakeRequest* req,
                                           v1::Intake* resp) override;
  grpc::ServerUnaryReactor* GetIntake(grpc::CallbackServerContext* ctx, const v1::GetIntakeRequest* req,
                                      v1::Intake* resp) override;

 private:
  // A mutating RPC: resolves the idempotency key, runs `op` on a worker and
  // wakes the relay after a change.
  template <typename Request>
  grpc::ServerUnaryReactor* Mutate(grpc::CallbackServerContext* ctx, const char* method, const Request* req,
                                   v1::Intake* resp,
                                   absl::StatusOr<v1::Intake> (IntakeStore::*op)(const std::string&, const Request&));

  IntakeStore& store_;
  server::RpcEnv env_;
  kafka::OutboxRelay* relay_;
};

}  // namespace yhteys::mentalhealth
