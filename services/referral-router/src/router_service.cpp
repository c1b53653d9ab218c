#include "router_service.hpp"

#include "referral_lifecycle.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/server/idempotency.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::router {

absl::Status ValidateOutcome(const std::string& field, const referral::v1::Outcome& outcome) {
  switch (outcome.result()) {
    case referral::v1::OUTCOME_RESULT_SERVICE_GIVEN:
      if (outcome.reason() != referral::v1::COULD_NOT_HELP_REASON_UNSPECIFIED) {
        return absl::InvalidArgumentError(field + ".reason: only with COULD_NOT_HELP");
      }
      break;
    case referral::v1::OUTCOME_RESULT_COULD_NOT_HELP:
      if (auto st = validate::EnumSet(field + ".reason", outcome.reason(), &referral::v1::CouldNotHelpReason_IsValid);
          !st.ok()) {
        return st;
      }
      break;
    default: return absl::InvalidArgumentError(field + ".result: required, SERVICE_GIVEN or COULD_NOT_HELP");
  }
  if (!outcome.completed_on().empty() && !calendar::ParseDate(outcome.completed_on()).ok()) {
    return absl::InvalidArgumentError(field + ".completed_on: not a date (YYYY-MM-DD)");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Referral> RespondToExternal(ReferralStore& store, const std::string& idempotency_key,
                                               const v1::RespondToExternalReferralRequest& request) {
  if (request.referral_id().empty()) return absl::InvalidArgumentError("referral_id: required");
  switch (request.response()) {
    case referral::v1::INBOX_STATE_ACCEPTED:
    case referral::v1::INBOX_STATE_IN_PROGRESS:
    case referral::v1::INBOX_STATE_COMPLETED:
      if (request.decline_reason() != referral::v1::DECLINE_REASON_UNSPECIFIED) {
        return absl::InvalidArgumentError("decline_reason: only with DECLINED");
      }
      break;
    case referral::v1::INBOX_STATE_DECLINED:
      if (auto st = validate::EnumSet("decline_reason", request.decline_reason(), &referral::v1::DeclineReason_IsValid);
          !st.ok()) {
        return st;
      }
      if (request.decline_reason() == referral::v1::DECLINE_REASON_OFFER_EXPIRED) {
        return absl::InvalidArgumentError("decline_reason: OFFER_EXPIRED is the router's, not a unit's answer");
      }
      break;
    default: return absl::InvalidArgumentError("response: expected ACCEPTED, DECLINED, IN_PROGRESS or COMPLETED");
  }
  if (request.response() == referral::v1::INBOX_STATE_COMPLETED) {
    if (auto st = ValidateOutcome("outcome", request.outcome()); !st.ok()) return st;
  } else if (request.has_outcome()) {
    return absl::InvalidArgumentError("outcome: only with COMPLETED");
  }
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  Answer answer;
  answer.state = request.response();
  answer.unit_id = request.unit_id();
  answer.decline_reason = request.decline_reason();
  answer.outcome = request.outcome();
  answer.at = ids::NowTimestamp();
  auto changed = store.Change(
      request.referral_id(),
      [&](const v1::Referral& r) -> absl::StatusOr<v1::Referral> {
        if (r.target_service() != common::v1::SERVICE_NAME_EXTERNAL) {
          return absl::FailedPreconditionError(
              "referral_id: not offered to an external unit (its unit answers through its service's ReferralInbox)");
        }
        return DecideAnswer(r, answer);
      },
      Dedup::Request("RespondToExternalReferral", idempotency_key, ids::RequestFingerprint(request)));
  if (!changed.ok()) return changed.status();
  return std::move(changed->referral);
}

absl::StatusOr<v1::Referral> CancelReferral(ReferralStore& store, const std::string& idempotency_key,
                                            const v1::CancelReferralRequest& request) {
  if (request.referral_id().empty()) return absl::InvalidArgumentError("referral_id: required");
  if (request.reason() != referral::v1::CANCEL_REASON_ORIGIN_WITHDREW &&
      request.reason() != referral::v1::CANCEL_REASON_CLIENT_REFUSED) {
    return absl::InvalidArgumentError("reason: required, ORIGIN_WITHDREW or CLIENT_REFUSED");
  }
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  const Timestamp now = ids::NowTimestamp();
  auto changed = store.Change(
      request.referral_id(), [&](const v1::Referral& r) { return DecideCancelled(r, request.reason(), now); },
      Dedup::Request("CancelReferral", idempotency_key, ids::RequestFingerprint(request)));
  if (!changed.ok()) return changed.status();
  return std::move(changed->referral);
}

absl::StatusOr<v1::ClientSharing> RecordClientSharing(const SharingStore& store, const SharingSettings& settings,
                                                      const std::string& idempotency_key,
                                                      const v1::RecordClientSharingRequest& request) {
  std::string pseudonym;
  switch (request.client_case()) {
    case v1::RecordClientSharingRequest::kClientPseudonym:
      if (auto st = validate::Pseudonym("client_pseudonym", request.client_pseudonym()); !st.ok()) return st;
      pseudonym = request.client_pseudonym();
      break;
    case v1::RecordClientSharingRequest::kIdentityCode: {
      auto from_code = hetu::PseudonymOfIdentityCode(
          request.identity_code(), {settings.today(), settings.accept_temporary_codes}, *settings.pseudonymizer);
      if (!from_code.ok()) return from_code.status();
      pseudonym = std::move(*from_code);
      break;
    }
    default: return absl::InvalidArgumentError("client_pseudonym: required (or identity_code)");
  }
  switch (request.status()) {
    case referral::v1::SHARING_STATUS_CONSENT_GIVEN:
    case referral::v1::SHARING_STATUS_CONSENT_WITHDRAWN:
    case referral::v1::SHARING_STATUS_SHARING_DENIED: break;
    default: return absl::InvalidArgumentError("status: expected CONSENT_GIVEN, CONSENT_WITHDRAWN or SHARING_DENIED");
  }
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  // The fingerprint never sees the identity code: the pseudonym stands in.
  v1::RecordClientSharingRequest for_fingerprint = request;
  for_fingerprint.set_client_pseudonym(pseudonym);
  return store.Record(idempotency_key, ids::RequestFingerprint(for_fingerprint), pseudonym, request.status(),
                      request.unit_id());
}

RouterService::RouterService(ReferralStore& store, const SharingStore& sharing, SharingSettings settings,
                             server::RpcEnv env, std::function<void()> on_change)
    : store_(store), sharing_(sharing), settings_(std::move(settings)), env_(env), on_change_(std::move(on_change)) {}

absl::Status RouterService::CheckDetailsMayBeShown(const std::string& client_pseudonym) const {
  auto current = sharing_.Get(client_pseudonym);
  if (!current.ok()) return current.status();
  if (SharingRestricted(current->sharing.status())) {
    return absl::PermissionDeniedError(
        "client_pseudonym: the client's consent is withdrawn or sharing denied (kielto): referral details are not "
        "shown");
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RouterService::GetReferral(grpc::CallbackServerContext* ctx,
                                                     const v1::GetReferralRequest* req, v1::Referral* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/GetReferral", req, resp, [=, this]() -> absl::Status {
    if (req->referral_id().empty()) return absl::InvalidArgumentError("referral_id: required");
    auto result = store_.Get(req->referral_id());
    if (!result.ok()) return result.status();
    if (absl::Status shown = CheckDetailsMayBeShown(result->offer().client_pseudonym()); !shown.ok()) {
      // Never sent (the call fails); names the client so that the denial is
      // audited under them.
      resp->mutable_offer()->set_client_pseudonym(result->offer().client_pseudonym());
      return shown;
    }
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::ListClientReferrals(grpc::CallbackServerContext* ctx,
                                                             const v1::ListClientReferralsRequest* req,
                                                             v1::ListClientReferralsResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/ListClientReferrals", req, resp, [=, this]() -> absl::Status {
    if (auto st = validate::Pseudonym("client_pseudonym", req->client_pseudonym()); !st.ok()) return st;
    if (absl::Status shown = CheckDetailsMayBeShown(req->client_pseudonym()); !shown.ok()) return shown;
    auto result = store_.ListForClient(req->client_pseudonym());
    if (!result.ok()) return result.status();
    for (auto& r : *result) *resp->add_referrals() = std::move(r);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::RespondToExternalReferral(grpc::CallbackServerContext* ctx,
                                                                   const v1::RespondToExternalReferralRequest* req,
                                                                   v1::Referral* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/RespondToExternalReferral", req, resp,
                          [=, this]() -> absl::Status {
                            auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
                            if (!key.ok()) return key.status();
                            auto result = RespondToExternal(store_, *key, *req);
                            if (!result.ok()) return result.status();
                            *resp = std::move(*result);
                            // The external unit sees the offer as it was told it, no more.
                            *resp->mutable_offer() = OfferForTarget(resp->offer());
                            if (on_change_) on_change_();
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* RouterService::CancelReferral(grpc::CallbackServerContext* ctx,
                                                        const v1::CancelReferralRequest* req, v1::Referral* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/CancelReferral", req, resp, [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = router::CancelReferral(store_, *key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (on_change_) on_change_();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::RecordClientSharing(grpc::CallbackServerContext* ctx,
                                                             const v1::RecordClientSharingRequest* req,
                                                             v1::ClientSharing* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/RecordClientSharing", req, resp, [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = router::RecordClientSharing(sharing_, settings_, *key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (on_change_) on_change_();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::GetClientSharing(grpc::CallbackServerContext* ctx,
                                                          const v1::GetClientSharingRequest* req,
                                                          v1::ClientSharing* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/GetClientSharing", req, resp, [=, this]() -> absl::Status {
    if (auto st = validate::Pseudonym("client_pseudonym", req->client_pseudonym()); !st.ok()) return st;
    auto current = sharing_.Get(req->client_pseudonym());
    if (!current.ok()) return current.status();
    *resp = std::move(current->sharing);
    return absl::OkStatus();
  });
}

}  // namespace yhteys::router
