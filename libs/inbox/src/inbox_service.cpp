#include "yhteys/inbox/inbox_service.hpp"

#include <algorithm>

#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/server/access_control.hpp"
#include "yhteys/server/idempotency.hpp"

namespace yhteys::inbox {
namespace {

template <typename T>
absl::Status Assign(absl::StatusOr<T> result, T* out) {
  if (!result.ok()) return result.status();
  *out = std::move(*result);
  return absl::OkStatus();
}

}  // namespace

InboxService::InboxService(InboxStore& store, server::RpcEnv env, kafka::OutboxRelay* relay)
    : store_(store), env_(env), relay_(relay) {}

grpc::ServerUnaryReactor* InboxService::OfferReferral(grpc::CallbackServerContext* ctx,
                                                      const referral::v1::OfferReferralRequest* req,
                                                      referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/OfferReferral", req, resp,
                          [=, this] { return Assign(store_.Offer(req->offer()), resp); });
}

grpc::ServerUnaryReactor* InboxService::AcceptReferral(grpc::CallbackServerContext* ctx,
                                                       const referral::v1::AcceptReferralRequest* req,
                                                       referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/AcceptReferral", req, resp, [=, this] {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto st = Assign(store_.Accept(*key, ids::RequestFingerprint(*req), req->referral_id(), req->unit_id()), resp);
    if (st.ok() && relay_) relay_->Notify();
    return st;
  });
}

grpc::ServerUnaryReactor* InboxService::DeclineReferral(grpc::CallbackServerContext* ctx,
                                                        const referral::v1::DeclineReferralRequest* req,
                                                        referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/DeclineReferral", req, resp, [=, this] {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto st = Assign(
        store_.Decline(*key, ids::RequestFingerprint(*req), req->referral_id(), req->reason(), req->unit_id()), resp);
    if (st.ok() && relay_) relay_->Notify();
    return st;
  });
}

grpc::ServerUnaryReactor* InboxService::StartReferral(grpc::CallbackServerContext* ctx,
                                                      const referral::v1::StartReferralRequest* req,
                                                      referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/StartReferral", req, resp, [=, this] {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto st = Assign(store_.Start(*key, ids::RequestFingerprint(*req), req->referral_id()), resp);
    if (st.ok() && relay_) relay_->Notify();
    return st;
  });
}

grpc::ServerUnaryReactor* InboxService::CompleteReferral(grpc::CallbackServerContext* ctx,
                                                         const referral::v1::CompleteReferralRequest* req,
                                                         referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/CompleteReferral", req, resp, [=, this] {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto st = Assign(store_.Complete(*key, ids::RequestFingerprint(*req), req->referral_id(), req->outcome()), resp);
    if (st.ok() && relay_) relay_->Notify();
    return st;
  });
}

grpc::ServerUnaryReactor* InboxService::WithdrawReferral(grpc::CallbackServerContext* ctx,
                                                         const referral::v1::WithdrawReferralRequest* req,
                                                         referral::v1::InboxEntry* resp) {
  // Idempotent by state (an entry no longer offered is returned as it is);
  // publishes nothing, so the relay is not woken.
  return server::RunUnary(ctx, env_, "ReferralInbox/WithdrawReferral", req, resp, [=, this] {
    return Assign(store_.Withdraw(req->referral_id(), req->unit_id(), req->reason()), resp);
  });
}

grpc::ServerUnaryReactor* InboxService::GetInboxEntry(grpc::CallbackServerContext* ctx,
                                                      const referral::v1::GetInboxEntryRequest* req,
                                                      referral::v1::InboxEntry* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/GetInboxEntry", req, resp,
                          [=, this] { return Assign(store_.Get(req->referral_id()), resp); });
}

grpc::ServerUnaryReactor* InboxService::ListInbox(grpc::CallbackServerContext* ctx,
                                                  const referral::v1::ListInboxRequest* req,
                                                  referral::v1::ListInboxResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralInbox/ListInbox", req, resp, [=, this] {
    absl::Status listed = Assign(store_.List(req->page_size(), req->page_token()), resp);
    if (!listed.ok()) return listed;
    // A caller bound to a unit sees its own unit's entries: those offered to
    // it or taken in by it (and any offer naming no unit), not another
    // unit's (a page may then hold fewer entries than asked; the token still
    // pages on).
    const std::string unit = server::CallerOf(*ctx).unit;
    if (!unit.empty()) {
      auto* entries = resp->mutable_entries();
      entries->erase(std::remove_if(entries->begin(), entries->end(),
                                    [&](const referral::v1::InboxEntry& e) {
                                      const std::string& owner = OwnerUnit(e);
                                      return !owner.empty() && owner != unit;
                                    }),
                     entries->end());
    }
    return absl::OkStatus();
  });
}

}  // namespace yhteys::inbox
