// health: grpc.health.v1 of a service, optionally waiting until it serves.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "channel.hpp"
#include "commands.hpp"
#include "yhteys/server/health_client.hpp"

namespace yhteysctl {
namespace {

// SERVING: 0. Otherwise, once --wait-s has passed: NOT_SERVING or UNREACHABLE, 1.
int Health(const Globals& globals, int wait_s) {
  Connection connection = Connect(globals, "mental-health-intake");
  const std::string& address = connection.address;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_s);
  while (true) {
    auto serving = yhteys::server::CheckHealth(connection.channel, std::chrono::milliseconds(1000));
    if (serving.ok() && *serving) {
      std::printf("%s SERVING\n", address.c_str());
      return 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::printf(
          "%s %s\n", address.c_str(),
          serving.ok() ? "NOT_SERVING" : ("UNREACHABLE (" + std::string(serving.status().message()) + ")").c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

void AddHealth(CLI::App& app, const Globals& globals, Command* selected) {
  auto* sub = app.add_subcommand("health", "grpc.health.v1 of --address (or --service)");
  PrependFooter(sub, "Prints ADDRESS SERVING (exit 0), or ADDRESS NOT_SERVING or ADDRESS UNREACHABLE (...) (exit 1).");
  auto wait_s = std::make_shared<int>(0);
  sub->add_option("--wait-s", *wait_s, "keep asking for up to N seconds until it serves")
      ->type_name("N")
      ->capture_default_str();
  OnSelect(sub, selected, [&globals, wait_s] { return Health(globals, *wait_s); });
}

}  // namespace yhteysctl
