#include "counselling.hpp"

#include <set>

#include "referral_builder.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/ids/ids.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::router {

namespace {
constexpr int kMaxNeeds = 10;
}

const std::vector<CounsellingNeedType>& CounsellingNeeds() {
  static const std::vector<CounsellingNeedType> kNeeds = {
      {"mental-health", "Mental-health concern of an adult or a young person (mielenterveys)"},
      {"perinatal-mental-health", "Mental-health concern during pregnancy or the first year after birth"},
      {"family-support", "A family with children needs support at home (perhetyö, lapsiperheiden kotipalvelu)"},
      {"primary-care", "A health concern for a primary-care nurse (terveysaseman sairaanhoitaja)"},
      {"social-care", "The need for social services is to be assessed (palvelutarpeen arviointi)"},
      {"home-care", "Help at home with daily living (kotihoito)"},
  };
  return kNeeds;
}

bool IsCounsellingNeed(std::string_view id) {
  for (const auto& need : CounsellingNeeds()) {
    if (need.id == id) return true;
  }
  return false;
}

std::string CounsellingNeedIds() {
  std::string out;
  for (const auto& need : CounsellingNeeds()) {
    if (!out.empty()) out += ", ";
    out += need.id;
  }
  return out;
}

absl::StatusOr<std::chrono::year_month_day> ValidateContact(const v1::RecordCounsellingContactRequest& request,
                                                            std::chrono::year_month_day today) {
  if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
  if (auto st = validate::EnumSet("channel", request.channel(), &v1::CounsellingChannel_IsValid); !st.ok()) return st;
  if (auto st = validate::MunicipalityCode("municipality_code", request.municipality_code()); !st.ok()) return st;
  if (!common::v1::Language_IsValid(request.language())) return absl::InvalidArgumentError("language: unknown value");
  if (request.client_case() == v1::RecordCounsellingContactRequest::kAnonymous) {
    if (!request.anonymous()) return absl::InvalidArgumentError("anonymous: set it true, or give identity_code");
    if (auto st = validate::InRange("age_years", request.age_years(), 0, 130); !st.ok()) return st;
  } else if (request.client_case() == v1::RecordCounsellingContactRequest::CLIENT_NOT_SET) {
    return absl::InvalidArgumentError("identity_code: required (or anonymous)");
  } else if (request.age_years() < 0) {
    return absl::InvalidArgumentError("age_years: out of range [0, 130]");
  }
  std::chrono::year_month_day contacted_on = today;
  if (!request.contacted_on().empty()) {
    auto date = calendar::ParseDate(request.contacted_on());
    if (!date.ok()) return absl::InvalidArgumentError("contacted_on: not a date YYYY-MM-DD");
    if (std::chrono::sys_days(*date) > std::chrono::sys_days(today)) {
      return absl::InvalidArgumentError("contacted_on: in the future");
    }
    contacted_on = *date;
  }
  if (request.needs_size() == 0 || request.needs_size() > kMaxNeeds) {
    return absl::InvalidArgumentError("needs: 1 to " + std::to_string(kMaxNeeds) + " needs");
  }
  std::set<std::string> seen;
  for (int i = 0; i < request.needs_size(); ++i) {
    const std::string& need = request.needs(i).need();
    const std::string field = "needs[" + std::to_string(i) + "].need";
    if (!IsCounsellingNeed(need)) {
      return absl::InvalidArgumentError(field + ": not a counselling need (one of " + CounsellingNeedIds() + ")");
    }
    if (!seen.insert(need).second) return absl::InvalidArgumentError(field + ": given twice");
  }
  return contacted_on;
}

std::string AnonymousPseudonym(const std::string& unit_id, const std::string& idempotency_key) {
  return ids::Sha256Hex("anonymous-counselling-contact|" + unit_id + "|" + idempotency_key);
}

std::string ContactIdFor(const std::string& pseudonym, const std::string& unit_id, const std::string& idempotency_key) {
  const std::string digest = ids::Sha256Hex("counselling-contact|" + unit_id + "|" + idempotency_key);
  return ids::ShardedId("cc", ShardKeyOfPseudonym(pseudonym), digest.substr(0, 16));
}

v1::CounsellingContactRecorded ContactEvent(const v1::RecordCounsellingContactRequest& request,
                                            const std::string& contact_id, const std::string& pseudonym, int age_years,
                                            std::chrono::year_month_day contacted_on) {
  v1::CounsellingContactRecorded e;
  e.set_contact_id(contact_id);
  e.set_client_pseudonym(pseudonym);
  e.set_anonymous(request.client_case() == v1::RecordCounsellingContactRequest::kAnonymous);
  e.set_channel(request.channel());
  e.set_unit_id(request.unit_id());
  e.set_municipality_code(request.municipality_code());
  e.set_language(request.language());
  e.set_age_years(age_years);
  e.set_consent_to_share(request.consent_to_share());
  e.set_contacted_on(calendar::FormatDate(contacted_on));
  *e.mutable_needs() = request.needs();
  return e;
}

v1::CounsellingNeedRecorded NeedView(const v1::CounsellingContactRecorded& contact, int index) {
  v1::CounsellingNeedRecorded view;
  view.set_contact_id(contact.contact_id());
  view.set_client_pseudonym(contact.client_pseudonym());
  view.set_anonymous(contact.anonymous());
  view.set_channel(contact.channel());
  view.set_unit_id(contact.unit_id());
  view.set_municipality_code(contact.municipality_code());
  view.set_language(contact.language());
  view.set_age_years(contact.age_years());
  view.set_consent_to_share(contact.consent_to_share());
  view.set_contacted_on(contact.contacted_on());
  view.set_need(contact.needs(index).need());
  view.set_urgent(contact.needs(index).urgent());
  return view;
}

}  // namespace yhteys::router
