#include "referral_watch.hpp"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "yhteys/kafka/topics.hpp"
#include "yhteys/log/log.hpp"
#include "yhteys/server/access_control.hpp"
#include "yhteys/status/grpc_status.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::router {

namespace {
constexpr char kCursorPrefix[] = "v1:";
constexpr char kMethod[] = "ReferralRouter/WatchReferrals";
}  // namespace

std::string EncodeCursor(const kafka::Positions& positions) {
  std::string out = kCursorPrefix;
  bool first = true;
  for (const auto& [partition, offset] : positions) {
    if (!first) out += ",";
    first = false;
    out += std::to_string(partition) + "=" + std::to_string(offset);
  }
  return out;
}

absl::StatusOr<kafka::Positions> DecodeCursor(const std::string& cursor) {
  const auto bad = absl::InvalidArgumentError("cursor: not a cursor of this stream");
  if (cursor.rfind(kCursorPrefix, 0) != 0 || cursor.size() > 4096) return bad;
  kafka::Positions positions;
  const std::string body = cursor.substr(sizeof kCursorPrefix - 1);
  if (body.empty()) return positions;
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(body, ','))) {
    std::vector<std::string> kv = absl::StrSplit(part, '=');
    int32_t partition = 0;
    int64_t offset = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[0], &partition) || !absl::SimpleAtoi(kv[1], &offset) || partition < 0 ||
        offset < 0 || !positions.emplace(partition, offset).second) {
      return bad;
    }
  }
  return positions;
}

absl::StatusOr<WatchFilter> WatchFilterOf(const v1::WatchReferralsRequest& request) {
  WatchFilter filter;
  if (!common::v1::ServiceName_IsValid(request.source_service())) {
    return absl::InvalidArgumentError("source_service: unknown value");
  }
  filter.source_service = request.source_service();
  if (!request.unit_id().empty()) {
    if (auto st = validate::Identifier("unit_id", request.unit_id()); !st.ok()) return st;
    filter.unit_id = request.unit_id();
  }
  if (!request.source_unit_id().empty()) {
    if (auto st = validate::Identifier("source_unit_id", request.source_unit_id()); !st.ok()) return st;
    filter.source_unit_id = request.source_unit_id();
  }
  for (int i = 0; i < request.states_size(); ++i) {
    const int state = request.states(i);
    if (state == referral::v1::REFERRAL_STATE_UNSPECIFIED || !referral::v1::ReferralState_IsValid(state)) {
      return absl::InvalidArgumentError("states[" + std::to_string(i) + "]: unknown value");
    }
    filter.states.insert(state);
  }
  if (request.from_beginning() && !request.cursor().empty()) {
    return absl::InvalidArgumentError("from_beginning: only without a cursor");
  }
  return filter;
}

referral::v1::ReferralStateChanged ForCaller(referral::v1::ReferralStateChanged change,
                                             const std::string& caller_unit) {
  if (change.details_withheld() && !caller_unit.empty() && caller_unit != change.source_unit_id()) {
    change.clear_source_service();
    change.clear_source_unit_id();
  }
  return change;
}

bool Passes(const WatchFilter& filter, const referral::v1::ReferralStateChanged& change) {
  if (filter.source_service != common::v1::SERVICE_NAME_UNSPECIFIED &&
      change.source_service() != filter.source_service) {
    return false;
  }
  if (!filter.unit_id.empty() && change.unit_id() != filter.unit_id) return false;
  if (!filter.source_unit_id.empty() && change.source_unit_id() != filter.source_unit_id) return false;
  return filter.states.empty() || filter.states.count(change.state()) > 0;
}

WatchReactor::WatchReactor(grpc::CallbackServerContext* ctx, const v1::WatchReferralsRequest* request,
                           server::RpcEnv env, const WatchSettings& settings, std::atomic<int>& open_watches)
    : ctx_(ctx), request_(request), env_(env), settings_(settings), open_watches_(open_watches) {
  open_watches_.fetch_add(1);
  thread_ = std::thread([this] { Run(); });
}

void WatchReactor::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  writing_ = false;
  write_ok_ = ok;
  cv_.notify_all();
}

