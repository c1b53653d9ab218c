// The typed calls of three services: home care (registering a client,
// recording an assessment, reading a client), a ReferralInbox (list, get,
// accept, decline, complete) and the referral router (a referral, a
// client's referrals). Answers are printed as JSON (--get: one field).
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "channel.hpp"
#include "commands.hpp"
#include "fill_unset.hpp"
#include "output.hpp"
#include "yhteys/homecare/v1/home_care_service.grpc.pb.h"
#include "yhteys/referral/v1/referral_inbox_service.grpc.pb.h"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"

namespace yhteysctl {
namespace {

using namespace yhteys;

// --- home-care ---

// The language codes --language takes, in the usage's order.
const std::vector<std::pair<std::string, common::v1::Language>>& Languages() {
  static const auto* languages =
      new std::vector<std::pair<std::string, common::v1::Language>>{{"fi", common::v1::LANGUAGE_FI},
                                                                    {"sv", common::v1::LANGUAGE_SV},
                                                                    {"se", common::v1::LANGUAGE_SE},
                                                                    {"smn", common::v1::LANGUAGE_SMN},
                                                                    {"sms", common::v1::LANGUAGE_SMS}};
  return *languages;
}

struct RegisterClientFlags {
  std::string identity_code, municipality, language, unit;
  std::optional<std::string> idempotency_key;
};

int RegisterClient(const Globals& globals, const RegisterClientFlags& flags) {
  auto stub = homecare::v1::HomeCare::NewStub(Connect(globals, "home-care").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  homecare::v1::RegisterClientRequest req;
  req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
  req.set_identity_code(flags.identity_code);
  req.set_municipality_code(flags.municipality);
  for (const auto& [code, value] : Languages()) {
    if (code == flags.language) req.set_language(value);
  }
  req.set_unit_id(flags.unit);
  homecare::v1::RegisterClientResponse resp;
  return Print(globals.get, stub->RegisterClient(&ctx, req, &resp), resp);
}

struct RecordAssessmentFlags {
  std::string client;
  std::optional<std::string> mood, items, assessed_on, idempotency_key;
};

std::string Today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

int RecordAssessment(const Globals& globals, const RecordAssessmentFlags& flags) {
  auto stub = homecare::v1::HomeCare::NewStub(Connect(globals, "home-care").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  homecare::v1::RecordAssessmentRequest req;
  req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
  req.set_client_id(flags.client);
  req.set_assessed_on(flags.assessed_on.value_or(Today()));
  if (flags.items) {
    auto st = google::protobuf::util::JsonStringToMessage(*flags.items, req.mutable_items());
    if (!st.ok()) Fail("--items: " + std::string(st.message()));
  }
  if (flags.mood) {
    std::vector<int> codes;
    std::stringstream ss(*flags.mood);
    std::string item;
    while (std::getline(ss, item, ',')) codes.push_back(std::atoi(item.c_str()));
    if (codes.size() != 7) Fail("--mood: expected seven comma-separated codes (E1a-E1g)");
    auto* m = req.mutable_items()->mutable_mood();
    m->set_negative_statements(codes[0]);
    m->set_persistent_anger(codes[1]);
    m->set_unrealistic_fears(codes[2]);
    m->set_repetitive_health_complaints(codes[3]);
    m->set_repetitive_anxious_complaints(codes[4]);
    m->set_sad_pained_facial_expressions(codes[5]);
    m->set_crying_tearfulness(codes[6]);
  }
  // Items not given are answered "no problem" (code 0).
  proto::FillUnset(*req.mutable_items());
  homecare::v1::RecordAssessmentResponse resp;
  return Print(globals.get, stub->RecordAssessment(&ctx, req, &resp), resp);
}

int GetClient(const Globals& globals, const std::string& client) {
  auto stub = homecare::v1::HomeCare::NewStub(Connect(globals, "home-care").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  homecare::v1::GetClientRequest req;
  req.set_client_id(client);
  homecare::v1::Client resp;
  return Print(globals.get, stub->GetClient(&ctx, req, &resp), resp);
}

// --- inbox ---

struct InboxFlags {
  std::string referral, unit, reason, page_token;
  std::string outcome = "service_given", could_not_help;
  int page_size = 50;
  std::optional<std::string> idempotency_key;
};

enum class InboxAction { kList, kGet, kAccept, kDecline, kStart, kComplete };

// Decline reasons as given on the command line: DECLINE_REASON_NO_CAPACITY is no_capacity.
std::vector<std::string> DeclineReasons() {
  std::vector<std::string> reasons;
  const auto* descriptor = referral::v1::DeclineReason_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    std::string name = descriptor->value(i)->name().substr(std::string("DECLINE_REASON_").size());
    // OFFER_EXPIRED is the router's, never a unit's answer.
    if (name == "UNSPECIFIED" || name == "OFFER_EXPIRED") continue;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reasons.push_back(name);
  }
  return reasons;
}

int Inbox(const Globals& globals, InboxAction action, const InboxFlags& flags) {
  auto stub = referral::v1::ReferralInbox::NewStub(Connect(globals, "mental-health-intake").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  referral::v1::InboxEntry entry;
  switch (action) {
    case InboxAction::kList: {
      referral::v1::ListInboxRequest req;
      req.set_page_size(flags.page_size);
      req.set_page_token(flags.page_token);
      referral::v1::ListInboxResponse resp;
      return Print(globals.get, stub->ListInbox(&ctx, req, &resp), resp);
    }
    case InboxAction::kGet: {
      referral::v1::GetInboxEntryRequest req;
      req.set_referral_id(flags.referral);
      return Print(globals.get, stub->GetInboxEntry(&ctx, req, &entry), entry);
    }
    case InboxAction::kAccept: {
      referral::v1::AcceptReferralRequest req;
      req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
      req.set_referral_id(flags.referral);
      req.set_unit_id(flags.unit);
      return Print(globals.get, stub->AcceptReferral(&ctx, req, &entry), entry);
    }
    case InboxAction::kDecline: {
      referral::v1::DeclineReferralRequest req;
      req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
      req.set_referral_id(flags.referral);
      std::string reason = flags.reason;
      for (auto& c : reason) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      referral::v1::DeclineReason value;
      if (!referral::v1::DeclineReason_Parse("DECLINE_REASON_" + reason, &value)) Fail("--reason: unknown reason");
      req.set_reason(value);
      req.set_unit_id(flags.unit);
      return Print(globals.get, stub->DeclineReferral(&ctx, req, &entry), entry);
    }
    case InboxAction::kStart: {
      referral::v1::StartReferralRequest req;
      req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
      req.set_referral_id(flags.referral);
      return Print(globals.get, stub->StartReferral(&ctx, req, &entry), entry);
    }
    case InboxAction::kComplete: {
      referral::v1::CompleteReferralRequest req;
      req.set_idempotency_key(IdempotencyKey(flags.idempotency_key));
      req.set_referral_id(flags.referral);
      if (flags.outcome == "service_given") {
        req.mutable_outcome()->set_result(referral::v1::OUTCOME_RESULT_SERVICE_GIVEN);
      } else {
        req.mutable_outcome()->set_result(referral::v1::OUTCOME_RESULT_COULD_NOT_HELP);
        std::string reason = flags.could_not_help;
        for (auto& c : reason) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        referral::v1::CouldNotHelpReason value;
        if (!referral::v1::CouldNotHelpReason_Parse("COULD_NOT_HELP_REASON_" + reason, &value)) {
          Fail("--reason: required with --outcome could_not_help (e.g. needs_specialist_care)");
        }
        req.mutable_outcome()->set_reason(value);
      }
      return Print(globals.get, stub->CompleteReferral(&ctx, req, &entry), entry);
    }
  }
  return 2;
}

// --- router ---

int GetReferral(const Globals& globals, const std::string& referral) {
  auto stub = router::v1::ReferralRouter::NewStub(Connect(globals, "referral-router").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  router::v1::GetReferralRequest req;
  req.set_referral_id(referral);
  router::v1::Referral resp;
  return Print(globals.get, stub->GetReferral(&ctx, req, &resp), resp);
}

int ClientReferrals(const Globals& globals, const std::string& client) {
  auto stub = router::v1::ReferralRouter::NewStub(Connect(globals, "referral-router").channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, globals);
  router::v1::ListClientReferralsRequest req;
  req.set_client_pseudonym(client);
  router::v1::ListClientReferralsResponse resp;
  return Print(globals.get, stub->ListClientReferrals(&ctx, req, &resp), resp);
}

CLI::Option* AddIdempotencyKey(CLI::App* sub, std::optional<std::string>* key) {
  return AddOptional(sub, "--idempotency-key", key,
                     "a retry with the same key has no second effect (default: a new one)")
      ->type_name("K");
}

}  // namespace

void AddHomeCare(CLI::App& app, const Globals& globals, Command* selected) {
  auto* group = app.add_subcommand(
      "home-care", "HomeCare: register-client, record-assessment, get-client (default --service home-care)");
  group->require_subcommand(1);

  auto reg = std::make_shared<RegisterClientFlags>();
  auto* sub = group->add_subcommand("register-client", "registers a client of a home-care unit (RegisterClient)");
  sub->add_option("--identity-code", reg->identity_code, "the client's identity code (henkilötunnus)")
      ->required()
      ->type_name("C");
  sub->add_option("--municipality", reg->municipality, "municipality code, e.g. 398 (Lahti)")
      ->required()
      ->type_name("NNN");
  std::vector<std::string> languages;
  for (const auto& [code, value] : Languages()) languages.push_back(code);
  sub->add_option("--language", reg->language, "the client's language")
      ->required()
      ->type_name("LANG")
      ->check(CLI::IsMember(languages));
  sub->add_option("--unit", reg->unit, "the home-care unit, e.g. hc-lahti-1")->required()->type_name("U");
  AddIdempotencyKey(sub, &reg->idempotency_key);
  OnSelect(sub, selected, [&globals, reg] { return RegisterClient(globals, *reg); });

  auto assess = std::make_shared<RecordAssessmentFlags>();
  sub = group->add_subcommand("record-assessment", "records a RAI-HC assessment of a client (RecordAssessment)");
  sub->add_option("--client", assess->client, "the client id (register-client's client_id)")
      ->required()
      ->type_name("ID");
  AddOptional(sub, "--mood", &assess->mood, "interRAI E1a-E1g codes 0-3, seven comma-separated")
      ->type_name("a,b,c,d,e,f,g");
  AddOptional(sub, "--items", &assess->items, "RaiHcItems as JSON (--mood overrides its mood items)")
      ->type_name("JSON");
  AddOptional(sub, "--assessed-on", &assess->assessed_on, "the day of the assessment (default: today)")
      ->type_name("YYYY-MM-DD");
  AddIdempotencyKey(sub, &assess->idempotency_key);
  PrependFooter(sub,
                "mood: interRAI E1a-E1g codes 0-3, e.g. --mood 3,1,2,0,1,0,0\n"
                "items: RaiHcItems as JSON, e.g. '{\"health\":{\"dyspnea\":3,\"vomiting\":2}}'; items not given are 0");
  OnSelect(sub, selected, [&globals, assess] { return RecordAssessment(globals, *assess); });

  auto client = std::make_shared<std::string>();
  sub = group->add_subcommand(
      "get-client", "the client, the latest assessment and the referrals it caused, with their outcome (GetClient)");
  sub->add_option("--client", *client, "the client id")->required()->type_name("ID");
  OnSelect(sub, selected, [&globals, client] { return GetClient(globals, *client); });
}

void AddInbox(CLI::App& app, const Globals& globals, Command* selected) {
  auto* group = app.add_subcommand("inbox",
                                   "the ReferralInbox of --service (default mental-health-intake): list, get, accept, "
                                   "decline, start, complete");
  group->require_subcommand(1);
  auto flags = std::make_shared<InboxFlags>();
  auto select = [&globals, selected, flags](CLI::App* sub, InboxAction action) {
    OnSelect(sub, selected, [&globals, flags, action] { return Inbox(globals, action, *flags); });
  };
  auto referral = [&flags](CLI::App* sub) {
    sub->add_option("--referral", flags->referral, "the referral id")->required()->type_name("R");
  };

  auto* sub = group->add_subcommand("list", "open entries (OFFERED or ACCEPTED), earliest deadline first (ListInbox)");
  sub->add_option("--page-size", flags->page_size, "entries per page")->type_name("N")->capture_default_str();
  sub->add_option("--page-token", flags->page_token, "the next_page_token of the previous page")->type_name("T");
  select(sub, InboxAction::kList);

  sub = group->add_subcommand("get", "one inbox entry (GetInboxEntry)");
  referral(sub);
  select(sub, InboxAction::kGet);

  sub = group->add_subcommand("accept", "accepts a referral (AcceptReferral)");
  referral(sub);
  sub->add_option("--unit", flags->unit,
                  "the unit that takes the client: the one the offer is for (default), e.g. ph-mh-lahti-matala")
      ->type_name("U");
  AddIdempotencyKey(sub, &flags->idempotency_key);
  select(sub, InboxAction::kAccept);

  sub = group->add_subcommand("decline", "declines a referral, with a reason (DeclineReferral)");
  referral(sub);
  sub->add_option("--reason", flags->reason, "why the service declines (any case)")
      ->required()
      ->type_name("REASON")
      ->check(CLI::IsMember(DeclineReasons(), CLI::ignore_case));
  sub->add_option("--unit", flags->unit, "the unit that declines: the one the offer is for")->type_name("U");
  AddIdempotencyKey(sub, &flags->idempotency_key);
  select(sub, InboxAction::kDecline);

  sub = group->add_subcommand("start", "the service has started for an accepted referral (StartReferral)");
  referral(sub);
  AddIdempotencyKey(sub, &flags->idempotency_key);
  select(sub, InboxAction::kStart);

  sub = group->add_subcommand("complete",
                              "completes an accepted or started referral with its outcome (CompleteReferral)");
  referral(sub);
  sub->add_option("--outcome", flags->outcome, "how it ended for the client")
      ->type_name("OUTCOME")
      ->check(CLI::IsMember({"service_given", "could_not_help"}, CLI::ignore_case))
      ->capture_default_str();
  sub->add_option("--reason", flags->could_not_help,
                  "with could_not_help: client_did_not_attend, client_refused_service, needs_specialist_care, "
                  "need_not_confirmed or client_moved")
      ->type_name("REASON");
  AddIdempotencyKey(sub, &flags->idempotency_key);
  select(sub, InboxAction::kComplete);
}

void AddRouter(CLI::App& app, const Globals& globals, Command* selected) {
  auto* group = app.add_subcommand(
      "router", "ReferralRouter: get-referral, client-referrals (default --service referral-router)");
  group->require_subcommand(1);

  auto referral = std::make_shared<std::string>();
  auto* sub = group->add_subcommand("get-referral", "a referral with its offer, deadlines and state (GetReferral)");
  sub->add_option("--referral", *referral, "the referral id")->required()->type_name("R");
  OnSelect(sub, selected, [&globals, referral] { return GetReferral(globals, *referral); });

  auto client = std::make_shared<std::string>();
  sub = group->add_subcommand("client-referrals", "a client's referrals (ListClientReferrals)");
  sub->add_option("--client", *client, "the client pseudonym (home care's client_id)")->required()->type_name("ID");
  OnSelect(sub, selected, [&globals, client] { return ClientReferrals(globals, *client); });
}

}  // namespace yhteysctl
