#pragma once
// gRPC binding of InboxStore (yhteys.referral.v1.ReferralInbox, callback
// API). Handlers validate, resolve the idempotency key and run the store on
// the executor; they hold no state of their own.

#include "yhteys/inbox/inbox_store.hpp"
#include "yhteys/kafka/outbox_relay.hpp"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::inbox {

class InboxService final : public referral::v1::ReferralInbox::CallbackService {
 public:
  // `relay` is woken after each change (may be null).
  InboxService(InboxStore& store, server::RpcEnv env, kafka::OutboxRelay* relay);

  grpc::ServerUnaryReactor* OfferReferral(grpc::CallbackServerContext* ctx,
                                          const referral::v1::OfferReferralRequest* req,
                                          referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* AcceptReferral(grpc::CallbackServerContext* ctx,
                                           const referral::v1::AcceptReferralRequest* req,
                                           referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* DeclineReferral(grpc::CallbackServerContext* ctx,
                                            const referral::v1::DeclineReferralRequest* req,
                                            referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* StartReferral(grpc::CallbackServerContext* ctx,
                                          const referral::v1::StartReferralRequest* req,
                                          referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* CompleteReferral(grpc::CallbackServerContext* ctx,
                                             const referral::v1::CompleteReferralRequest* req,
                                             referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* WithdrawReferral(grpc::CallbackServerContext* ctx,
                                             const referral::v1::WithdrawReferralRequest* req,
                                             referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* GetInboxEntry(grpc::CallbackServerContext* ctx,
                                          const referral::v1::GetInboxEntryRequest* req,
                                          referral::v1::InboxEntry* resp) override;
  grpc::ServerUnaryReactor* ListInbox(grpc::CallbackServerContext* ctx, const referral::v1::ListInboxRequest* req,
                                      referral::v1::ListInboxResponse* resp) override;

 private:
  InboxStore& store_;
  server::RpcEnv env_;
  kafka::OutboxRelay* relay_;
};

}  // namespace yhteys::inbox
