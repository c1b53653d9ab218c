#include "router_service.hpp"

#include <algorithm>
#include <tuple>

#include "absl/strings/numbers.h"
#include "counselling.hpp"
#include "referral_lifecycle.hpp"
#include "service_types.hpp"
#include "worklist.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/hetu/pseudonymizer.hpp"
#include "yhteys/ids/fingerprint.hpp"
#include "yhteys/ids/proto_time.hpp"
#include "yhteys/inbox/inbox_store.hpp"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/server/idempotency.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::router {

namespace {

// The client a request names: its pseudonym, or its identity code
// pseudonymised here (the code goes no further).
absl::StatusOr<std::string> ClientPseudonymOf(bool by_code, const std::string& pseudonym,
                                              const std::string& identity_code, const SharingSettings& settings) {
  if (by_code) {
    return hetu::PseudonymOfIdentityCode(identity_code, {settings.today(), settings.accept_temporary_codes},
                                         *settings.pseudonymizer);
  }
  if (auto st = validate::Pseudonym("client_pseudonym", pseudonym); !st.ok()) return st;
  return pseudonym;
}

}  // namespace

absl::StatusOr<v1::Referral> RespondToExternal(ReferralStore& store, const std::string& idempotency_key,
                                               const v1::RespondToExternalReferralRequest& request,
                                               std::chrono::year_month_day today) {
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
    // The same rules as an inbox's CompleteReferral.
    if (auto st = inbox::ValidateOutcome(request.outcome(), today); !st.ok()) return st;
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

absl::StatusOr<v1::ListUnitsResponse> ListUnits(const Directory& directory, const UnitStore& units,
                                                const v1::ListUnitsRequest& request) {
  if (!request.service_type().empty() && FindServiceType(request.service_type()) == nullptr) {
    return absl::InvalidArgumentError("service_type: '" + request.service_type() + "' is not one of " +
                                      ServiceTypeIds());
  }
  if (!request.municipality_code().empty()) {
    if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  }
  if (!common::v1::Language_IsValid(request.language())) {
    return absl::InvalidArgumentError("language: unknown value");
  }
  if (!request.county().empty()) {
    if (auto st = validate::Identifier("county", request.county()); !st.ok()) return st;
  }
  const int page_size = request.page_size() == 0 ? 100 : request.page_size();
  if (auto st = validate::InRange("page_size", page_size, 1, 500); !st.ok()) return st;
  size_t offset = 0;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &offset)) {
    return absl::InvalidArgumentError("page_token: not a token from this service");
  }
  std::vector<DirectoryUnit> matching;
  for (const DirectoryUnit& unit : directory.units) {
    if (!request.service_type().empty() && unit.service_type != request.service_type()) continue;
    if (!request.municipality_code().empty() && unit.municipalities.count(request.municipality_code()) == 0) continue;
    if (request.language() != common::v1::LANGUAGE_UNSPECIFIED && unit.languages.count(request.language()) == 0) {
      continue;
    }
    if (!request.county().empty() && unit.county != request.county()) continue;
    matching.push_back(unit);
  }
  std::vector<std::string> ids;
  for (const auto& unit : matching) ids.push_back(unit.id);
  auto reported = units.Get(ids);
  if (!reported.ok()) return reported.status();
  ApplyAvailability(*reported, &matching);
  if (request.active_only()) {
    std::erase_if(matching, [](const DirectoryUnit& u) { return u.status != UnitStatus::kActive; });
  }
  std::sort(matching.begin(), matching.end(), [](const DirectoryUnit& a, const DirectoryUnit& b) {
    return std::tie(a.county, a.id) < std::tie(b.county, b.id);
  });
  v1::ListUnitsResponse response;
  for (size_t i = offset; i < matching.size() && response.units_size() < page_size; ++i) {
    *response.add_units() = UnitMessage(matching[i], reported->count(matching[i].id) > 0);
  }
  if (offset + page_size < matching.size()) response.set_next_page_token(std::to_string(offset + page_size));
  return response;
}

namespace {

// How many referrals of one worklist a read looks at (the first in clock order).
constexpr int kWorklistScan = 5000;

absl::StatusOr<std::pair<int, size_t>> Page(int page_size, const std::string& page_token) {
  const int size = page_size == 0 ? 50 : page_size;
  if (auto st = validate::InRange("page_size", size, 1, 500); !st.ok()) return st;
  size_t offset = 0;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &offset) || offset > kWorklistScan)) {
    return absl::InvalidArgumentError("page_token: not a token from this service");
  }
  return std::make_pair(size, offset);
}

