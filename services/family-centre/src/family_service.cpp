#include "family_service.hpp"

#include "yhteys/server/store_rpc.hpp"

namespace yhteys::familycentre {

FamilyService::FamilyService(FamilyStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), changed_([relay] {
        if (relay != nullptr) relay->Notify();
      }) {}

grpc::ServerUnaryReactor* FamilyService::RecordContact(grpc::CallbackServerContext* ctx,
                                                       const v1::RecordContactRequest* req, v1::Contact* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/RecordContact", req, resp, store_, &FamilyStore::RecordContact,
                             changed_);
}

grpc::ServerUnaryReactor* FamilyService::OpenCase(grpc::CallbackServerContext* ctx, const v1::OpenCaseRequest* req,
                                                  v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/OpenCase", req, resp, store_, &FamilyStore::OpenCase, changed_);
}

grpc::ServerUnaryReactor* FamilyService::AddMember(grpc::CallbackServerContext* ctx, const v1::AddMemberRequest* req,
                                                   v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/AddMember", req, resp, store_, &FamilyStore::AddMember, changed_);
}

grpc::ServerUnaryReactor* FamilyService::AssignWorker(grpc::CallbackServerContext* ctx,
                                                      const v1::AssignWorkerRequest* req, v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/AssignWorker", req, resp, store_, &FamilyStore::AssignWorker,
                             changed_);
}

grpc::ServerUnaryReactor* FamilyService::StartService(grpc::CallbackServerContext* ctx,
                                                      const v1::StartServiceRequest* req, v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/StartService", req, resp, store_, &FamilyStore::StartService,
                             changed_);
}

grpc::ServerUnaryReactor* FamilyService::EndService(grpc::CallbackServerContext* ctx, const v1::EndServiceRequest* req,
                                                    v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/EndService", req, resp, store_, &FamilyStore::EndService,
                             changed_);
}

grpc::ServerUnaryReactor* FamilyService::RecordEpds(grpc::CallbackServerContext* ctx, const v1::RecordEpdsRequest* req,
                                                    v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/RecordEpds", req, resp, store_, &FamilyStore::RecordEpds,
                             changed_);
}

grpc::ServerUnaryReactor* FamilyService::CloseCase(grpc::CallbackServerContext* ctx, const v1::CloseCaseRequest* req,
                                                   v1::FamilyCase* resp) {
  return server::RunMutation(ctx, env_, "FamilyCentre/CloseCase", req, resp, store_, &FamilyStore::CloseCase, changed_);
}

grpc::ServerUnaryReactor* FamilyService::GetCase(grpc::CallbackServerContext* ctx, const v1::GetCaseRequest* req,
                                                 v1::FamilyCase* resp) {
  return server::RunRead(ctx, env_, "FamilyCentre/GetCase", req, resp,
                         [=, this] { return store_.GetCase(req->case_id()); });
}

grpc::ServerUnaryReactor* FamilyService::ListOpenCases(grpc::CallbackServerContext* ctx,
                                                       const v1::ListOpenCasesRequest* req,
                                                       v1::ListOpenCasesResponse* resp) {
  return server::RunRead(ctx, env_, "FamilyCentre/ListOpenCases", req, resp,
                         [=, this] { return store_.ListOpenCases(*req); });
}

}  // namespace yhteys::familycentre
