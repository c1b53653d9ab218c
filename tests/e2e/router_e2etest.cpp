// The referral router over real processes: a need from home care reaches a
// unit of the service directory chosen by area, age, the client's language
// and capacity; a decline goes to the next candidate, which accepts, starts
// and completes with an outcome that home care shows; an offer left
// unanswered expires and is withdrawn from the unit's inbox; with nobody
// left the referral is UNROUTABLE; the directory is reloaded when its files
// change, and a bad file is refused whole while the one in force stays.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clients.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/testing/system.hpp"

namespace yhteys {
namespace {

using namespace std::chrono_literals;
using e2e::Ctx;
using referral::v1::ReferralState;
using testing::WaitFor;

namespace hc = homecare::v1;
namespace rs = referral::v1;

// The referral's ReferralStateChanged events on the topic, in order: "STATE@unit".
std::vector<std::string> StateTrail(testing::YhteysSystem& system, const std::string& referral_id) {
  std::vector<std::string> trail;
  for (const auto& r :
       testing::ReadAll(system.Bootstrap(), {"yhteys.referrals.events.v1"}, static_cast<size_t>(-1), 2s)) {
    if (r.headers.at("ce_type") != "yhteys.referral.v1.ReferralStateChanged") continue;
    rs::ReferralStateChanged e;
    if (e.ParseFromString(r.value) && e.referral_id() == referral_id) {
      trail.push_back(rs::ReferralState_Name(e.state()).substr(15) + "@" + e.unit_id());
    }
  }
  return trail;
}

class RouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = new testing::YhteysSystem(); }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
  }

  static hc::HomeCare::Stub& HomeCare() {
    static auto stub = hc::HomeCare::NewStub(system_->Channel("home-care"));
    return *stub;
  }
  static router::v1::ReferralRouter::Stub& Router() {
    static auto stub = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
    return *stub;
  }
  static rs::ReferralInbox::Stub& IntakeInbox() {
    static auto stub = rs::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
    return *stub;
  }

  // A home-care client in `municipality` speaking `language` whose
  // assessment shows possible depression (DRS 5): their referral once it
  // has reached `state`.
  static router::v1::Referral DepressedClient(int index, const std::string& municipality, common::v1::Language language,
                                              ReferralState state, std::string* client_id = nullptr) {
    auto reg = e2e::RegisterRequest(hetu::SyntheticIdentityCode(index), "reg-" + std::to_string(index));
    reg.set_municipality_code(municipality);
    reg.set_language(language);
    hc::RegisterClientResponse registered;
    grpc::Status st = HomeCare().RegisterClient(Ctx().get(), reg, &registered);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (client_id != nullptr) *client_id = registered.client_id();
    hc::RecordAssessmentResponse recorded;
    st = HomeCare().RecordAssessment(
        Ctx().get(),
        e2e::AssessmentRequest(registered.client_id(), "assess-" + std::to_string(index), e2e::kDepressedMood),
        &recorded);
    EXPECT_TRUE(st.ok()) << st.error_message();
    router::v1::Referral found;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto refs = e2e::ClientReferrals(Router(), registered.client_id());
          if (refs.size() != 1 || refs[0].state() != state) return false;
          found = refs[0];
          return true;
        },
        30s))
        << "no " << rs::ReferralState_Name(state) << " referral for client " << index;
    return found;
  }

  static router::v1::Referral Get(const std::string& id) {
    router::v1::GetReferralRequest get;
    get.set_referral_id(id);
    router::v1::Referral r;
    EXPECT_TRUE(Router().GetReferral(Ctx().get(), get, &r).ok());
    return r;
  }

  static router::v1::Referral WaitForState(const std::string& id, ReferralState state) {
    router::v1::Referral r;
    EXPECT_TRUE(WaitFor(
        [&] {
          r = Get(id);
          return r.state() == state;
        },
        30s))
        << id << " is " << rs::ReferralState_Name(r.state()) << ", not " << rs::ReferralState_Name(state);
    return r;
  }

  static inline testing::YhteysSystem* system_ = nullptr;
};

