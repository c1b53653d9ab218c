#include "family_service.hpp"

#include "yhteys/server/idempotency.hpp"

namespace yhteys::familycentre {

FamilyService::FamilyService(FamilyStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* FamilyService::Mutate(
    grpc::CallbackServerContext* ctx, const char* method, const Request* req, Response* resp,
    absl::StatusOr<Response> (FamilyStore::*op)(const std::string&, const Request&)) {
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

grpc::ServerUnaryReactor* FamilyService::RecordContact(grpc::CallbackServerContext* ctx, const v1::RecordContactRequest* req,
                                              v1::Contact* resp) {
  return Mutate(ctx, "FamilyCentre/RecordContact", req, resp, &FamilyStore::RecordContact);
}

grpc::ServerUnaryReactor* FamilyService::OpenCase(grpc::CallbackServerContext* ctx, const v1::OpenCaseRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/OpenCase", req, resp, &FamilyStore::OpenCase);
}

grpc::ServerUnaryReactor* FamilyService::AddMember(grpc::CallbackServerContext* ctx, const v1::AddMemberRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/AddMember", req, resp, &FamilyStore::AddMember);
}

grpc::ServerUnaryReactor* FamilyService::AssignWorker(grpc::CallbackServerContext* ctx, const v1::AssignWorkerRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/AssignWorker", req, resp, &FamilyStore::AssignWorker);
}

grpc::ServerUnaryReactor* FamilyService::StartService(grpc::CallbackServerContext* ctx, const v1::StartServiceRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/StartService", req, resp, &FamilyStore::StartService);
}

grpc::ServerUnaryReactor* FamilyService::EndService(grpc::CallbackServerContext* ctx, const v1::EndServiceRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/EndService", req, resp, &FamilyStore::EndService);
}

grpc::ServerUnaryReactor* FamilyService::RecordEpds(grpc::CallbackServerContext* ctx, const v1::RecordEpdsRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/RecordEpds", req, resp, &FamilyStore::RecordEpds);
}

grpc::ServerUnaryReactor* FamilyService::CloseCase(grpc::CallbackServerContext* ctx, const v1::CloseCaseRequest* req,
                                              v1::FamilyCase* resp) {
  return Mutate(ctx, "FamilyCentre/CloseCase", req, resp, &FamilyStore::CloseCase);
}

grpc::ServerUnaryReactor* FamilyService::GetCase(grpc::CallbackServerContext* ctx, const v1::GetCaseRequest* req,
                                                 v1::FamilyCase* resp) {
  return server::RunUnary(ctx, env_, "FamilyCentre/GetCase", [=, this]() -> absl::Status {
    auto result = store_.GetCase(req->case_id());
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* FamilyService::ListOpenCases(grpc::CallbackServerContext* ctx,
                                                       const v1::ListOpenCasesRequest* req,
                                                       v1::ListOpenCasesResponse* resp) {
  return server::RunUnary(ctx, env_, "FamilyCentre/ListOpenCases", [=, this]() -> absl::Status {
    auto result = store_.ListOpenCases(*req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::familycentre
