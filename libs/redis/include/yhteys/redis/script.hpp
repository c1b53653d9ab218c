#pragma once
// A Lua script run with EVALSHA, falling back to EVAL when the server does
// not have it cached (after a restart or failover). Thread-safe.

#include <string>
#include <vector>

#include "yhteys/redis/pool.hpp"

namespace yhteys::redis {

class Script {
 public:
  explicit Script(std::string source);
  absl::StatusOr<Reply> Run(Pool& pool, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args) const;
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace yhteys::redis
