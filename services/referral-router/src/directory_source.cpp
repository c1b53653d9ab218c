#include "directory_source.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "yhteys/ids/ids.hpp"
#include "yhteys/log/log.hpp"

namespace yhteys::router {

absl::StatusOr<LoadedDirectory> LoadDirectoryFolder(const std::string& folder) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) return absl::InvalidArgumentError("router.directory_dir: cannot read " + folder + ": " + ec.message());
  if (files.empty()) return absl::InvalidArgumentError("router.directory_dir: no county file (*.yaml) in " + folder);
  std::sort(files.begin(), files.end());
  std::vector<Directory> counties;
  std::string everything;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) return absl::InvalidArgumentError("directory " + path.string() + ": cannot read");
    everything += path.filename().string() + '\0' + text.str() + '\0';
    auto county = ParseDirectory(text.str());
    if (!county.ok()) {
      return absl::InvalidArgumentError("directory " + path.filename().string() + ": " +
                                        std::string(county.status().message()));
    }
    if (county->county != path.stem().string()) {
      return absl::InvalidArgumentError("directory " + path.filename().string() + ": county: '" + county->county +
                                        "' in a file named for another county");
    }
    counties.push_back(std::move(*county));
  }
  auto merged = MergeDirectories(counties);
  if (!merged.ok()) return absl::InvalidArgumentError("directory: " + std::string(merged.status().message()));
  return LoadedDirectory{std::move(*merged), ids::Sha256Hex(everything)};
}

DirectorySource::DirectorySource(std::string folder, LoadedDirectory initial, prometheus::Registry* registry)
    : folder_(std::move(folder)),
      current_(std::make_shared<const Directory>(std::move(initial.directory))),
      fingerprint_(std::move(initial.fingerprint)) {
  if (registry != nullptr) {
    reloads_ = &prometheus::BuildCounter()
                    .Name("yhteys_directory_reloads_total")
                    .Help("Service directory reloads after a change or SIGHUP, by result (applied or refused)")
                    .Register(*registry);
    // Both series exist from the start, so that an alert on refusals has a baseline.
    reloads_->Add({{"result", "applied"}});
    reloads_->Add({{"result", "refused"}});
  }
}

std::shared_ptr<const Directory> DirectorySource::Get() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void DirectorySource::Count(const char* result) {
  if (reloads_ != nullptr) reloads_->Add({{"result", result}}).Increment();
}

absl::Status DirectorySource::Reload() {
  auto loaded = LoadDirectoryFolder(folder_);
  std::lock_guard lock(mutex_);
  if (!loaded.ok()) {
    // The folder as it is now, to report a bad version once.
    std::string seen = loaded.status().ToString();
    if (seen != refused_fingerprint_) {
      refused_fingerprint_ = seen;
      Count("refused");
      log::Error("service directory refused; the one in force stays",
                 {{"folder", folder_}, {"error", std::string(loaded.status().message())}});
    }
    return loaded.status();
  }
  refused_fingerprint_.clear();
  if (loaded->fingerprint == fingerprint_) return absl::OkStatus();
  fingerprint_ = loaded->fingerprint;
  const int units = static_cast<int>(loaded->directory.units.size());
  current_ = std::make_shared<const Directory>(std::move(loaded->directory));
  Count("applied");
  log::Info("service directory reloaded", {{"folder", folder_}, {"units", units}});
  return absl::OkStatus();
}

void DirectorySource::Watch(const std::atomic<bool>& stop, std::chrono::milliseconds interval) {
  const auto step = std::chrono::milliseconds(100);
  while (!stop.load()) {
    for (auto waited = std::chrono::milliseconds(0); waited < interval && !stop.load(); waited += step) {
      std::this_thread::sleep_for(step);
    }
    if (!stop.load()) (void)Reload();
  }
}

}  // namespace yhteys::router
