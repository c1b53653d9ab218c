// The referral router over real processes: a need from home care reaches a
// unit of the service directory chosen by area, age, the client's language
// and capacity; a decline goes to the next candidate, which accepts, starts
// and completes with an outcome that home care shows; an offer left
// unanswered expires and is withdrawn from the unit's inbox; with nobody
// left the referral is UNROUTABLE; the directory is reloaded when its files
// change, and a bad file is refused whole while the one in force stays.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "clients.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_events.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/counselling_events.pb.h"
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
  static void SetUpTestSuite() {
    // The deadline watcher's test clock: milliseconds ahead of real time.
    clock_file_ =
        new std::string(std::filesystem::temp_directory_path() / ("yhteys-clock-" + std::to_string(::getpid())));
    std::ofstream(*clock_file_) << 0;
    system_ = new testing::YhteysSystem(testing::YhteysSystem::AllServices(),
                                        {{"YHTEYS_ROUTER_TEST_CLOCK_OFFSET_FILE", *clock_file_}});
    home_care_ = hc::HomeCare::NewStub(system_->Channel("home-care"));
    router_ = router::v1::ReferralRouter::NewStub(system_->Channel("referral-router"));
    intake_inbox_ = rs::ReferralInbox::NewStub(system_->Channel("mental-health-intake"));
  }
  static void TearDownTestSuite() {
    home_care_.reset();
    router_.reset();
    intake_inbox_.reset();
    delete system_;
    system_ = nullptr;
    std::filesystem::remove(*clock_file_);
    delete clock_file_;
  }

  // Stubs of this suite's system (each suite that derives from this one
  // starts a system of its own).
  static hc::HomeCare::Stub& HomeCare() { return *home_care_; }
  static router::v1::ReferralRouter::Stub& Router() { return *router_; }
  static rs::ReferralInbox::Stub& IntakeInbox() { return *intake_inbox_; }

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
    made_[index] = found.offer().referral_id();
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

  // The intake unit's answers through its inbox, each under its own
  // idempotency key: the call's status (the entry as answered in `entry`).
  static grpc::Status Accept(const std::string& key, const std::string& id, const std::string& unit,
                             rs::InboxEntry* entry) {
    rs::AcceptReferralRequest accept;
    accept.set_idempotency_key(key);
    accept.set_referral_id(id);
    accept.set_unit_id(unit);
    return IntakeInbox().AcceptReferral(Ctx().get(), accept, entry);
  }
  static grpc::Status Start(const std::string& key, const std::string& id, rs::InboxEntry* entry) {
    rs::StartReferralRequest start;
    start.set_idempotency_key(key);
    start.set_referral_id(id);
    return IntakeInbox().StartReferral(Ctx().get(), start, entry);
  }
  static grpc::Status Complete(const std::string& key, const std::string& id, const rs::Outcome& outcome,
                               rs::InboxEntry* entry) {
    rs::CompleteReferralRequest complete;
    complete.set_idempotency_key(key);
    complete.set_referral_id(id);
    *complete.mutable_outcome() = outcome;
    return IntakeInbox().CompleteReferral(Ctx().get(), complete, entry);
  }
  // Home care's (hc-lahti-1) cancellation of referral `id`.
  static router::v1::CancelReferralRequest Cancellation(const std::string& key, const std::string& id,
                                                        rs::CancelReason reason) {
    router::v1::CancelReferralRequest cancel;
    cancel.set_idempotency_key(key);
    cancel.set_referral_id(id);
    cancel.set_reason(reason);
    cancel.set_unit_id("hc-lahti-1");
    return cancel;
  }

  static inline testing::YhteysSystem* system_ = nullptr;
  static inline std::string* clock_file_ = nullptr;
  static inline std::unique_ptr<hc::HomeCare::Stub> home_care_;
  static inline std::unique_ptr<router::v1::ReferralRouter::Stub> router_;
  static inline std::unique_ptr<rs::ReferralInbox::Stub> intake_inbox_;
  static inline std::map<int, std::string> made_;  // client index -> referral id
};

