#include "home_care_service.hpp"

#include "yhteys/server/store_rpc.hpp"

namespace yhteys::homecare {

HomeCareService::HomeCareService(HomeCareStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), changed_([relay] {
        if (relay != nullptr) relay->Notify();
      }) {}

grpc::ServerUnaryReactor* HomeCareService::RegisterClient(grpc::CallbackServerContext* ctx,
                                                          const v1::RegisterClientRequest* req,
                                                          v1::RegisterClientResponse* resp) {
  return server::RunMutation(ctx, env_, "HomeCare/RegisterClient", req, resp, store_, &HomeCareStore::RegisterClient,
                             changed_);
}

grpc::ServerUnaryReactor* HomeCareService::RecordAssessment(grpc::CallbackServerContext* ctx,
                                                            const v1::RecordAssessmentRequest* req,
                                                            v1::RecordAssessmentResponse* resp) {
  return server::RunMutation(ctx, env_, "HomeCare/RecordAssessment", req, resp, store_,
                             &HomeCareStore::RecordAssessment, changed_);
}

grpc::ServerUnaryReactor* HomeCareService::SetCarePlan(grpc::CallbackServerContext* ctx,
                                                       const v1::SetCarePlanRequest* req, v1::Client* resp) {
  return server::RunMutation(ctx, env_, "HomeCare/SetCarePlan", req, resp, store_, &HomeCareStore::SetCarePlan,
                             changed_);
}

grpc::ServerUnaryReactor* HomeCareService::RecordVisit(grpc::CallbackServerContext* ctx,
                                                       const v1::RecordVisitRequest* req,
                                                       v1::RecordVisitResponse* resp) {
  return server::RunMutation(ctx, env_, "HomeCare/RecordVisit", req, resp, store_, &HomeCareStore::RecordVisit,
                             changed_);
}

grpc::ServerUnaryReactor* HomeCareService::ListAssessments(grpc::CallbackServerContext* ctx,
                                                           const v1::ListAssessmentsRequest* req,
                                                           v1::ListAssessmentsResponse* resp) {
  return server::RunRead(ctx, env_, "HomeCare/ListAssessments", req, resp,
                         [=, this] { return store_.ListAssessments(req->client_id()); });
}

grpc::ServerUnaryReactor* HomeCareService::GetClient(grpc::CallbackServerContext* ctx, const v1::GetClientRequest* req,
                                                     v1::Client* resp) {
  return server::RunRead(ctx, env_, "HomeCare/GetClient", req, resp,
                         [=, this] { return store_.GetClient(req->client_id()); });
}

}  // namespace yhteys::homecare