// The page of `items` from `offset`; each referral as its unit was told it.
v1::ListWorklistResponse PageOf(std::vector<v1::WorklistItem> items, int size, size_t offset) {
  v1::ListWorklistResponse response;
  for (size_t i = offset; i < items.size() && response.items_size() < size; ++i) {
    v1::WorklistItem& item = items[i];
    *item.mutable_referral()->mutable_offer() = OfferForTarget(item.referral().offer());
    *response.add_items() = std::move(item);
  }
  if (offset + size < items.size()) response.set_next_page_token(std::to_string(offset + size));
  return response;
}

}  // namespace

absl::StatusOr<v1::ListWorklistResponse> ListWorklist(ReferralStore& store, const v1::ListWorklistRequest& request) {
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  for (int i = 0; i < request.states_size(); ++i) {
    const auto state = request.states(i);
    if (state != referral::v1::REFERRAL_STATE_OFFERED && state != referral::v1::REFERRAL_STATE_ACCEPTED &&
        state != referral::v1::REFERRAL_STATE_IN_PROGRESS) {
      return absl::InvalidArgumentError("states[" + std::to_string(i) +
                                        "]: a unit's worklist holds OFFERED, ACCEPTED and IN_PROGRESS");
    }
  }
  if (!common::v1::Urgency_IsValid(request.urgency())) return absl::InvalidArgumentError("urgency: unknown value");
  auto page = Page(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  auto referrals = store.Worklist(request.unit_id(), false, kWorklistScan);
  if (!referrals.ok()) return referrals.status();
  std::vector<v1::WorklistItem> items;
  for (const auto& r : *referrals) {
    // Indexed, but moved on since (a read between two writes): left out.
    if (WorklistUnit(r) != request.unit_id()) continue;
    v1::WorklistItem item = WorklistItemOf(r);
    if (PassesFilters(item, request)) items.push_back(std::move(item));
  }
  return PageOf(std::move(items), page->first, page->second);
}

absl::StatusOr<v1::ListWorklistResponse> ListCounsellorWorklist(ReferralStore& store,
                                                                const v1::ListCounsellorWorklistRequest& request) {
  if (!request.county().empty()) {
    if (auto st = validate::Identifier("county", request.county()); !st.ok()) return st;
  }
  auto page = Page(request.page_size(), request.page_token());
  if (!page.ok()) return page.status();
  auto referrals = store.Worklist(request.county(), true, kWorklistScan);
  if (!referrals.ok()) return referrals.status();
  std::vector<v1::WorklistItem> items;
  for (const auto& r : *referrals) {
    v1::WorklistItem item = WorklistItemOf(r);
    if (item.reasons_size() > 0 && r.county() == request.county()) items.push_back(std::move(item));
  }
  return PageOf(std::move(items), page->first, page->second);
}

absl::StatusOr<v1::Unit> UpdateUnitAvailability(const Directory& directory, UnitStore& units,
                                                const std::string& idempotency_key,
                                                const v1::UpdateUnitAvailabilityRequest& request,
                                                const std::string& today) {
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  if (request.status() == v1::UNIT_STATUS_UNSPECIFIED || !v1::UnitStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status: required, ACTIVE, TEMPORARILY_CLOSED or INACTIVE");
  }
  if (request.capacity() == v1::UNIT_CAPACITY_UNSPECIFIED || !v1::UnitCapacity_IsValid(request.capacity())) {
    return absl::InvalidArgumentError("capacity: required, AVAILABLE, WAITLIST_* or NONE");
  }
  const DirectoryUnit* unit = directory.Find(request.unit_id());
  if (unit == nullptr) return absl::NotFoundError("unit_id: not in the service directory");
  return units.Update(idempotency_key, ids::RequestFingerprint(request), *unit, request.status(), request.capacity(),
                      today);
}

absl::StatusOr<v1::ClientJourney> ClientJourney(ReferralStore& store, const SharingSettings& settings,
                                                const v1::GetClientJourneyRequest& request) {
  if (request.client_case() == v1::GetClientJourneyRequest::CLIENT_NOT_SET) {
    return absl::InvalidArgumentError("client_pseudonym: required (or identity_code)");
  }
  auto client = ClientPseudonymOf(request.client_case() == v1::GetClientJourneyRequest::kIdentityCode,
                                  request.client_pseudonym(), request.identity_code(), settings);
  if (!client.ok()) return client.status();
  const std::string& pseudonym = *client;
  const int months = request.months() == 0 ? 12 : request.months();
  if (auto st = validate::InRange("months", months, 1, 120); !st.ok()) return st;
  // Closed on or after this Finnish date stays in the journey.
  std::chrono::year_month_day from = settings.today() - std::chrono::months{months};
  // 31 May less three months is the last day of February.
  if (!from.ok()) from = std::chrono::year_month_day{from.year() / from.month() / std::chrono::last};
  auto referrals = store.ListForClient(pseudonym);
  if (!referrals.ok()) return referrals.status();
  v1::ClientJourney journey;
  journey.set_client_pseudonym(pseudonym);
  std::vector<v1::Referral> closed;
  for (auto& r : *referrals) {
    if (IsOpen(r.state())) {
      *journey.add_open() = std::move(r);
      continue;
    }
    const auto closed_on = calendar::FinnishDateOfMillis(r.updated_at().seconds() * 1000);
    if (closed_on && *closed_on >= from) closed.push_back(std::move(r));
  }
  std::stable_sort(closed.begin(), closed.end(), [](const v1::Referral& a, const v1::Referral& b) {
    return std::make_pair(a.updated_at().seconds(), a.updated_at().nanos()) >
           std::make_pair(b.updated_at().seconds(), b.updated_at().nanos());
  });
  for (auto& r : closed) *journey.add_closed() = std::move(r);
  return journey;
}

absl::StatusOr<v1::ClientSharing> RecordClientSharing(const SharingStore& store, const SharingSettings& settings,
                                                      const std::string& idempotency_key,
                                                      const v1::RecordClientSharingRequest& request) {
  if (request.client_case() == v1::RecordClientSharingRequest::CLIENT_NOT_SET) {
    return absl::InvalidArgumentError("client_pseudonym: required (or identity_code)");
  }
  auto client = ClientPseudonymOf(request.client_case() == v1::RecordClientSharingRequest::kIdentityCode,
                                  request.client_pseudonym(), request.identity_code(), settings);
  if (!client.ok()) return client.status();
  const std::string& pseudonym = *client;
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

absl::StatusOr<v1::CounsellingContact> RecordCounsellingContact(ReferralStore& store, EventHandler& handler,
                                                                const SharingSettings& settings,
                                                                const std::string& source,
                                                                const std::string& idempotency_key,
                                                                const v1::RecordCounsellingContactRequest& request) {
  const auto today = settings.today();
  auto contacted_on = ValidateContact(request, today);
  if (!contacted_on.ok()) return contacted_on.status();
  std::string pseudonym;
  int age = request.age_years();
  if (request.client_case() == v1::RecordCounsellingContactRequest::kIdentityCode) {
    auto person = hetu::IdentifyPerson(request.identity_code(), "identity_code",
                                       {today, settings.accept_temporary_codes}, *settings.pseudonymizer);
    if (!person.ok()) return person.status();
    pseudonym = person->pseudonym;
    age = hetu::AgeOn(person->birth_date, *contacted_on);
    if (age < 0) return absl::InvalidArgumentError("contacted_on: before the client's birth date");
    if (request.age_years() != 0 && request.age_years() != age) {
      return absl::InvalidArgumentError("age_years: not the age the identity code gives on contacted_on");
    }
  } else {
    pseudonym = AnonymousPseudonym(request.unit_id(), idempotency_key);
  }
  const std::string contact_id = ContactIdFor(pseudonym, request.unit_id(), idempotency_key);
  const v1::CounsellingContactRecorded event = ContactEvent(request, contact_id, pseudonym, age, *contacted_on);
  // The fingerprint never sees the identity code: the pseudonym stands in.
  v1::RecordCounsellingContactRequest for_fingerprint = request;
  for_fingerprint.set_identity_code(pseudonym);
  const Dedup dedup =
      Dedup::Request("RecordCounsellingContact", idempotency_key, ids::RequestFingerprint(for_fingerprint));
  for (int attempt = 1;; ++attempt) {
    redis::OutboxEvent outbox = redis::EventFor(event, source, kafka::topics::kCounselling, pseudonym);
    // The contact's id is its event's: a replay of the topic makes the same referrals.
    outbox.id = contact_id;
    auto made = handler.ReferralsForContact(event, source, outbox.time);
    if (!made.ok()) return made.status();
    if (!made->unmatched_needs.empty()) {
      return absl::InvalidArgumentError("needs[" + std::to_string(made->unmatched_needs.front()) +
                                        "]: no referral rule takes it for this client (a need that is not urgent "
                                        "goes on only with the client's consent, consent_to_share)");
    }
    v1::CounsellingContact contact;
    contact.set_contact_id(contact_id);
    contact.set_client_pseudonym(pseudonym);
    contact.set_anonymous(event.anonymous());
    for (const auto& r : made->referrals) *contact.add_referrals() = r;
    auto outcome =
        store.RecordContact(dedup, outbox, made->referrals, made->sharing_version, contact.SerializeAsString());
    if (!outcome.ok()) {
      // The client's sharing decision changed in between: made again under the new one.
      if (outcome.status().code() == absl::StatusCode::kAborted && attempt < 3) continue;
      return outcome.status();
    }
    if (outcome->replayed) {
      v1::CounsellingContact first;
      if (!first.ParseFromString(outcome->response)) return absl::InternalError("stored answer is corrupt");
      return first;
    }
    handler.Created(made->referrals);
    return contact;
  }
}

RouterService::RouterService(ReferralStore& store, const SharingStore& sharing, const DirectorySource& directory,
                             UnitStore& units, EventHandler& handler, std::string source, SharingSettings settings,
                             WatchSettings watch, server::RpcEnv env, std::function<void()> on_change)
    : store_(store),
      sharing_(sharing),
      directory_(directory),
      units_(units),
      handler_(handler),
      source_(std::move(source)),
      settings_(std::move(settings)),
      watch_(std::move(watch)),
      env_(env),
      on_change_(std::move(on_change)) {}

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

grpc::ServerUnaryReactor* RouterService::GetClientJourney(grpc::CallbackServerContext* ctx,
                                                          const v1::GetClientJourneyRequest* req,
                                                          v1::ClientJourney* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/GetClientJourney", req, resp, [=, this]() -> absl::Status {
    auto result = router::ClientJourney(store_, settings_, *req);
    if (!result.ok()) return result.status();
    if (absl::Status shown = CheckDetailsMayBeShown(result->client_pseudonym()); !shown.ok()) {
      // Never sent (the call fails); names the client so that the denial is
      // audited under them.
      resp->set_client_pseudonym(result->client_pseudonym());
      return shown;
    }
    *resp = std::move(*result);
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
                            auto result = RespondToExternal(store_, *key, *req, settings_.today());
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

grpc::ServerUnaryReactor* RouterService::ListUnits(grpc::CallbackServerContext* ctx, const v1::ListUnitsRequest* req,
                                                   v1::ListUnitsResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/ListUnits", req, resp, [=, this]() -> absl::Status {
    auto result = router::ListUnits(*directory_.Get(), units_, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::UpdateUnitAvailability(grpc::CallbackServerContext* ctx,
                                                                const v1::UpdateUnitAvailabilityRequest* req,
                                                                v1::Unit* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/UpdateUnitAvailability", req, resp, [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result =
        router::UpdateUnitAvailability(*directory_.Get(), units_, *key, *req, calendar::FormatDate(settings_.today()));
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (on_change_) on_change_();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::ListWorklist(grpc::CallbackServerContext* ctx,
                                                      const v1::ListWorklistRequest* req,
                                                      v1::ListWorklistResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/ListWorklist", req, resp, [=, this]() -> absl::Status {
    auto result = router::ListWorklist(store_, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RouterService::ListCounsellorWorklist(grpc::CallbackServerContext* ctx,
                                                                const v1::ListCounsellorWorklistRequest* req,
                                                                v1::ListWorklistResponse* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/ListCounsellorWorklist", req, resp, [=, this]() -> absl::Status {
    auto result = router::ListCounsellorWorklist(store_, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
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

grpc::ServerUnaryReactor* RouterService::RecordCounsellingContact(grpc::CallbackServerContext* ctx,
                                                                  const v1::RecordCounsellingContactRequest* req,
                                                                  v1::CounsellingContact* resp) {
  return server::RunUnary(ctx, env_, "ReferralRouter/RecordCounsellingContact", req, resp, [=, this]() -> absl::Status {
    auto key = server::ResolveIdempotencyKey(*ctx, req->idempotency_key());
    if (!key.ok()) return key.status();
    auto result = router::RecordCounsellingContact(store_, handler_, settings_, source_, *key, *req);
    if (!result.ok()) return result.status();
    *resp = std::move(*result);
    if (on_change_) on_change_();
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::ReferralUpdate>* RouterService::WatchReferrals(grpc::CallbackServerContext* ctx,
                                                                            const v1::WatchReferralsRequest* req) {
  return new WatchReactor(ctx, req, env_, watch_, open_watches_);
}

}  // namespace yhteys::router
