#pragma once
// Small gRPC helpers shared by the end-to-end suites.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fill_unset.hpp"
#include "yhteys/calendar/clock.hpp"
#include "yhteys/calendar/date_text.hpp"
#include "yhteys/hetu/synthetic.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"

namespace yhteys::e2e {

inline std::unique_ptr<grpc::ClientContext> Ctx(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

// Today as the services see it: the date in Europe/Helsinki.
inline std::string Today() { return calendar::FormatDate(calendar::TodayInFinland()); }

inline homecare::v1::RegisterClientRequest RegisterRequest(const std::string& code, const std::string& key) {
  homecare::v1::RegisterClientRequest req;
  req.set_idempotency_key(key);
  req.set_identity_code(code);
  req.set_municipality_code("398");
  req.set_language(common::v1::LANGUAGE_FI);
  req.set_unit_id("hc-lahti-1");
  return req;
}

// Mood items E1a-E1g giving a Depression Rating Scale of 5: the router's
// homecare-drs-depression rule (DRS >= 3) matches.
inline const std::vector<int> kDepressedMood = {3, 1, 2, 0, 1, 0, 0};

inline homecare::v1::RecordAssessmentRequest AssessmentRequest(const std::string& client, const std::string& key,
                                                               const std::vector<int>& mood) {
  homecare::v1::RecordAssessmentRequest req;
  req.set_idempotency_key(key);
  req.set_client_id(client);
  req.set_assessed_on(Today());
  auto* m = req.mutable_items()->mutable_mood();
  m->set_negative_statements(mood.at(0));
  m->set_persistent_anger(mood.at(1));
  m->set_unrealistic_fears(mood.at(2));
  m->set_repetitive_health_complaints(mood.at(3));
  m->set_repetitive_anxious_complaints(mood.at(4));
  m->set_sad_pained_facial_expressions(mood.at(5));
  m->set_crying_tearfulness(mood.at(6));
  // The rest of the form: no problems (every other item at code 0).
  proto::FillUnset(*req.mutable_items());
  return req;
}

inline std::vector<router::v1::Referral> ClientReferrals(router::v1::ReferralRouter::StubInterface& router,
                                                         const std::string& client) {
  router::v1::ListClientReferralsRequest req;
  req.set_client_pseudonym(client);
  router::v1::ListClientReferralsResponse resp;
  if (!router.ListClientReferrals(Ctx().get(), req, &resp).ok()) return {};
  return {resp.referrals().begin(), resp.referrals().end()};
}

using hetu::SyntheticIdentityCode;

}  // namespace yhteys::e2e