TEST_F(RouterTest, ANorthernSamiSpeakerInInariIsOfferedToAUnitThatWorksInSami) {
  router::v1::Referral r = DepressedClient(9201, "148", common::v1::LANGUAGE_SE, rs::REFERRAL_STATE_OFFERED);
  ASSERT_GE(r.candidates_size(), 2) << "Inari has a Sámi unit and a Finnish one";
  EXPECT_TRUE(r.candidates(0).in_clients_language());
  EXPECT_FALSE(r.offer().language_unmet());
  EXPECT_EQ(r.offer().unit_id(), r.candidates(0).unit_id());
  EXPECT_EQ(r.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_NE(r.choice_reason().find("in the client's language"), std::string::npos) << r.choice_reason();
  // Every unit that gives it in Sámi comes before every one that does not,
  // and there is one that does not (the Finnish unit).
  bool finnish_seen = false;
  for (const auto& c : r.candidates()) {
    if (!c.in_clients_language()) finnish_seen = true;
    EXPECT_FALSE(finnish_seen && c.in_clients_language()) << c.unit_id();
  }
  EXPECT_TRUE(finnish_seen);
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
  EXPECT_EQ(r.offer().source_unit_id(), "hc-lahti-1") << "the home-care unit whose assessment caused it";

  // Only the unit the offer is for answers it: the next unit of the same
  // service can neither take the client in nor decline in its place.
  rs::InboxEntry entry;
  grpc::Status st = Accept("early-accept-9203", id, second, &entry);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(st.error_message().rfind("unit_id: the referral is offered to unit " + first, 0), 0u) << st.error_message();
  rs::DeclineReferralRequest decline;
  decline.set_idempotency_key("decline-9203");
  decline.set_referral_id(id);
  decline.set_reason(rs::DECLINE_REASON_NO_CAPACITY);
  decline.set_unit_id(second);
  EXPECT_EQ(IntakeInbox().DeclineReferral(Ctx().get(), decline, &entry).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  rs::GetInboxEntryRequest unanswered;
  unanswered.set_referral_id(id);
  ASSERT_TRUE(IntakeInbox().GetInboxEntry(Ctx().get(), unanswered, &entry).ok());
  EXPECT_EQ(entry.state(), rs::INBOX_STATE_OFFERED);
  EXPECT_EQ(entry.offer().unit_id(), first);

  decline.set_idempotency_key("decline-9203-first");
  decline.set_unit_id(first);
  st = IntakeInbox().DeclineReferral(Ctx().get(), decline, &entry);
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

  ASSERT_TRUE(Accept("accept-9203", id, second, &entry).ok());
  r = WaitForState(id, rs::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(r.offers(1).result(), router::v1::OFFER_RESULT_ACCEPTED);

  ASSERT_TRUE(Start("start-9203", id, &entry).ok());
  r = WaitForState(id, rs::REFERRAL_STATE_IN_PROGRESS);
  for (const auto& clock : r.clocks()) {
    EXPECT_EQ(clock.stopped(), clock.kind() != router::v1::CLOCK_KIND_STATUTORY_COMPLETION)
        << router::v1::ClockKind_Name(clock.kind());
  }

  rs::Outcome could_not_help;
  could_not_help.set_result(rs::OUTCOME_RESULT_COULD_NOT_HELP);
  could_not_help.set_reason(rs::COULD_NOT_HELP_REASON_NEEDS_SPECIALIST_CARE);
  ASSERT_TRUE(Complete("complete-9203", id, could_not_help, &entry).ok());
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
  router::v1::CancelReferralRequest cancel =
      Cancellation("cancel-9205", r.offer().referral_id(), rs::CANCEL_REASON_CLIENT_REFUSED);
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

// The unit has accepted and started when the client refuses: the unit's
// entry is taken back too (WITHDRAWN), so the unit learns of it.
TEST_F(RouterTest, ACancellationAfterTheUnitStartedReachesTheUnit) {
  router::v1::Referral r = DepressedClient(9212, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  const std::string id = r.offer().referral_id();
  rs::InboxEntry entry;
  ASSERT_TRUE(Accept("accept-9212", id, r.offer().unit_id(), &entry).ok());
  ASSERT_TRUE(Start("start-9212", id, &entry).ok());
  WaitForState(id, rs::REFERRAL_STATE_IN_PROGRESS);
  router::v1::Referral cancelled;
  ASSERT_TRUE(
      Router()
          .CancelReferral(Ctx().get(), Cancellation("cancel-9212", id, rs::CANCEL_REASON_CLIENT_REFUSED), &cancelled)
          .ok());
  rs::GetInboxEntryRequest get;
  get.set_referral_id(id);
  EXPECT_TRUE(WaitFor(
      [&] {
        return IntakeInbox().GetInboxEntry(Ctx().get(), get, &entry).ok() && entry.state() == rs::INBOX_STATE_WITHDRAWN;
      },
      30s))
      << rs::InboxState_Name(entry.state());
  EXPECT_TRUE(WaitFor([&] { return Get(id).withdraw_unit_id().empty(); }, 30s)) << "the withdrawal is done";
  EXPECT_EQ(Get(id).state(), rs::REFERRAL_STATE_CANCELLED);
}

TEST_F(RouterTest, WorklistsShowEachUnitAndTheCounsellorsWhatTheyMustActOn) {
  router::v1::Referral unmet = DepressedClient(9207, "398", common::v1::LANGUAGE_SV, rs::REFERRAL_STATE_OFFERED);
  router::v1::Referral nowhere = DepressedClient(9208, "091", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_UNROUTABLE);
  const auto ids_of = [](const router::v1::ListWorklistResponse& list) {
    std::map<std::string, std::vector<std::string>> reasons_by_id;
    for (const auto& item : list.items()) {
      reasons_by_id[item.referral().offer().referral_id()] = {item.reasons().begin(), item.reasons().end()};
    }
    return reasons_by_id;
  };
  // The unit it is offered to has it on its worklist, also under the language_unmet filter.
  router::v1::ListWorklistRequest unit_list;
  unit_list.set_unit_id(unmet.offer().unit_id());
  unit_list.set_language_unmet_only(true);
  router::v1::ListWorklistResponse list;
  grpc::Status st = Router().ListWorklist(Ctx().get(), unit_list, &list);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(ids_of(list).count(unmet.offer().referral_id()));
  for (const auto& item : list.items()) EXPECT_TRUE(item.referral().offer().language_unmet());
  unit_list.add_states(rs::REFERRAL_STATE_ACCEPTED);
  ASSERT_TRUE(Router().ListWorklist(Ctx().get(), unit_list, &list).ok());
  EXPECT_FALSE(ids_of(list).count(unmet.offer().referral_id())) << "only ACCEPTED asked for";
  unit_list.clear_states();
  unit_list.add_states(rs::REFERRAL_STATE_UNROUTABLE);
  st = Router().ListWorklist(Ctx().get(), unit_list, &list);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("states[0]", 0), 0u) << st.error_message();
  // Päijät-Häme's counsellors see the unmet language; the need in Helsinki,
  // which no county's directory covers, is on the list without a county.
  router::v1::ListCounsellorWorklistRequest counsellors;
  counsellors.set_county("paijat-hame");
  ASSERT_TRUE(Router().ListCounsellorWorklist(Ctx().get(), counsellors, &list).ok());
  EXPECT_EQ(ids_of(list)[unmet.offer().referral_id()], std::vector<std::string>{"language_unmet"});
  EXPECT_FALSE(ids_of(list).count(nowhere.offer().referral_id()));
  counsellors.set_county("");
  ASSERT_TRUE(Router().ListCounsellorWorklist(Ctx().get(), counsellors, &list).ok());
  EXPECT_EQ(ids_of(list)[nowhere.offer().referral_id()], std::vector<std::string>{"unroutable"});
}

TEST_F(RouterTest, AUnitThatReportsItselfClosedIsNotChosenUntilItReopens) {
  router::v1::ListUnitsRequest units;
  units.set_service_type("mental-health-assessment");
  units.set_municipality_code("398");
  units.set_active_only(true);
  router::v1::ListUnitsResponse listed;
  ASSERT_TRUE(Router().ListUnits(Ctx().get(), units, &listed).ok());
  std::set<std::string> active;
  for (const auto& u : listed.units()) active.insert(u.unit_id());
  ASSERT_TRUE(active.count("ph-mh-lahti-matala")) << listed.DebugString();

  router::v1::UpdateUnitAvailabilityRequest update;
  update.set_idempotency_key("close-matala");
  update.set_unit_id("ph-mh-lahti-matala");
  update.set_status(router::v1::UNIT_STATUS_TEMPORARILY_CLOSED);
  update.set_capacity(router::v1::UNIT_CAPACITY_NONE);
  router::v1::Unit unit;
  grpc::Status st = Router().UpdateUnitAvailability(Ctx().get(), update, &unit);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(unit.updated_by_unit());
  EXPECT_EQ(unit.capacity_updated_on(), e2e::Today());

  router::v1::Referral r = DepressedClient(9209, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  for (const auto& c : r.candidates()) EXPECT_NE(c.unit_id(), "ph-mh-lahti-matala");
  ASSERT_TRUE(Router().ListUnits(Ctx().get(), units, &listed).ok());
  for (const auto& u : listed.units()) EXPECT_NE(u.unit_id(), "ph-mh-lahti-matala");
  units.set_active_only(false);
  ASSERT_TRUE(Router().ListUnits(Ctx().get(), units, &listed).ok());
  bool shown_closed = false;
  for (const auto& u : listed.units()) {
    shown_closed |= u.unit_id() == "ph-mh-lahti-matala" && u.status() == router::v1::UNIT_STATUS_TEMPORARILY_CLOSED;
  }
  EXPECT_TRUE(shown_closed);

  // Bad input changes nothing.
  update.set_idempotency_key("bad-1");
  update.set_status(router::v1::UNIT_STATUS_UNSPECIFIED);
  st = Router().UpdateUnitAvailability(Ctx().get(), update, &unit);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("status", 0), 0u);
  update.set_idempotency_key("bad-2");
  update.set_status(router::v1::UNIT_STATUS_ACTIVE);
  update.set_unit_id("no-such-unit");
  EXPECT_EQ(Router().UpdateUnitAvailability(Ctx().get(), update, &unit).error_code(), grpc::StatusCode::NOT_FOUND);
  units.set_service_type("dentistry");
  st = Router().ListUnits(Ctx().get(), units, &listed);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("service_type", 0), 0u);

  // Open again: chosen again.
  update.set_idempotency_key("open-matala");
  update.set_unit_id("ph-mh-lahti-matala");
  update.set_capacity(router::v1::UNIT_CAPACITY_AVAILABLE);
  ASSERT_TRUE(Router().UpdateUnitAvailability(Ctx().get(), update, &unit).ok());
  r = DepressedClient(9210, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  EXPECT_EQ(r.offer().unit_id(), "ph-mh-lahti-matala");
}

TEST_F(RouterTest, TheClientJourneyByIdentityCodeShowsWhatIsOpenAndWhatClosed) {
  std::string client;
  router::v1::Referral first =
      DepressedClient(9211, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED, &client);
  router::v1::Referral cancelled;
  ASSERT_TRUE(
      Router()
          .CancelReferral(Ctx().get(),
                          Cancellation("cancel-9211", first.offer().referral_id(), rs::CANCEL_REASON_ORIGIN_WITHDREW),
                          &cancelled)
          .ok());
  // A later assessment: a new need, open.
  hc::RecordAssessmentResponse recorded;
  ASSERT_TRUE(HomeCare()
                  .RecordAssessment(Ctx().get(), e2e::AssessmentRequest(client, "assess-9211-b", e2e::kDepressedMood),
                                    &recorded)
                  .ok());
  router::v1::GetClientJourneyRequest req;
  req.set_identity_code(hetu::SyntheticIdentityCode(9211));
  router::v1::ClientJourney journey;
  ASSERT_TRUE(WaitFor(
      [&] {
        // Settled (OFFERED), so that the read by pseudonym below sees the same.
        return Router().GetClientJourney(Ctx().get(), req, &journey).ok() && journey.open_size() == 1 &&
               journey.open(0).state() == rs::REFERRAL_STATE_OFFERED;
      },
      30s));
  EXPECT_EQ(journey.client_pseudonym(), client) << "the code is pseudonymised at the edge";
  ASSERT_EQ(journey.closed_size(), 1);
  EXPECT_EQ(journey.closed(0).offer().referral_id(), first.offer().referral_id());
  EXPECT_EQ(journey.closed(0).state(), rs::REFERRAL_STATE_CANCELLED);
  EXPECT_NE(journey.open(0).offer().referral_id(), first.offer().referral_id());
  EXPECT_GE(journey.open(0).clocks_size(), 1);
  // The same by pseudonym.
  req.set_client_pseudonym(client);
  router::v1::ClientJourney by_pseudonym;
  ASSERT_TRUE(Router().GetClientJourney(Ctx().get(), req, &by_pseudonym).ok());
  EXPECT_EQ(by_pseudonym.SerializeAsString(), journey.SerializeAsString());
  // Bad input names the field.
  req.set_months(121);
  grpc::Status st = Router().GetClientJourney(Ctx().get(), req, &journey);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("months", 0), 0u) << st.error_message();
  req.set_months(0);
  req.set_identity_code("010101-923X");
  st = Router().GetClientJourney(Ctx().get(), req, &journey);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("identity_code", 0), 0u) << st.error_message();
}

// The service counsellor's one contact with two needs: both referrals are
// made at once with the contact's event, each goes to its own unit, a retry
// makes nothing twice, and a need no rule takes is refused whole.
TEST_F(RouterTest, OneCounsellingContactWithTwoNeedsBecomesTwoReferralsEachRouted) {
  const auto counselling_events = [] {
    std::vector<router::v1::CounsellingContactRecorded> out;
    for (const auto& rec :
         testing::ReadAll(system_->Bootstrap(), {"yhteys.counselling.events.v1"}, static_cast<size_t>(-1), 2s)) {
      EXPECT_EQ(rec.headers.at("ce_type"), "yhteys.router.v1.CounsellingContactRecorded");
      router::v1::CounsellingContactRecorded e;
      EXPECT_TRUE(e.ParseFromString(rec.value));
      EXPECT_EQ(rec.headers.at("ce_id"), e.contact_id());
      EXPECT_EQ(rec.key, e.client_pseudonym());
      out.push_back(e);
    }
    return out;
  };
  const size_t events_before = counselling_events().size();

  router::v1::RecordCounsellingContactRequest req;
  req.set_idempotency_key("contact-9230");
  req.set_unit_id("sn-lahti-1");
  req.set_channel(router::v1::COUNSELLING_CHANNEL_PHONE);
  const std::string code = hetu::SyntheticIdentityCode(9230);
  req.set_identity_code(code);
  req.set_municipality_code("398");
  req.set_language(common::v1::LANGUAGE_FI);
  req.set_consent_to_share(true);
  req.add_needs()->set_need("mental-health");
  req.add_needs()->set_need("social-care");
  router::v1::CounsellingContact contact;
  grpc::Status st = Router().RecordCounsellingContact(Ctx().get(), req, &contact);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(contact.anonymous());
  ASSERT_EQ(contact.referrals_size(), 2);
  std::map<std::string, std::string> by_rule;  // rule -> referral id
  for (const auto& r : contact.referrals()) {
    EXPECT_EQ(r.offer().client_pseudonym(), contact.client_pseudonym());
    EXPECT_EQ(r.offer().source_service(), common::v1::SERVICE_NAME_REFERRAL_ROUTER);
    EXPECT_EQ(r.offer().source_event_id(), contact.contact_id());
    EXPECT_GE(r.candidates_size(), 1) << r.offer().rule_id();
    by_rule[r.offer().rule_id()] = r.offer().referral_id();
  }
  ASSERT_EQ(by_rule.size(), 2u);
  ASSERT_EQ(by_rule.count("counselling-mental-health"), 1u);
  // Born in 1937 (the synthetic code's date): 75 or over, SHL § 36's 7 working days.
  ASSERT_EQ(by_rule.count("counselling-social-care-75-or-over"), 1u);
  // Each offered to its own kind of unit.
  const auto mental = WaitForState(by_rule["counselling-mental-health"], rs::REFERRAL_STATE_OFFERED);
  EXPECT_EQ(mental.target_service(), common::v1::SERVICE_NAME_MENTAL_HEALTH_INTAKE);
  EXPECT_EQ(mental.clocks_size(), 1);  // the region's target for the first contact
  const auto social = WaitForState(by_rule["counselling-social-care-75-or-over"], rs::REFERRAL_STATE_OFFERED);
  ASSERT_EQ(social.clocks_size(), 1);
  EXPECT_EQ(social.clocks(0).kind(), router::v1::CLOCK_KIND_STATUTORY_START);
  EXPECT_NE(social.offer().unit_id(), mental.offer().unit_id());
  EXPECT_EQ(e2e::ClientReferrals(Router(), contact.client_pseudonym()).size(), 2u);

  // A retry answers the first answer: the same contact, nothing made twice.
  router::v1::CounsellingContact again;
  st = Router().RecordCounsellingContact(Ctx().get(), req, &again);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(again.contact_id(), contact.contact_id());
  ASSERT_EQ(again.referrals_size(), 2);
  EXPECT_EQ(e2e::ClientReferrals(Router(), contact.client_pseudonym()).size(), 2u);
  // The same key for another contact is refused.
  router::v1::RecordCounsellingContactRequest other = req;
  other.mutable_needs()->RemoveLast();
  EXPECT_EQ(Router().RecordCounsellingContact(Ctx().get(), other, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // Refused whole, naming the need: an unknown one, or one that is not
  // urgent without the client's consent.
  other = req;
  other.set_idempotency_key("contact-9230-bad");
  other.mutable_needs(1)->set_need("housing");
  st = Router().RecordCounsellingContact(Ctx().get(), other, &again);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("needs[1].need:", 0), 0u) << st.error_message();
  other = req;
  other.set_idempotency_key("contact-9230-no-consent");
  other.set_consent_to_share(false);
  other.mutable_needs(0)->set_urgent(true);
  st = Router().RecordCounsellingContact(Ctx().get(), other, &again);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("needs[1]:", 0), 0u) << st.error_message();
  EXPECT_EQ(e2e::ClientReferrals(Router(), contact.client_pseudonym()).size(), 2u);

  // An anonymous caller's urgent need goes on without consent, under a
  // pseudonym of that contact alone.
  router::v1::RecordCounsellingContactRequest anon;
  anon.set_idempotency_key("contact-9230-anon");
  anon.set_unit_id("sn-lahti-1");
  anon.set_channel(router::v1::COUNSELLING_CHANNEL_CHAT);
  anon.set_anonymous(true);
  anon.set_age_years(19);
  anon.set_municipality_code("398");
  auto* urgent = anon.add_needs();
  urgent->set_need("mental-health");
  urgent->set_urgent(true);
  router::v1::CounsellingContact anonymous;
  st = Router().RecordCounsellingContact(Ctx().get(), anon, &anonymous);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(anonymous.anonymous());
  EXPECT_NE(anonymous.client_pseudonym(), contact.client_pseudonym());
  ASSERT_EQ(anonymous.referrals_size(), 1);
  EXPECT_EQ(anonymous.referrals(0).offer().urgency(), common::v1::URGENCY_URGENT);
  EXPECT_EQ(anonymous.referrals(0).offer().rule_id(), "counselling-mental-health-urgent");

  // One event per contact, the refused ones none; no identity code in it.
  std::vector<router::v1::CounsellingContactRecorded> events;
  ASSERT_TRUE(WaitFor(
      [&] {
        events = counselling_events();
        return events.size() >= events_before + 2;
      },
      30s));
  ASSERT_EQ(events.size(), events_before + 2);
  EXPECT_EQ(events[events_before].contact_id(), contact.contact_id());
  EXPECT_EQ(events[events_before].needs_size(), 2);
  EXPECT_EQ(events[events_before].SerializeAsString().find(code), std::string::npos);
  EXPECT_EQ(events[events_before + 1].contact_id(), anonymous.contact_id());
  EXPECT_TRUE(events[events_before + 1].anonymous());
  // Each referral's CREATED event went out once (the router read its own
  // contact event back and made nothing again).
  for (const auto& [rule, id] : by_rule) {
    const auto trail = StateTrail(*system_, id);
    ASSERT_FALSE(trail.empty()) << rule;
    EXPECT_EQ(
        std::count_if(trail.begin(), trail.end(), [](const std::string& s) { return s.rfind("CREATED@", 0) == 0; }), 1)
        << rule;
  }
}

// WatchReferrals cut mid-flow and resumed from the last cursor: together
// the two streams carry exactly what one uninterrupted stream carries, each
// referral's changes once and in order.
TEST_F(RouterTest, AWatchCutMidFlowAndResumedFromItsCursorMissesNothingAndRepeatsNothing) {
  // Each counselling contact: one urgent referral, CREATED then OFFERED.
  std::set<std::string> ours;
  int made = 0;
  const auto make_contacts = [&](int n) {
    for (int i = 0; i < n; ++i, ++made) {
      router::v1::RecordCounsellingContactRequest req;
      req.set_idempotency_key("watch-contact-" + std::to_string(made));
      req.set_unit_id("sn-lahti-1");
      req.set_channel(router::v1::COUNSELLING_CHANNEL_CHAT);
      req.set_anonymous(true);
      req.set_age_years(30);
      req.set_municipality_code("398");
      auto* need = req.add_needs();
      need->set_need("mental-health");
      need->set_urgent(true);
      router::v1::CounsellingContact contact;
      grpc::Status st = Router().RecordCounsellingContact(Ctx().get(), req, &contact);
      ASSERT_TRUE(st.ok()) << st.error_message();
      ASSERT_EQ(contact.referrals_size(), 1);
      ours.insert(contact.referrals(0).offer().referral_id());
    }
  };
  using Change = std::pair<std::string, std::string>;  // referral id, state
  router::v1::WatchReferralsRequest watch;
  watch.set_source_service(common::v1::SERVICE_NAME_REFERRAL_ROUTER);
  watch.set_source_unit_id("sn-lahti-1");  // the counselling unit's own referrals
  // Reads changes of our referrals until `want` came; the last cursor seen goes to `cursor`.
  const auto read = [&](grpc::ClientReaderInterface<router::v1::ReferralUpdate>& stream, size_t want,
                        std::vector<Change>* out, std::string* cursor) {
    router::v1::ReferralUpdate update;
    size_t got = 0;
    while (got < want && stream.Read(&update)) {
      EXPECT_FALSE(update.cursor().empty());
      *cursor = update.cursor();
      if (!update.has_change()) continue;
      EXPECT_EQ(update.change().source_unit_id(), "sn-lahti-1");
      if (ours.count(update.change().referral_id()) == 0) continue;
      out->emplace_back(update.change().referral_id(), rs::ReferralState_Name(update.change().state()));
      ++got;
    }
  };

  // The uninterrupted stream, from now.
  grpc::ClientContext whole_ctx;
  whole_ctx.set_deadline(std::chrono::system_clock::now() + 120s);
  auto whole = Router().WatchReferrals(&whole_ctx, watch);
  router::v1::ReferralUpdate first;
  ASSERT_TRUE(whole->Read(&first));
  EXPECT_FALSE(first.has_change()) << "the first message carries the starting cursor only";
  const std::string start = first.cursor();

  // The stream to cut, from the same start.
  watch.set_cursor(start);
  auto cut_ctx = std::make_unique<grpc::ClientContext>();
  cut_ctx->set_deadline(std::chrono::system_clock::now() + 120s);
  auto cut = Router().WatchReferrals(cut_ctx.get(), watch);
  router::v1::ReferralUpdate cut_first;
  ASSERT_TRUE(cut->Read(&cut_first));
  EXPECT_EQ(cut_first.cursor(), start);

  make_contacts(8);
  std::vector<Change> before_cut;
  std::string cursor = start;
  read(*cut, 7, &before_cut, &cursor);
  ASSERT_EQ(before_cut.size(), 7u);
  cut_ctx->TryCancel();  // the connection drops mid-flow
  (void)cut->Finish();
  make_contacts(8);  // more changes while nobody follows

  watch.set_cursor(cursor);
  grpc::ClientContext resumed_ctx;
  resumed_ctx.set_deadline(std::chrono::system_clock::now() + 120s);
  auto resumed = Router().WatchReferrals(&resumed_ctx, watch);
  std::vector<Change> after_cut;
  std::string unused;
  read(*resumed, 32 - 7, &after_cut, &unused);
  ASSERT_EQ(after_cut.size(), 25u) << "16 referrals, CREATED and OFFERED each";
  std::vector<Change> all;
  read(*whole, 32, &all, &unused);
  ASSERT_EQ(all.size(), 32u);

  std::vector<Change> joined = before_cut;
  joined.insert(joined.end(), after_cut.begin(), after_cut.end());
  // Same changes, none twice; each referral's in order (across clients the
  // interleaving of partitions may differ).
  std::map<std::string, std::vector<std::string>> joined_by_ref, all_by_ref;
  for (const auto& [id, state] : joined) joined_by_ref[id].push_back(state);
  for (const auto& [id, state] : all) all_by_ref[id].push_back(state);
  EXPECT_EQ(joined_by_ref, all_by_ref);
  ASSERT_EQ(all_by_ref.size(), 16u);
  for (const auto& [id, states] : all_by_ref) {
    EXPECT_EQ(states, (std::vector<std::string>{"REFERRAL_STATE_CREATED", "REFERRAL_STATE_OFFERED"})) << id;
  }
  resumed_ctx.TryCancel();
  whole_ctx.TryCancel();

  // A cursor this stream did not make is refused, naming it.
  watch.set_cursor("v1:0=x");
  grpc::ClientContext bad_ctx;
  auto bad = Router().WatchReferrals(&bad_ctx, watch);
  router::v1::ReferralUpdate none;
  EXPECT_FALSE(bad->Read(&none));
  grpc::Status st = bad->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message().rfind("cursor:", 0), 0u) << st.error_message();
}

// Last in the suite: moves the watcher's clock 200 days ahead, so every
// running clock of every referral the suite made is past its due date.
TEST_F(RouterTest, RunningClocksPastTheirDueDateAreRaisedOverdueOnceStoppedOnesNever) {
  router::v1::Referral r = DepressedClient(9206, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  const std::string id = r.offer().referral_id();
  ASSERT_EQ(r.clocks_size(), 2);  // 3 months (TervHL § 51 a) and the region's 7 days
  std::ofstream(*clock_file_) << int64_t{200} * 24 * 3600 * 1000;
  ASSERT_TRUE(WaitFor(
      [&] {
        r = Get(id);
        for (const auto& clock : r.clocks()) {
          if (!clock.overdue()) return false;
        }
        return true;
      },
      30s));
  EXPECT_EQ(r.state(), rs::REFERRAL_STATE_OFFERED) << "OVERDUE is raised on a clock, the referral stays where it is";
  // One ReferralOverdue per clock, also after more watcher passes.
  const auto overdue_events = [&] {
    std::map<std::string, int> by_clock;
    for (const auto& rec :
         testing::ReadAll(system_->Bootstrap(), {"yhteys.referrals.events.v1"}, static_cast<size_t>(-1), 2s)) {
      if (rec.headers.at("ce_type") != "yhteys.referral.v1.ReferralOverdue") continue;
      rs::ReferralOverdue e;
      if (e.ParseFromString(rec.value) && e.referral_id() == id) {
        EXPECT_EQ(e.unit_id(), r.offer().unit_id());
        EXPECT_EQ(e.rule_id(), "homecare-drs-depression");
        ++by_clock[e.clock()];
      }
    }
    return by_clock;
  };
  EXPECT_EQ(overdue_events(), (std::map<std::string, int>{{"statutory", 1}, {"target", 1}}));
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(overdue_events(), (std::map<std::string, int>{{"statutory", 1}, {"target", 1}}));
  // The UNROUTABLE needs in Helsinki are overdue too (a person must act):
  // counted once each; the completed and cancelled referrals' stopped
  // clocks are not.
  int unroutable = 0;
  for (const auto& [index, made] : made_) unroutable += Get(made).state() == rs::REFERRAL_STATE_UNROUTABLE;
  ASSERT_GE(unroutable, 1) << "run with the suite's other tests (they make UNROUTABLE needs)";
  const std::string metrics = testing::ScrapeMetrics(system_->MetricsPort("referral-router"));
  EXPECT_NE(metrics.find("yhteys_referral_overdue_total{clock=\"statutory\",rule=\"homecare-drs-depression\","
                         "unit=\"none\"} " +
                         std::to_string(unroutable)),
            std::string::npos)
      << metrics;
  for (int index : {9203, 9205}) {
    ASSERT_TRUE(made_.count(index)) << index;
    const router::v1::Referral ended = Get(made_[index]);
    for (const auto& clock : ended.clocks()) {
      EXPECT_TRUE(clock.stopped()) << index;
      EXPECT_FALSE(clock.overdue()) << index << " " << router::v1::ClockKind_Name(clock.kind());
    }
  }
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

// The router's Redis is lost: an empty one, rebuilt from the changelog, with
// the consumers reading every domain topic from offset 0 (a new consumer
// group), equals the live state, and no unit is offered anything again.
class RouterRebuildTest : public RouterTest {
 protected:
  // Records the router's consumer has finished with (done, duplicate or dead-lettered).
  static int64_t ConsumedByRouter() {
    int64_t total = 0;
    std::istringstream metrics(testing::ScrapeMetrics(system_->MetricsPort("referral-router")));
    for (std::string line; std::getline(metrics, line);) {
      if (line.rfind("yhteys_consumer_records_total{", 0) != 0 || line.find("result=\"retry\"") != std::string::npos) {
        continue;
      }
      total += static_cast<int64_t>(std::stod(line.substr(line.rfind(' ') + 1)));
    }
    return total;
  }
  static size_t RecordsOn(const std::vector<std::string>& topics) {
    return testing::ReadAll(system_->Bootstrap(), topics, static_cast<size_t>(-1), 2s).size();
  }
};

TEST_F(RouterRebuildTest, AnEmptyRedisRebuiltFromTheTopicsEqualsTheLiveStateAndOffersNothingAgain) {
  // ---- Live: a unit's report, a sharing decision, a counselling contact with
  // two needs, a referral declined, re-routed, accepted, started and
  // completed, one cancelled, one UNROUTABLE.
  router::v1::UpdateUnitAvailabilityRequest report;
  report.set_idempotency_key("rebuild-report");
  report.set_unit_id("ph-mh-nastola");
  report.set_status(router::v1::UNIT_STATUS_ACTIVE);
  report.set_capacity(router::v1::UNIT_CAPACITY_WAITLIST_1_TO_3_MONTHS);
  router::v1::Unit unit;
  ASSERT_TRUE(Router().UpdateUnitAvailability(Ctx().get(), report, &unit).ok());

  router::v1::RecordCounsellingContactRequest contact_req;
  contact_req.set_idempotency_key("rebuild-contact");
  contact_req.set_unit_id("sn-lahti-1");
  contact_req.set_channel(router::v1::COUNSELLING_CHANNEL_WALK_IN);
  contact_req.set_identity_code(hetu::SyntheticIdentityCode(9240));
  contact_req.set_municipality_code("398");
  contact_req.set_language(common::v1::LANGUAGE_FI);
  contact_req.set_consent_to_share(true);
  contact_req.add_needs()->set_need("mental-health");
  contact_req.add_needs()->set_need("primary-care");
  router::v1::CounsellingContact contact;
  ASSERT_TRUE(Router().RecordCounsellingContact(Ctx().get(), contact_req, &contact).ok());
  ASSERT_EQ(contact.referrals_size(), 2);

  router::v1::RecordClientSharingRequest consent;
  consent.set_idempotency_key("rebuild-consent");
  consent.set_client_pseudonym(contact.client_pseudonym());
  consent.set_status(rs::SHARING_STATUS_CONSENT_GIVEN);
  consent.set_unit_id("sn-lahti-1");
  router::v1::ClientSharing sharing;
  ASSERT_TRUE(Router().RecordClientSharing(Ctx().get(), consent, &sharing).ok());

  std::string completed_client;
  router::v1::Referral r =
      DepressedClient(9241, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED, &completed_client);
  const std::string completed = r.offer().referral_id();
  rs::InboxEntry entry;
  rs::DeclineReferralRequest decline;
  decline.set_idempotency_key("rebuild-decline");
  decline.set_referral_id(completed);
  decline.set_reason(rs::DECLINE_REASON_NO_CAPACITY);
  ASSERT_TRUE(IntakeInbox().DeclineReferral(Ctx().get(), decline, &entry).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        r = Get(completed);
        return r.state() == rs::REFERRAL_STATE_OFFERED && r.offers_size() == 2;
      },
      30s));
  ASSERT_TRUE(Accept("rebuild-accept", completed, r.offer().unit_id(), &entry).ok());
  WaitForState(completed, rs::REFERRAL_STATE_ACCEPTED);
  ASSERT_TRUE(Start("rebuild-start", completed, &entry).ok());
  WaitForState(completed, rs::REFERRAL_STATE_IN_PROGRESS);
  rs::Outcome service_given;
  service_given.set_result(rs::OUTCOME_RESULT_SERVICE_GIVEN);
  ASSERT_TRUE(Complete("rebuild-complete", completed, service_given, &entry).ok());
  WaitForState(completed, rs::REFERRAL_STATE_COMPLETED);

  r = DepressedClient(9242, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);
  const std::string cancelled = r.offer().referral_id();
  router::v1::Referral cancelled_now;
  ASSERT_TRUE(Router()
                  .CancelReferral(Ctx().get(),
                                  Cancellation("rebuild-cancel", cancelled, rs::CANCEL_REASON_ORIGIN_WITHDREW),
                                  &cancelled_now)
                  .ok());
  const std::string unroutable =
      DepressedClient(9243, "091", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_UNROUTABLE).offer().referral_id();
  WaitForState(contact.referrals(0).offer().referral_id(), rs::REFERRAL_STATE_OFFERED);
  WaitForState(contact.referrals(1).offer().referral_id(), rs::REFERRAL_STATE_OFFERED);
  WaitForState(cancelled, rs::REFERRAL_STATE_CANCELLED);

  // Settled: nothing more goes out (the cancellation's withdrawal included).
  size_t events = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        const size_t now = RecordsOn({"yhteys.referrals.events.v1"});
        const bool same = now == events;
        events = now;
        return same;
      },
      30s));
  const std::vector<std::string> ids = {contact.referrals(0).offer().referral_id(),
                                        contact.referrals(1).offer().referral_id(), completed, cancelled, unroutable};
  std::map<std::string, router::v1::Referral> live;
  for (const auto& id : ids) live[id] = Get(id);
  const auto worklist = [&](const std::string& unit_id) {
    router::v1::ListWorklistRequest req;
    req.set_unit_id(unit_id);
    router::v1::ListWorklistResponse resp;
    EXPECT_TRUE(Router().ListWorklist(Ctx().get(), req, &resp).ok());
    return resp.SerializeAsString();
  };
  const auto counsellors = [&] {
    router::v1::ListCounsellorWorklistRequest req;
    router::v1::ListWorklistResponse resp;
    EXPECT_TRUE(Router().ListCounsellorWorklist(Ctx().get(), req, &resp).ok());
    return resp.SerializeAsString();
  };
  const std::string offered_unit = live[ids[0]].offer().unit_id();
  const std::string live_worklist = worklist(offered_unit);
  const std::string live_counsellors = counsellors();
  const auto journey = e2e::ClientReferrals(Router(), contact.client_pseudonym());
  ASSERT_EQ(journey.size(), 2u);
  const size_t intake_inbox_before = [&] {
    rs::ListInboxRequest req;
    req.set_page_size(500);
    rs::ListInboxResponse resp;
    EXPECT_TRUE(IntakeInbox().ListInbox(Ctx().get(), req, &resp).ok());
    return static_cast<size_t>(resp.entries_size());
  }();

  // ---- Redis lost: the router again, on an empty Redis, rebuilt from the
  // changelog, its consumers from offset 0.
  system_->Signal("referral-router", SIGTERM);
  ASSERT_GE(system_->WaitExit("referral-router", 30s), 0);
  testing::RedisServer empty;
  ASSERT_TRUE(empty.Start());
  system_->Start("referral-router", {{"YHTEYS_REDIS_PORT", std::to_string(empty.port())},
                                     {"YHTEYS_ROUTER_RESTORE_FROM_CHANGELOG", "true"},
                                     {"YHTEYS_KAFKA_CONSUMER_GROUP", "yhteys-referral-router-rebuilt"}});
  ASSERT_TRUE(system_->WaitServing("referral-router", 60s)) << system_->ReadLog("referral-router");
  const size_t domain_records =
      RecordsOn({"yhteys.homecare.events.v1", "yhteys.mentalhealth.events.v1", "yhteys.familycentre.events.v1",
                 "yhteys.feedback.events.v1", "yhteys.counselling.events.v1"});
  ASSERT_GT(domain_records, 0u);
  ASSERT_TRUE(WaitFor([&] { return ConsumedByRouter() >= static_cast<int64_t>(domain_records); }, 60s))
      << ConsumedByRouter() << " of " << domain_records << " domain records consumed again";
  std::this_thread::sleep_for(1s);  // a dispatcher pass or more, had anything been due

  for (const auto& id : ids) {
    const router::v1::Referral rebuilt = Get(id);
    EXPECT_EQ(rebuilt.SerializeAsString(), live[id].SerializeAsString())
        << id << "\nlive:    " << live[id].ShortDebugString() << "\nrebuilt: " << rebuilt.ShortDebugString();
  }
  EXPECT_EQ(worklist(offered_unit), live_worklist);
  EXPECT_EQ(counsellors(), live_counsellors);
  const auto rebuilt_journey = e2e::ClientReferrals(Router(), contact.client_pseudonym());
  ASSERT_EQ(rebuilt_journey.size(), 2u);
  EXPECT_EQ(rebuilt_journey[0].offer().referral_id(), journey[0].offer().referral_id());
  EXPECT_EQ(rebuilt_journey[1].offer().referral_id(), journey[1].offer().referral_id());
  router::v1::GetClientSharingRequest get_sharing;
  get_sharing.set_client_pseudonym(contact.client_pseudonym());
  router::v1::ClientSharing rebuilt_sharing;
  ASSERT_TRUE(Router().GetClientSharing(Ctx().get(), get_sharing, &rebuilt_sharing).ok());
  EXPECT_EQ(rebuilt_sharing.SerializeAsString(), sharing.SerializeAsString());
  router::v1::ListUnitsRequest units;
  units.set_municipality_code("398");
  units.set_service_type("mental-health-assessment");
  router::v1::ListUnitsResponse listed;
  ASSERT_TRUE(Router().ListUnits(Ctx().get(), units, &listed).ok());
  bool reported = false;
  for (const auto& u : listed.units()) {
    if (u.unit_id() == "ph-mh-nastola") {
      reported = u.updated_by_unit() && u.capacity() == router::v1::UNIT_CAPACITY_WAITLIST_1_TO_3_MONTHS;
    }
  }
  EXPECT_TRUE(reported) << "the unit's own report is restored";

  // Nothing offered, withdrawn or changed again: not one more event, and the
  // intake's inbox holds what it held.
  EXPECT_EQ(RecordsOn({"yhteys.referrals.events.v1"}), events);
  rs::ListInboxRequest req;
  req.set_page_size(500);
  rs::ListInboxResponse resp;
  ASSERT_TRUE(IntakeInbox().ListInbox(Ctx().get(), req, &resp).ok());
  EXPECT_EQ(static_cast<size_t>(resp.entries_size()), intake_inbox_before);

  // And it goes on: a new need is routed as before.
  DepressedClient(9244, "398", common::v1::LANGUAGE_FI, rs::REFERRAL_STATE_OFFERED);

  // A second restore into a Redis that holds referrals is refused at start-up.
  system_->Signal("referral-router", SIGTERM);
  ASSERT_GE(system_->WaitExit("referral-router", 30s), 0);
  system_->Start("referral-router", {{"YHTEYS_REDIS_PORT", std::to_string(empty.port())},
                                     {"YHTEYS_ROUTER_RESTORE_FROM_CHANGELOG", "true"}});
  const int status = system_->WaitExit("referral-router", 30s);
  ASSERT_GE(status, 0) << "the router should refuse to start";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status;
  EXPECT_NE(system_->ReadLog("referral-router").find("Redis already holds referrals"), std::string::npos);
}

}  // namespace
}  // namespace yhteys
