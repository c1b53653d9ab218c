#pragma once
// ReferralRouter/WatchReferrals: a server stream of the referrals topic's
// ReferralStateChanged events, filtered, that resumes from a cursor. The
// topic is the log: the cursor is the reader's position in each partition
// after the last message sent, so a call with it reads on from exactly
// there (kafka::TopicReader), nothing lost and nothing twice, each client's
// changes in order (a client's events share a partition).
//
// Pure parts (the cursor's text, the filter) are separate from the stream
// (WatchReactor), which runs one reader on a thread of its own per call.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "yhteys/kafka/topic_reader.hpp"
#include "yhteys/router/v1/referral_router_service.grpc.pb.h"
#include "yhteys/server/rpc.hpp"

namespace yhteys::router {

// "v1:<partition>=<offset>,...": the next offset to read in each partition.
std::string EncodeCursor(const kafka::Positions& positions);
// INVALID_ARGUMENT "cursor: ..." for a text EncodeCursor did not make.
absl::StatusOr<kafka::Positions> DecodeCursor(const std::string& cursor);

struct WatchFilter {
  common::v1::ServiceName source_service = common::v1::SERVICE_NAME_UNSPECIFIED;
  std::string unit_id;
  std::string source_unit_id;
  std::set<int> states;
};
// INVALID_ARGUMENT naming the field.
absl::StatusOr<WatchFilter> WatchFilterOf(const v1::WatchReferralsRequest& request);
bool Passes(const WatchFilter& filter, const referral::v1::ReferralStateChanged& change);
// The change as a caller bound to `caller_unit` ("" for none) sees it: under
// a data-sharing denial (details_withheld) a unit learns no more than its
// need-only offer told it, so only the originating unit sees where the
// referral came from (source_service, source_unit_id).
referral::v1::ReferralStateChanged ForCaller(referral::v1::ReferralStateChanged change, const std::string& caller_unit);

struct WatchSettings {
  std::map<std::string, std::string> kafka_config;  // bootstrap.servers and security
  std::chrono::milliseconds keepalive{10000};       // a cursor-only message when nothing passed the filter this long
  int max_watches = 32;                             // streams open at once; more are RESOURCE_EXHAUSTED
};

// One WatchReferrals call. Deletes itself when gRPC is done with it.
class WatchReactor final : public grpc::ServerWriteReactor<v1::ReferralUpdate> {
 public:
  WatchReactor(grpc::CallbackServerContext* ctx, const v1::WatchReferralsRequest* request, server::RpcEnv env,
               const WatchSettings& settings, std::atomic<int>& open_watches);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void Run();
  grpc::Status Stream();
  // Sends one message; false when the stream is gone.
  bool Send(v1::ReferralUpdate update);
  bool Stopped() const;

  grpc::CallbackServerContext* ctx_;
  const v1::WatchReferralsRequest* request_;
  server::RpcEnv env_;
  WatchSettings settings_;
  std::atomic<int>& open_watches_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool writing_ = false;
  bool write_ok_ = true;
  std::atomic<bool> cancelled_{false};
  v1::ReferralUpdate out_;
  std::thread thread_;
};

}  // namespace yhteys::router
