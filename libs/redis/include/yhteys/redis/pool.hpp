#pragma once
// A bounded pool of synchronous hiredis connections with connect and
// command timeouts. Call it from worker threads, never from a gRPC reactor
// thread (a blocking call there stalls the server).
//
// Thread-safe. A connection that fails (I/O error, timeout) is dropped and a
// new one is made on the next use, so the pool recovers by itself after Redis
// restarts. Failures are UNAVAILABLE (retryable), and so are the error
// replies that mean the server cannot answer now (LOADING while it replays
// its AOF or RDB, BUSY, MASTERDOWN, READONLY, TRYAGAIN, CLUSTERDOWN), in a
// pipeline too: those never reach a caller as data. Other error replies
// (WRONGTYPE, a script error) are returned as replies of type
// REDIS_REPLY_ERROR.

#include <hiredis/hiredis.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace yhteys::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct PoolOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{1000};
  int size = 8;
  // How long Command() waits for a free connection before UNAVAILABLE.
  std::chrono::milliseconds acquire_timeout{1000};
};

class Pool {
 public:
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  absl::StatusOr<Reply> Command(const std::vector<std::string>& argv);
  // Sends all commands in one round trip; replies in order.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  // PING; OK when Redis answers.
  absl::Status Ping();

  const PoolOptions& options() const { return options_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  using Context = std::unique_ptr<redisContext, ContextDeleter>;

  absl::StatusOr<Context> Acquire();
  void Release(Context context, bool healthy);
  absl::StatusOr<Context> Connect();

  PoolOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Context> idle_;
  int open_ = 0;
};

// True for an error reply that means "the server cannot answer now, retry".
bool IsTransientError(const redisReply* reply);

// Text of a reply for status/bulk/error replies; empty otherwise.
std::string ReplyString(const redisReply* reply);

}  // namespace yhteys::redis
