// yhteysctl: the operator's command line for Yhteys. Calls the services'
// gRPC APIs (printing answers as JSON) and tails Kafka topics, printing each
// event decoded: type, time, subject pseudonym, payload as JSON.
//
// This file: the global flags, the help's notes, and parsing (CLI11). Each
// command group registers itself from its own file (commands.hpp).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "channel.hpp"
#include "commands.hpp"
#include "globals.hpp"

namespace {

using namespace yhteysctl;

// Inherited by every command's help (the global flags are the app's).
constexpr char kGlobalFlagsNote[] =
    "Global flags (--address, --timeout-ms, --get, --ca/--cert/--key, --service; see yhteysctl --help) go before\n"
    "the command, or after it.";

std::string Footer() {
  std::string footer = "--service picks the default local address of that service:\n";
  for (const auto& [service, address] : DefaultAddresses()) {
    footer += "  " + service + std::string(service.size() < 22 ? 22 - service.size() : 1, ' ') + address + "\n";
  }
  footer += R"(Without --address or --service: a command's own service (home-care: home-care, router:
referral-router, others: mental-health-intake). Mutating calls send an idempotency key
(--idempotency-key, or a new one).

TLS: --ca FILE (PEM CA that signed the services' certificates) connects over TLS; with --cert FILE
--key FILE too, yhteysctl presents that client certificate (mutual TLS, as production requires). The
certificate's spiffe:// URI SAN is the identity the services authorise: an operator certificate
(spiffe://<county>/role/operator) may call health and reflection only. Without --ca: plaintext
(local development).

Each command's flags: yhteysctl COMMAND --help, e.g. yhteysctl home-care register-client --help;
the commands of a group with their flags: yhteysctl GROUP --help-all, e.g. yhteysctl inbox --help-all.
Exit codes: 0 done; 1 the call failed (its gRPC status on stderr) or health found the service not serving;
2 a usage error.)";
  return footer;
}

void AddGlobalFlags(CLI::App& app, Globals* globals) {
  AddOptional(&app, "--address", &globals->address, "the service's address (default: that of --service)")
      ->type_name("HOST:PORT");
  app.add_option("--timeout-ms", globals->timeout_ms, "each call's deadline")->type_name("N")->capture_default_str();
  AddOptional(&app, "--get", &globals->get,
              "print one field of the answer (dotted path, e.g. offer.statutory_deadline.due_date)")
      ->type_name("FIELD");
  AddOptional(&app, "--ca", &globals->ca, "PEM CA that signed the services' certificates: TLS")->type_name("FILE");
  AddOptional(&app, "--cert", &globals->cert, "client certificate (PEM), with --key and --ca: mutual TLS")
      ->type_name("FILE");
  AddOptional(&app, "--key", &globals->key, "the client certificate's private key (PEM)")->type_name("FILE");
  std::vector<std::string> services;
  for (const auto& [service, address] : DefaultAddresses()) services.push_back(service);
  AddOptional(&app, "--service", &globals->service, "the service whose default local address to call")
      ->type_name("NAME")
      ->check(CLI::IsMember(services));
}

// CLI11 says "A subcommand is required" both when a command is missing and
// when it is mistyped; this names the group, the word it did not know, and
// the commands it has. Empty when the error is not about a command.
std::string CommandError(const CLI::App& app) {
  const CLI::App* group = &app;
  while (!group->get_subcommands().empty()) group = group->get_subcommands().front();
  std::string commands;
  for (const CLI::App* sub : group->get_subcommands([](const CLI::App*) { return true; })) {
    commands += (commands.empty() ? "" : ", ") + sub->get_name();
  }
  if (commands.empty()) return "";
  std::string where = group == &app ? "" : group->get_name() + ": ";
  auto rest = app.remaining();
  if (!rest.empty() && rest.front().rfind('-', 0) != 0) {
    return where + "unknown command '" + rest.front() + "'; commands: " + commands;
  }
  return where + "a command is required: " + commands;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "yhteysctl: the operator's command line for Yhteys. Calls the services' gRPC APIs (answers are printed as\n"
      "JSON; --get prints one field) and tails Kafka topics.",
      "yhteysctl"};
  // As before CLI11: a flag given twice counts once, the last; global flags may follow the command.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.fallthrough();
  app.require_subcommand(1);
  app.failure_message(
      [](const CLI::App*, const CLI::Error& e) { return "yhteysctl: " + std::string(e.what()) + " (see --help)\n"; });
  app.set_help_all_flag("--help-all", "Print this help with every command's flags and exit");
  app.footer(kGlobalFlagsNote);  // the commands, registered next, inherit it

  Globals globals;
  AddGlobalFlags(app, &globals);
  Command selected;
  AddHealth(app, globals, &selected);
  AddHomeCare(app, globals, &selected);
  AddInbox(app, globals, &selected);
  AddCall(app, globals, &selected);
  AddRouter(app, globals, &selected);
  AddTail(app, &selected);
  app.footer(Footer());

  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    if (std::string message = CommandError(app); !message.empty()) {
      std::fprintf(stderr, "yhteysctl: %s (see --help)\n", message.c_str());
      return 2;
    }
    app.exit(e);
    return 2;
  } catch (const CLI::ParseError& e) {
    // CLI11's own exit codes (106 for a missing flag, 109 for an unknown one, ...) are
    // yhteysctl's one usage error, 2; --help is 0.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return selected ? selected() : 2;
}
