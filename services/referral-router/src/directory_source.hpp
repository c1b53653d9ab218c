#pragma once
// The service directory the router routes by: every county's file (*.yaml)
// in one folder (router.directory_dir), merged. Loaded at start-up, where a
// bad file fails start-up; reloaded when a file changes (the folder is
// polled) or on SIGHUP, where a bad file is refused whole: the directory in
// force stays, and the refusal is logged and counted
// (yhteys_directory_reloads_total{result="refused"}).

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "directory.hpp"

namespace yhteys::router {

struct LoadedDirectory {
  Directory directory;      // every county merged
  std::string fingerprint;  // of the files' names and contents: a change shows here
};

// Reads and validates every *.yaml in `folder`; an error names the file and field.
absl::StatusOr<LoadedDirectory> LoadDirectoryFolder(const std::string& folder);

class DirectorySource {
 public:
  DirectorySource(std::string folder, LoadedDirectory initial, prometheus::Registry* registry);

  // The directory in force; callers keep the pointer for one decision.
  std::shared_ptr<const Directory> Get() const;
  // Reads the folder again: applies it if every file is valid, else keeps
  // the one in force and returns why. Unchanged files are a no-op.
  absl::Status Reload();
  // Reloads whenever the folder's content changes, checking every `interval`.
  void Watch(const std::atomic<bool>& stop, std::chrono::milliseconds interval);

 private:
  void Count(const char* result);

  std::string folder_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Directory> current_;
  std::string fingerprint_;
  std::string refused_fingerprint_;  // a bad version is reported once, not at every poll
  prometheus::Family<prometheus::Counter>* reloads_ = nullptr;
};

}  // namespace yhteys::router