TEST_F(RouterTest, ANorthernSamiSpeakerInInariIsOfferedToAUnitThatWorksInSami) {
  router::v1::Referral r = DepressedClient(9201, "148", common::v1::LANGUAGE_SE, rs::REFERRAL_STATE_OFFERED);
  ASSERT_GE(r.candidates_size(), 2) << "Inari has a Sámi unit and a Finnish one";
  EXPECT_TRUE(r.candidates(0).in_clients_language());
  EXPECT_FALSE(r.offer().language_unmet());
  EXPECT_EQ(r.offer().unit_id(), r.candidates(0).unit_id());
  EXPECT_EQ(r.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_NE(r.choice_reason().find("in the client's language"), std::string::npos) << r.choice_reason();
  // Every Finnish-only unit comes after it.
  for (int i = 1; i < r.candidates_size(); ++i) {
    EXPECT_LE(r.candidates(i).in_clients_language(), r.candidates(0).in_clients_language());
  }
  // The intake's inbox holds the offer for that unit.
  rs::GetInboxEntryRequest get;
  get.set_referral_id(r.offer().referral_id());
  rs::InboxEntry entry;
  ASSERT_TRUE(IntakeInbox().GetInboxEntry(Ctx().get(), get, &entry).ok());
  EXPECT_EQ(entry.offer().unit_id(), r.candidates(0).unit_id());
  EXPECT_EQ(entry.offer().language(), common::v1::LANGUAGE_SE);
}

TEST_F(RouterTest, ASwedishSpeakerInLahtiIsOfferedAndMarkedLanguageUnmet) {
  router::v1::Referral r = DepressedClient(9202, "398", common::v1::LANGUAGE_SV, rs::REFERRAL_STATE_OFFERED);
  EXPECT_TRUE(r.offer().language_unmet());
  ASSERT_GE(r.candidates_size(), 1);
  EXPECT_FALSE(r.candidates(0).in_clients_language());
  EXPECT_NE(r.choice_reason().find("no unit gives the service in the client's language"), std::string::npos);
  // Counted per language and municipality.
  EXPECT_NE(testing::ScrapeMetrics(system_->MetricsPort("referral-router"))
                .find("yhteys_referral_language_unmet_total{language=\"LANGUAGE_SV\",municipality=\"398\"} 1"),
            std::string::npos);
}

TEST_F(RouterTest, ADeclineGoesToTheNextUnitWhichAcceptsStartsAndCompletes) {
  std::string client;
  router::v1::Referral r = DepressedClient(9203, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED, &client);
  ASSERT_GE(r.candidates_size(), 2);
  const std::string first = r.candidates(0).unit_id();
  const std::string second = r.candidates(1).unit_id();
  ASSERT_EQ(r.candidates(1).reached_through(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  const std::string id = r.offer().referral_id();

  rs::DeclineReferralRequest decline;
  decline.set_idempotency_key("decline-9203");
  decline.set_referral_id(id);
  decline.set_reason(rs::DECLINE_REASON_NO_CAPACITY);
  rs::InboxEntry entry;
  grpc::Status st = IntakeInbox().DeclineReferral(Ctx().get(), decline, &entry);
  ASSERT_TRUE(st.ok()) << st.error_message();

  // Re-routed: offered to the second unit, in the same inbox.
  ASSERT_TRUE(WaitFor(
      [&] {
        r = Get(id);
        return r.state() == rs::REFERRAL_STATE_OFFERED && r.offer().unit_id() == second;
      },
      30s))
      << rs::ReferralState_Name(r.state()) << " at " << r.offer().unit_id();
  ASSERT_EQ(r.offers_size(), 2);
  EXPECT_EQ(r.offers(0).unit_id(), first);
  EXPECT_EQ(r.offers(0).result(), router::v1::OFFER_RESULT_DECLINED);
  EXPECT_EQ(r.offers(0).decline_reason(), rs::DECLINE_REASON_NO_CAPACITY);
  EXPECT_EQ(r.offers(1).result(), router::v1::OFFER_RESULT_OFFERED);
  rs::GetInboxEntryRequest get;
  get.set_referral_id(id);
  ASSERT_TRUE(IntakeInbox().GetInboxEntry(Ctx().get(), get, &entry).ok());
  EXPECT_EQ(entry.state(), rs::INBOX_STATE_OFFERED);
  EXPECT_EQ(entry.offer().unit_id(), second);

  rs::AcceptReferralRequest accept;
  accept.set_idempotency_key("accept-9203");
  accept.set_referral_id(id);
  accept.set_unit_id(second);
  ASSERT_TRUE(IntakeInbox().AcceptReferral(Ctx().get(), accept, &entry).ok());
  r = WaitForState(id, rs::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(r.offers(1).result(), router::v1::OFFER_RESULT_ACCEPTED);

  rs::StartReferralRequest start;
  start.set_idempotency_key("start-9203");
  start.set_referral_id(id);
  ASSERT_TRUE(IntakeInbox().StartReferral(Ctx().get(), start, &entry).ok());
  r = WaitForState(id, rs::REFERRAL_STATE_IN_PROGRESS);
  for (const auto& clock : r.clocks()) {
    EXPECT_EQ(clock.stopped(), clock.kind() != router::v1::CLOCK_KIND_STATUTORY_COMPLETION)
        << router::v1::ClockKind_Name(clock.kind());
  }

  rs::CompleteReferralRequest complete;
  complete.set_idempotency_key("complete-9203");
  complete.set_referral_id(id);
  complete.mutable_outcome()->set_result(rs::OUTCOME_RESULT_COULD_NOT_HELP);
  complete.mutable_outcome()->set_reason(rs::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);
  ASSERT_TRUE(IntakeInbox().CompleteReferral(Ctx().get(), complete, &entry).ok());
  r = WaitForState(id, rs::REFERRAL_STATE_COMPLETED);
  EXPECT_EQ(r.outcome().result(), rs::OUTCOME_RESULT_COULD_NOT_HELP);
  EXPECT_EQ(r.outcome().reason(), rs::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);

  // The outcome goes back to home care, which noticed the need.
  ASSERT_TRUE(WaitFor(
      [&] {
        hc::GetClientRequest req;
        req.set_client_id(client);
        hc::Client c;
        if (!HomeCare().GetClient(Ctx().get(), req, &c).ok() || c.referrals_size() != 1) return false;
        const auto& shown = c.referrals(0);
        return shown.state() == rs::REFERRAL_STATE_COMPLETED && shown.unit_id() == second &&
               shown.outcome().reason() == rs::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE;
      },
      30s));

  // Every step once, in order, on the referrals topic.
  EXPECT_EQ(StateTrail(*system_, id),
            (std::vector<std::string>{"CREATED@" + first, "OFFERED@" + first, "DECLINED@" + first, "OFFERED@" + second,
                                      "ACCEPTED@" + second, "IN_PROGRESS@" + second, "COMPLETED@" + second}));
}

TEST_F(RouterTest, AMunicipalityNoUnitServesIsUnroutableAtOnce) {
  // Helsinki (091) is in none of the seed counties' directories.
  router::v1::Referral r = DepressedClient(9204, "091", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_UNROUTABLE);
  EXPECT_EQ(r.candidates_size(), 0);
  EXPECT_NE(r.choice_reason().find("municipality 091"), std::string::npos) << r.choice_reason();
  EXPECT_EQ(StateTrail(*system_, r.offer().referral_id()), (std::vector<std::string>{"UNROUTABLE@"}));
}

TEST_F(RouterTest, TheOriginCancelsAndTheOfferIsTakenBackFromTheInbox) {
  router::v1::Referral r = DepressedClient(9205, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  router::v1::CancelReferralRequest cancel;
  cancel.set_idempotency_key("cancel-9205");
  cancel.set_referral_id(r.offer().referral_id());
  cancel.set_reason(rs::CANCEL_REASON_CLIENT_REFUSED);
  cancel.set_unit_id("hc-lahti-1");
  router::v1::Referral cancelled;
  grpc::Status st = Router().CancelReferral(Ctx().get(), cancel, &cancelled);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(cancelled.state(), rs::REFERRAL_STATE_CANCELLED);
  // A retry answers the same; cancelling again with a new key is refused.
  ASSERT_TRUE(Router().CancelReferral(Ctx().get(), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), rs::REFERRAL_STATE_CANCELLED);
  cancel.set_idempotency_key("cancel-9205-again");
  EXPECT_EQ(Router().CancelReferral(Ctx().get(), cancel, &cancelled).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  cancel.set_reason(rs::CANCEL_REASON_UNSPECIFIED);
  st = Router().CancelReferral(Ctx().get(), cancel, &cancelled);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("reason", 0), 0u);
  rs::GetInboxEntryRequest get;
  get.set_referral_id(r.offer().referral_id());
  rs::InboxEntry entry;
  EXPECT_TRUE(WaitFor(
      [&] {
        return IntakeInbox().GetInboxEntry(Ctx().get(), get, &entry).ok() && entry.state() == rs::INBOX_STATE_WITHDRAWN;
      },
      30s))
      << rs::InboxState_Name(entry.state());
}

// With a 2-second inactivity limit and a directory of the test's own.
class RouterExpiryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ =
        new std::string(std::filesystem::temp_directory_path() / ("yhteys-directory-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*directory_);
    std::filesystem::copy_file(
        std::string(YHTEYS_SOURCE_DIR) + "/services/referral-router/config/directory/paijat-hame.yaml",
        *directory_ + "/paijat-hame.yaml", std::filesystem::copy_options::overwrite_existing);
    system_ = new testing::YhteysSystem(testing::YhteysSystem::AllServices(),
                                        {{"YHTEYS_ROUTER_DIRECTORY_DIR", *directory_},
                                         {"YHTEYS_ROUTER_DIRECTORY_POLL_MS", "200"},
                                         {"YHTEYS_ROUTER_OFFER_EXPIRY_NON_URGENT_SECONDS", "2"}});
  }
  static void TearDownTestSuite() {
    delete system_;
    system_ = nullptr;
    std::filesystem::remove_all(*directory_);
    delete directory_;
  }
  static inline testing::YhteysSystem* system_ = nullptr;
  static inline std::string* directory_ = nullptr;
};

TEST_F(RouterExpiryTest, UnansweredOffersExpireOneUnitAfterAnotherThenUnroutable) {
  auto home_care = hc::HomeCare::NewStub(system_->Channel("home-care"));
  auto router = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
  auto inbox = rs::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
  hc::RegisterClientResponse registered;
  ASSERT_TRUE(home_care
                  ->RegisterClient(Ctx().get(), e2e::RegisterRequest(hetu::SyntheticIdentityCode(9301), "reg-9301"),
                                   &registered)
                  .ok());
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(home_care
                  ->RecordAssessment(Ctx().get(),
                                     e2e::AssessmentRequest(registered.client_id(), "assess-9301", e2e::kDepressedMood),
                                     &recorded)
                  .ok());
  router::v1::Referral r;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto refs = e2e::ClientReferrals(*router, registered.client_id());
        if (refs.size() != 1 || refs[0].state() != rs::REFERRAL_STATE_UNROUTABLE) return false;
        r = refs[0];
        return true;
      },
      60s));
  ASSERT_GE(r.candidates_size(), 2);
  ASSERT_EQ(r.offers_size(), r.candidates_size()) << "each candidate offered once";
  for (int i = 0; i < r.offers_size(); ++i) {
    EXPECT_EQ(r.offers(i).unit_id(), r.candidates(i).unit_id());
    EXPECT_EQ(r.offers(i).result(), router::v1::OFFER_RESULT_EXPIRED);
    EXPECT_EQ(r.offers(i).decline_reason(), rs::DECLINE_REASON_OFFER_EXPIRED);
  }
  // The last unit's offer was taken back from the intake's inbox.
  rs::GetInboxEntryRequest get;
  get.set_referral_id(r.offer().referral_id());
  rs::InboxEntry entry;
  EXPECT_TRUE(WaitFor(
      [&] { return inbox->GetInboxEntry(Ctx().get(), get, &entry).ok() && entry.state() == rs::INBOX_STATE_WITHDRAWN; },
      30s));
  EXPECT_EQ(entry.offer().unit_id(), r.candidates(r.candidates_size() - 1).unit_id());
}

TEST_F(RouterExpiryTest, TheDirectoryIsReloadedOnChangeAndABadFileIsRefusedWhole) {
  const std::string metrics_before = testing::ScrapeMetrics(system_->MetricsPort("referral-router"));
  EXPECT_NE(metrics_before.find("yhteys_directory_reloads_total{result=\"refused\"} 0"), std::string::npos);
  // A bad file: refused, counted, and the directory in force stays.
  const std::string file = *directory_ + "/paijat-hame.yaml";
  std::ifstream in(file);
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(file) << good << "\nunexpected: key\n";
  EXPECT_TRUE(WaitFor(
      [&] {
        return testing::ScrapeMetrics(system_->MetricsPort("referral-router"))
                   .find("yhteys_directory_reloads_total{result=\"refused\"} 1") != std::string::npos;
      },
      10s));
  EXPECT_NE(system_->ReadLog("referral-router").find("service directory refused"), std::string::npos);
  // A good change (the file's first unit closes for a while): applied.
  std::string changed = good;
  const std::string from = "status: active";
  changed.replace(changed.find(from), from.size(), "status: temporarily_closed");
  std::ofstream(file) << changed;
  EXPECT_TRUE(WaitFor(
      [&] {
        return testing::ScrapeMetrics(system_->MetricsPort("referral-router"))
                   .find("yhteys_directory_reloads_total{result=\"applied\"} 1") != std::string::npos;
      },
      10s));
}

}  // namespace
}  // namespace yhteys
