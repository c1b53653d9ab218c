#pragma once
// gRPC binding of FamilyStore (yhteys.familycentre.v1.FamilyCentre).

#include <functional>

#include "family_store.hpp"
#include "yhteys/familycentre/v1/family_centre_service.grpc.pb.h"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/server/rpc.hpp"

namespace yhteys::familycentre {

class FamilyService final : public v1::FamilyCentre::CallbackService {
 public:
  FamilyService(FamilyStore& store, server::RpcEnv env, kafka::OutboxRelay* relay);

  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* ctx, const v1::RecordContactRequest* req,
                                          v1::Contact* resp) override;
  grpc::ServerUnaryReactor* OpenCase(grpc::CallbackServerContext* ctx, const v1::OpenCaseRequest* req,
                                     v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* AddMember(grpc::CallbackServerContext* ctx, const v1::AddMemberRequest* req,
                                      v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* AssignWorker(grpc::CallbackServerContext* ctx, const v1::AssignWorkerRequest* req,
                                         v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* StartService(grpc::CallbackServerContext* ctx, const v1::StartServiceRequest* req,
                                         v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* EndService(grpc::CallbackServerContext* ctx, const v1::EndServiceRequest* req,
                                       v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* RecordEpds(grpc::CallbackServerContext* ctx, const v1::RecordEpdsRequest* req,
                                       v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* ctx, const v1::CloseCaseRequest* req,
                                      v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* ctx, const v1::GetCaseRequest* req,
                                    v1::FamilyCase* resp) override;
  grpc::ServerUnaryReactor* ListOpenCases(grpc::CallbackServerContext* ctx, const v1::ListOpenCasesRequest* req,
                                          v1::ListOpenCasesResponse* resp) override;

 private:
  FamilyStore& store_;
  server::RpcEnv env_;
  std::function<void()> changed_;  // wakes the outbox relay
};

}  // namespace yhteys::familycentre