void WatchReactor::OnCancel() {
  cancelled_.store(true);
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

void WatchReactor::OnDone() {
  // Finish was the thread's last act on this object; it may still be
  // unwinding (or this is the thread itself).
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else if (thread_.joinable()) {
    thread_.join();
  }
  open_watches_.fetch_sub(1);
  delete this;
}

bool WatchReactor::Stopped() const { return cancelled_.load() || ctx_->IsCancelled(); }

bool WatchReactor::Send(v1::ReferralUpdate update) {
  std::unique_lock lock(mutex_);
  out_ = std::move(update);
  writing_ = true;
  StartWrite(&out_);
  cv_.wait(lock, [this] { return !writing_; });
  return write_ok_;
}

void WatchReactor::Run() {
  grpc::Status status;
  try {
    status = Stream();
  } catch (const std::exception& e) {
    log::Error("watch stream failed", {{"error", e.what()}});
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  Finish(status);
}

grpc::Status WatchReactor::Stream() {
  if (env_.gate != nullptr) {
    if (absl::Status closed = env_.gate->Check(); !closed.ok()) return status::ToGrpc(closed);
  }
  if (open_watches_.load() > settings_.max_watches) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many watches open; retry later with the cursor");
  }
  std::optional<server::CallAudit> audit;
  if (env_.audit != nullptr) audit.emplace(*env_.audit, *ctx_, kMethod);
  // Who may watch what: a caller bound to a unit names it (the row's unit path).
  if (audit) {
    if (absl::Status scoped = audit->CheckUnitScope(request_, nullptr); !scoped.ok()) {
      const grpc::Status denied = status::ToGrpc(scoped);
      (void)audit->Record(request_, nullptr, denied);
      return denied;
    }
  }
  auto filter = WatchFilterOf(*request_);
  if (!filter.ok()) return status::ToGrpc(filter.status());
  kafka::Positions from;
  if (!request_->cursor().empty()) {
    auto decoded = DecodeCursor(request_->cursor());
    if (!decoded.ok()) return status::ToGrpc(decoded.status());
    from = std::move(*decoded);
  }
  auto reader = kafka::TopicReader::Open(
      settings_.kafka_config, kafka::topics::kReferrals, from,
      request_->from_beginning() ? kafka::TopicReader::Start::kBeginning : kafka::TopicReader::Start::kNow);
  if (!reader.ok()) return status::ToGrpc(reader.status());

  v1::ReferralUpdate start;
  start.set_cursor(EncodeCursor((*reader)->positions()));
  if (!Send(std::move(start))) return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  auto last_sent = std::chrono::steady_clock::now();
  kafka::Positions sent_at = (*reader)->positions();
  const std::string changed_type = referral::v1::ReferralStateChanged::descriptor()->full_name();
  const std::string caller_unit = server::CallerOf(*ctx_).unit;
  while (!Stopped()) {
    if (env_.gate != nullptr && env_.gate->closed()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the router stopped serving; call again with the cursor");
    }
    auto record = (*reader)->Next(std::chrono::milliseconds(200));
    if (!record.ok()) return status::ToGrpc(record.status());
    std::optional<v1::ReferralUpdate> update;
    if (record->has_value() && (*record)->event.type == changed_type) {
      referral::v1::ReferralStateChanged change;
      // Filtered as the caller sees it: a filter cannot tell what it hides.
      const bool parsed = change.ParseFromString((*record)->value);
      if (parsed) change = ForCaller(std::move(change), caller_unit);
      if (parsed && Passes(*filter, change)) {
        update.emplace();
        *update->mutable_change() = std::move(change);
      }
    }
    if (!update && (*reader)->positions() != sent_at &&
        std::chrono::steady_clock::now() - last_sent >= settings_.keepalive) {
      update.emplace();  // a keep-alive: the cursor moved past changes the filter left out
    }
    if (!update) continue;
    update->set_cursor(EncodeCursor((*reader)->positions()));
    // Every change sent is a read of the client's referral: audited before it leaves.
    if (audit && update->has_change()) {
      if (absl::Status audited = audit->Record(request_, &*update, grpc::Status::OK); !audited.ok()) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "the audit log cannot be written; call again with the cursor");
      }
    }
    if (!Send(std::move(*update))) return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    last_sent = std::chrono::steady_clock::now();
    sent_at = (*reader)->positions();
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
}

}  // namespace yhteys::router
