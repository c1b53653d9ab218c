#include "intake_service.hpp"

#include "yhteys/server/store_rpc.hpp"

namespace yhteys::mentalhealth {

IntakeService::IntakeService(IntakeStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), changed_([relay] {
        if (relay != nullptr) relay->Notify();
      }) {}

grpc::ServerUnaryReactor* IntakeService::StartIntake(grpc::CallbackServerContext* ctx,
                                                     const v1::StartIntakeRequest* req, v1::Intake* resp) {
  return server::RunMutation(ctx, env_, "MentalHealthIntake/StartIntake", req, resp, store_, &IntakeStore::StartIntake,
                             changed_);
}

grpc::ServerUnaryReactor* IntakeService::SubmitScreening(grpc::CallbackServerContext* ctx,
                                                         const v1::SubmitScreeningRequest* req, v1::Intake* resp) {
  return server::RunMutation(ctx, env_, "MentalHealthIntake/SubmitScreening", req, resp, store_,
                             &IntakeStore::SubmitScreening, changed_);
}

grpc::ServerUnaryReactor* IntakeService::RecordRiskAssessment(grpc::CallbackServerContext* ctx,
                                                              const v1::RecordRiskAssessmentRequest* req,
                                                              v1::Intake* resp) {
  return server::RunMutation(ctx, env_, "MentalHealthIntake/RecordRiskAssessment", req, resp, store_,
                             &IntakeStore::RecordRiskAssessment, changed_);
}

grpc::ServerUnaryReactor* IntakeService::RecordChildrenAtHome(grpc::CallbackServerContext* ctx,
                                                              const v1::RecordChildrenAtHomeRequest* req,
                                                              v1::Intake* resp) {
  return server::RunMutation(ctx, env_, "MentalHealthIntake/RecordChildrenAtHome", req, resp, store_,
                             &IntakeStore::RecordChildrenAtHome, changed_);
}

grpc::ServerUnaryReactor* IntakeService::CompleteIntake(grpc::CallbackServerContext* ctx,
                                                        const v1::CompleteIntakeRequest* req, v1::Intake* resp) {
  return server::RunMutation(ctx, env_, "MentalHealthIntake/CompleteIntake", req, resp, store_,
                             &IntakeStore::CompleteIntake, changed_);
}

grpc::ServerUnaryReactor* IntakeService::GetIntake(grpc::CallbackServerContext* ctx, const v1::GetIntakeRequest* req,
                                                   v1::Intake* resp) {
  return server::RunRead(ctx, env_, "MentalHealthIntake/GetIntake", req, resp,
                         [=, this] { return store_.GetIntake(req->intake_id()); });
}

}  // namespace yhteys::mentalhealth
