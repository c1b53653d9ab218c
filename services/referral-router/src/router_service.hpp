#pragma once
// gRPC binding of the router's queries (yhteys.router.v1.ReferralRouter).

#include <functional>

#include "client_sharing.hpp"
#include "directory_source.hpp"
#include "event_handler.hpp"
#include "referral_store.hpp"
#include "referral_watch.hpp"
#include "unit_store.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::router {

// An external system's answer to a referral published to it, applied like a
// ReferralInbox outcome (deduplicated on the idempotency key). Blocking.
// `today` bounds the outcome's completed_on.
absl::StatusOr<v1::Referral> RespondToExternal(ReferralStore& store, const std::string& idempotency_key,
                                               const v1::RespondToExternalReferralRequest& request,
                                               std::chrono::year_month_day today);
// The originating unit's or the client's cancellation. Blocking.
absl::StatusOr<v1::Referral> CancelReferral(ReferralStore& store, const std::string& idempotency_key,
                                            const v1::CancelReferralRequest& request);
// The directory's units matching the request's filters, with each unit's
// own report of its status and capacity. Blocking.
absl::StatusOr<v1::ListUnitsResponse> ListUnits(const Directory& directory, const UnitStore& units,
                                                const v1::ListUnitsRequest& request);
// A unit's worklist, and a county's counsellors' worklist. Blocking.
absl::StatusOr<v1::ListWorklistResponse> ListWorklist(ReferralStore& store, const v1::ListWorklistRequest& request);
absl::StatusOr<v1::ListWorklistResponse> ListCounsellorWorklist(ReferralStore& store,
                                                                const v1::ListCounsellorWorklistRequest& request);
// A unit's report of its own status and capacity. Blocking.
absl::StatusOr<v1::Unit> UpdateUnitAvailability(const Directory& directory, UnitStore& units,
                                                const std::string& idempotency_key,
                                                const v1::UpdateUnitAvailabilityRequest& request,
                                                const std::string& today);

struct SharingSettings {
  const hetu::Pseudonymizer* pseudonymizer = nullptr;
  bool accept_temporary_codes = false;
  std::function<std::chrono::year_month_day()> today;
};

// The client's journey over the last `request.months` months; `today`
// dates it. Blocking.
absl::StatusOr<v1::ClientJourney> ClientJourney(ReferralStore& store, const SharingSettings& settings,
                                                const v1::GetClientJourneyRequest& request);

// Records a client's sharing decision. Blocking.
absl::StatusOr<v1::ClientSharing> RecordClientSharing(const SharingStore& store, const SharingSettings& settings,
                                                      const std::string& idempotency_key,
                                                      const v1::RecordClientSharingRequest& request);

// The service counselling's contact: validates it, resolves the client
// (identity code pseudonymised here, or a fresh pseudonym for an anonymous
// client), and makes every referral its needs imply with the contact's
// event in one step (ReferralStore::RecordContact). `source` is the
// router's ce_source. Blocking.
absl::StatusOr<v1::CounsellingContact> RecordCounsellingContact(ReferralStore& store, EventHandler& handler,
                                                                const SharingSettings& settings,
                                                                const std::string& source,
                                                                const std::string& idempotency_key,
                                                                const v1::RecordCounsellingContactRequest& request);

class RouterService final : public v1::ReferralRouter::CallbackService {
 public:
  // `on_change` is called after a change was written (wakes the relay).
  RouterService(ReferralStore& store, const SharingStore& sharing, const DirectorySource& directory, UnitStore& units,
                EventHandler& handler, std::string source, SharingSettings settings, WatchSettings watch,
                server::RpcEnv env, std::function<void()> on_change);

  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx, const v1::GetReferralRequest* req,
                                        v1::Referral* resp) override;
  grpc::ServerUnaryReactor* ListClientReferrals(grpc::CallbackServerContext* ctx,
                                                const v1::ListClientReferralsRequest* req,
                                                v1::ListClientReferralsResponse* resp) override;
  grpc::ServerUnaryReactor* GetClientJourney(grpc::CallbackServerContext* ctx, const v1::GetClientJourneyRequest* req,
                                             v1::ClientJourney* resp) override;
  grpc::ServerUnaryReactor* RespondToExternalReferral(grpc::CallbackServerContext* ctx,
                                                      const v1::RespondToExternalReferralRequest* req,
                                                      v1::Referral* resp) override;
  grpc::ServerUnaryReactor* CancelReferral(grpc::CallbackServerContext* ctx, const v1::CancelReferralRequest* req,
                                           v1::Referral* resp) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* ctx, const v1::ListUnitsRequest* req,
                                      v1::ListUnitsResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateUnitAvailability(grpc::CallbackServerContext* ctx,
                                                   const v1::UpdateUnitAvailabilityRequest* req,
                                                   v1::Unit* resp) override;
  grpc::ServerUnaryReactor* ListWorklist(grpc::CallbackServerContext* ctx, const v1::ListWorklistRequest* req,
                                         v1::ListWorklistResponse* resp) override;
  grpc::ServerUnaryReactor* ListCounsellorWorklist(grpc::CallbackServerContext* ctx,
                                                   const v1::ListCounsellorWorklistRequest* req,
                                                   v1::ListWorklistResponse* resp) override;
  grpc::ServerUnaryReactor* RecordClientSharing(grpc::CallbackServerContext* ctx,
                                                const v1::RecordClientSharingRequest* req,
                                                v1::ClientSharing* resp) override;
  grpc::ServerUnaryReactor* GetClientSharing(grpc::CallbackServerContext* ctx, const v1::GetClientSharingRequest* req,
                                             v1::ClientSharing* resp) override;
  grpc::ServerUnaryReactor* RecordCounsellingContact(grpc::CallbackServerContext* ctx,
                                                     const v1::RecordCounsellingContactRequest* req,
                                                     v1::CounsellingContact* resp) override;
  const WatchSettings& watch_settings() const { return watch_; }

  grpc::ServerWriteReactor<v1::ReferralUpdate>* WatchReferrals(grpc::CallbackServerContext* ctx,
                                                               const v1::WatchReferralsRequest* req) override;

 private:
  // PERMISSION_DENIED when the client's referral details may not be shown
  // to the router's callers: the client has withdrawn consent or denied
  // sharing (whatever the decision was when a referral was made).
  absl::Status CheckDetailsMayBeShown(const std::string& client_pseudonym) const;

  ReferralStore& store_;
  const SharingStore& sharing_;
  const DirectorySource& directory_;
  UnitStore& units_;
  EventHandler& handler_;
  std::string source_;
  SharingSettings settings_;
  WatchSettings watch_;
  std::atomic<int> open_watches_{0};
  server::RpcEnv env_;
  std::function<void()> on_change_;
};

}  // namespace yhteys::router
