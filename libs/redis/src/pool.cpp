#include "yhteys/redis/pool.hpp"

#include <sys/time.h>

#include "absl/status/status.h"

namespace yhteys::redis {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = ms.count() / 1000;
  tv.tv_usec = (ms.count() % 1000) * 1000;
  return tv;
}

std::vector<const char*> ArgvPointers(const std::vector<std::string>& argv, std::vector<size_t>* lens) {
  std::vector<const char*> ptrs;
  ptrs.reserve(argv.size());
  lens->clear();
  lens->reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens->push_back(a.size());
  }
  return ptrs;
}

}  // namespace

bool IsTransientError(const redisReply* reply) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ERROR) return false;
  std::string_view text(reply->str, reply->len);
  for (std::string_view prefix : {"LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

namespace {

absl::Status TransientErrorStatus(const redisReply* reply) {
  return absl::UnavailableError("redis: " + std::string(reply->str, reply->len));
}

}  // namespace

std::string ReplyString(const redisReply* reply) {
  if (reply == nullptr) return "";
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR: return std::string(reply->str, reply->len);
    default: return "";
  }
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {}

Pool::~Pool() = default;

absl::StatusOr<Pool::Context> Pool::Connect() {
  timeval tv = ToTimeval(options_.connect_timeout);
  Context ctx(redisConnectWithTimeout(options_.host.c_str(), options_.port, tv));
  if (!ctx) return absl::UnavailableError("redis: cannot allocate a connection");
  if (ctx->err) {
    return absl::UnavailableError("redis: cannot connect to " + options_.host + ":" + std::to_string(options_.port) +
                                  ": " + ctx->errstr);
  }
  timeval ctv = ToTimeval(options_.command_timeout);
  if (redisSetTimeout(ctx.get(), ctv) != REDIS_OK) {
    return absl::UnavailableError("redis: cannot set the command timeout");
  }
  redisEnableKeepAlive(ctx.get());
  return ctx;
}

absl::StatusOr<Pool::Context> Pool::Acquire() {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  while (true) {
    if (!idle_.empty()) {
      Context ctx = std::move(idle_.back());
      idle_.pop_back();
      return ctx;
    }
    if (open_ < options_.size) {
      ++open_;
      lock.unlock();
      auto ctx = Connect();
      if (!ctx.ok()) {
        lock.lock();
        --open_;
        available_.notify_one();
      }
      return ctx;
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= options_.size) {
      return absl::UnavailableError("redis: no free connection in the pool");
    }
  }
}

void Pool::Release(Context context, bool healthy) {
  std::lock_guard lock(mutex_);
  if (healthy && context) {
    idle_.push_back(std::move(context));
  } else {
    --open_;
  }
  available_.notify_one();
}

absl::StatusOr<Reply> Pool::Command(const std::vector<std::string>& argv) {
  auto ctx = Acquire();
  if (!ctx.ok()) return ctx.status();
  std::vector<size_t> lens;
  auto ptrs = ArgvPointers(argv, &lens);
  Reply reply(
      static_cast<redisReply*>(redisCommandArgv(ctx->get(), static_cast<int>(argv.size()), ptrs.data(), lens.data())));
  if (!reply) {
    std::string err = (*ctx)->errstr;
    Release(std::move(*ctx), false);
    return absl::UnavailableError("redis: " + (err.empty() ? std::string("connection lost") : err));
  }
  Release(std::move(*ctx), true);
  // A server that is loading its data set (or is busy in a script, or is a
  // replica without its master) has not answered the command: that is
  // "unavailable, retry", never an empty reply that reads as "not found".
  if (IsTransientError(reply.get())) return TransientErrorStatus(reply.get());
  return reply;
}

absl::StatusOr<std::vector<Reply>> Pool::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  auto ctx = Acquire();
  if (!ctx.ok()) return ctx.status();
  std::vector<size_t> lens;
  for (const auto& argv : commands) {
    auto ptrs = ArgvPointers(argv, &lens);
    if (redisAppendCommandArgv(ctx->get(), static_cast<int>(argv.size()), ptrs.data(), lens.data()) != REDIS_OK) {
      Release(std::move(*ctx), false);
      return absl::UnavailableError("redis: cannot queue a pipelined command");
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx->get(), &raw) != REDIS_OK || raw == nullptr) {
      std::string err = (*ctx)->errstr;
      Release(std::move(*ctx), false);
      return absl::UnavailableError("redis: " + (err.empty() ? std::string("connection lost") : err));
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  Release(std::move(*ctx), true);
  for (const auto& reply : replies) {
    if (IsTransientError(reply.get())) return TransientErrorStatus(reply.get());
  }
  return replies;
}

absl::Status Pool::Ping() {
  auto reply = Command({"PING"});
  if (!reply.ok()) return reply.status();
  if ((*reply)->type == REDIS_REPLY_ERROR) {
    return absl::UnavailableError("redis: PING answered " + ReplyString(reply->get()));
  }
  return absl::OkStatus();
}

}  // namespace yhteys::redis
