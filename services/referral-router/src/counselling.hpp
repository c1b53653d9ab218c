#pragma once
// The service counselling's contact (sote-palveluneuvonta): one contact, one
// or more needs, every referral they imply made at once. Pure parts: the
// vocabulary of needs, the request's validation, the contact's id and its
// event, and each need's view for the rules (rules.yaml matches
// yhteys.router.v1.CounsellingNeedRecorded, so the clocks and the legal
// basis of a counselling referral stay in the rules file like any other).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "yhteys/router/v1/counselling_events.pb.h"
#include "yhteys/router/v1/referral_router_service.pb.h"

namespace yhteys::router {

struct CounsellingNeedType {
  std::string_view id;
  std::string_view description;
};

// The needs a counsellor records; rules.yaml maps each to a service type.
const std::vector<CounsellingNeedType>& CounsellingNeeds();
bool IsCounsellingNeed(std::string_view id);
// "a, b, c": for error messages.
std::string CounsellingNeedIds();

// Checks every field but the client (identity code or anonymous, which needs
// the pseudonymiser) and returns the contact's date: contacted_on, or
// `today` when empty. INVALID_ARGUMENT naming the field.
absl::StatusOr<std::chrono::year_month_day> ValidateContact(const v1::RecordCounsellingContactRequest& request,
                                                            std::chrono::year_month_day today);

// An anonymous client's pseudonym: fresh for each contact (derived from the
// counselling unit and the request's idempotency key, so a retry gets the
// same one), never linkable to another contact.
std::string AnonymousPseudonym(const std::string& unit_id, const std::string& idempotency_key);

// "cc-<the client's shard key>-<16 hex>": the same unit and idempotency key
// give the same contact, and so the same referral ids.
std::string ContactIdFor(const std::string& pseudonym, const std::string& unit_id, const std::string& idempotency_key);

// The contact's event from a validated request and its resolved client.
v1::CounsellingContactRecorded ContactEvent(const v1::RecordCounsellingContactRequest& request,
                                            const std::string& contact_id, const std::string& pseudonym, int age_years,
                                            std::chrono::year_month_day contacted_on);

// The rules' view of need `index` of `contact`.
v1::CounsellingNeedRecorded NeedView(const v1::CounsellingContactRecorded& contact, int index);

}  // namespace yhteys::router
