#include "yhteys/redis/script.hpp"

#include "yhteys/ids/ids.hpp"

namespace yhteys::redis {

Script::Script(std::string source) : source_(std::move(source)), sha1_(ids::Sha1Hex(source_)) {}

absl::StatusOr<Reply> Script::Run(Pool& pool, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) const {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(sha1_);
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = pool.Command(argv);
  if (!reply.ok()) return reply.status();
  if ((*reply)->type == REDIS_REPLY_ERROR && ReplyString(reply->get()).starts_with("NOSCRIPT")) {
    argv[0] = "EVAL";
    argv[1] = source_;
    return pool.Command(argv);
  }
  return reply;
}

}  // namespace yhteys::redis
