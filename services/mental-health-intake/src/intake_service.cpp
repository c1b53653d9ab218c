#include "intake_service.hpp"

#include "yhteys/server/idempotency.hpp"

namespace yhteys::mentalhealth {

IntakeService::IntakeService(IntakeStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

template <typename Request>
grpc::ServerUnaryReactor* IntakeService::Mutate(
    grpc::CallbackServerContext* ctx, const char* method, const Request* req, v1::Intake* resp,
    absl::StatusOr<v1::Intake> (IntakeStore::*op)(const std::string&, const Request&)) {
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

grpc::ServerUnaryReactor* IntakeService::StartIntake(grpc::CallbackServerContext* ctx,
                                                     const v1::StartIntakeRequest* req, v1::Intake* resp) {
  return Mutate(ctx, "MentalHealthIntake/StartIntake", req, resp, &IntakeStore::StartIntake);
}

grpc::ServerUnaryReactor* IntakeService::SubmitScreening(grpc::CallbackServerContext* ctx,
                                                         const v1::SubmitScreeningRequest* req, v1::Intake* resp) {
  return Mutate(ctx, "MentalHealthIntake/SubmitScreening", req, resp, &IntakeStore::SubmitScreening);
}

grpc::ServerUnaryReactor* IntakeService::RecordRiskAssessment(grpc::CallbackServerContext* ctx,
                                                              const v1::RecordRiskAssessmentRequest* req,
                                                              v1::Intake* resp) {
  return Mutate(ctx, "MentalHealthIntake/RecordRiskAssessment", req, resp, &IntakeStore::RecordRiskAssessment);
}

grpc::ServerUnaryReactor* IntakeService::RecordChildrenAtHome(grpc::CallbackServerContext* ctx,
                                                              const v1::RecordChildrenAtHomeRequest* req,
                                                              v1::Intake* resp) {
  return Mutate(ctx, "MentalHealthIntake/RecordChildrenAtHome", req, resp, &IntakeStore::RecordChildrenAtHome);
}

grpc::ServerUnaryReactor* IntakeService::CompleteIntake(grpc::CallbackServerContext* ctx,
                                                        const v1::CompleteIntakeRequest* req, v1::Intake* resp) {
  return Mutate(ctx, "MentalHealthIntake/CompleteIntake", req, resp, &IntakeStore::CompleteIntake);
}

grpc::ServerUnaryReactor* IntakeService::GetIntake(grpc::CallbackServerContext* ctx, const v1::GetIntakeRequest* req,
                                                   v1::Intake* resp) {
  return server::RunUnary(ctx, env_, "MentalHealthIntake/GetIntake", [=, this]() -> absl::Status {
    auto result = store_.GetIntake(req->intake_id());
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::mentalhealth
