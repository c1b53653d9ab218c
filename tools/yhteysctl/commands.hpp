#pragma once
// The commands of yhteysctl, one group per file, each registering itself on
// the CLI11 app; and the little they share to do so. A command runs after the
// whole command line is parsed (the global flags may follow it).

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

#include "globals.hpp"

namespace yhteysctl {

// The command the command line selected; returns the exit code.
using Command = std::function<int()>;

// When `sub` is the command given, `run` becomes the selected command.
inline void OnSelect(CLI::App* sub, Command* selected, Command run) {
  sub->callback([selected, run = std::move(run)] { *selected = run; });
}

// A flag whose absence matters: not given is not the same as given empty.
inline CLI::Option* AddOptional(CLI::App* app, const std::string& name, std::optional<std::string>* value,
                                const std::string& description) {
  return app->add_option_function<std::string>(
      name, [value](const std::string& given) { *value = given; }, description);
}

// Puts `text` before the footer `sub` inherited (the note on the global flags).
inline void PrependFooter(CLI::App* sub, const std::string& text) { sub->footer(text + "\n\n" + sub->get_footer()); }

// health [--wait-s N] (health.cpp)
void AddHealth(CLI::App& app, const Globals& globals, Command* selected);
// home-care register-client|record-assessment|get-client (calls.cpp)
void AddHomeCare(CLI::App& app, const Globals& globals, Command* selected);
// inbox list|get|accept|decline|complete (calls.cpp)
void AddInbox(CLI::App& app, const Globals& globals, Command* selected);
// router get-referral|client-referrals (calls.cpp)
void AddRouter(CLI::App& app, const Globals& globals, Command* selected);
// call Service/Method [JSON]: any RPC (call.cpp)
void AddCall(CLI::App& app, const Globals& globals, Command* selected);
// tail --topic T (--bootstrap B | --bootstrap-file F): a Kafka topic, decoded (tail.cpp)
void AddTail(CLI::App& app, Command* selected);

}  // namespace yhteysctl
