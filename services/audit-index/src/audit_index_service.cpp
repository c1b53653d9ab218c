#include "audit_index_service.hpp"

#include "yhteys/hetu/identity_code.hpp"
#include "yhteys/validate/validate.hpp"

namespace yhteys::auditindex {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::Status ListClientDataAccess(const AuditIndexStore& store, const QuerySettings& settings,
                                  const audit::v1::ListClientDataAccessRequest& request,
                                  audit::v1::ListClientDataAccessResponse* response) {
  const auto today = settings.today();
  std::string client;
  switch (request.client_case()) {
    case audit::v1::ListClientDataAccessRequest::kClientPseudonym:
      if (auto st = validate::Pseudonym("client_pseudonym", request.client_pseudonym()); !st.ok()) return st;
      client = request.client_pseudonym();
      break;
    case audit::v1::ListClientDataAccessRequest::kIdentityCode: {
      auto pseudonym = hetu::PseudonymOfIdentityCode(request.identity_code(), {today, settings.accept_temporary_codes},
                                                     *settings.pseudonymizer);
      if (!pseudonym.ok()) return pseudonym.status();
      client = std::move(*pseudonym);
      break;
    }
    default: return absl::InvalidArgumentError("client_pseudonym: required (or identity_code)");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError("page_size: must be 1.." + std::to_string(kMaxPageSize) + " (0: default " +
                                      std::to_string(kDefaultPageSize) + ")");
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  auto offset = ParsePageToken(request.page_token());
  if (!offset.ok()) return offset.status();
  auto period = PeriodFor(request.from_date(), request.to_date(), today, store.retention());
  if (!period.ok()) return period.status();

  auto page = store.List(client, period->from_millis, period->to_millis, *offset, page_size);
  if (!page.ok()) return page.status();
  response->set_client_pseudonym(client);
  response->set_retained_from(period->retained_from);
  for (auto& [id, payload] : page->entries) {
    audit::v1::AccessEntry* entry = response->add_entries();
    entry->set_event_id(id);
    if (!entry->mutable_record()->ParseFromString(payload)) return absl::InternalError("an indexed record is corrupt");
    NarrowToClient(*entry->mutable_record(), client);
  }
  if (page->more) response->set_next_page_token(PageToken(*offset + page_size));
  return absl::OkStatus();
}

AuditIndexService::AuditIndexService(const AuditIndexStore& store, QuerySettings settings, server::RpcEnv env)
    : store_(store), settings_(std::move(settings)), env_(env) {}

grpc::ServerUnaryReactor* AuditIndexService::ListClientDataAccess(grpc::CallbackServerContext* ctx,
                                                                  const audit::v1::ListClientDataAccessRequest* req,
                                                                  audit::v1::ListClientDataAccessResponse* resp) {
  return server::RunUnary(ctx, env_, "AuditIndex/ListClientDataAccess", req, resp, [=, this]() -> absl::Status {
    return auditindex::ListClientDataAccess(store_, settings_, *req, resp);
  });
}

AuditRecordHandler::AuditRecordHandler(const AuditIndexStore& store, std::function<int64_t()> now_millis,
                                       prometheus::Registry* registry)
    : store_(store), now_millis_(std::move(now_millis)) {
  if (registry != nullptr) {
    auto& family = prometheus::BuildCounter()
                       .Name("yhteys_audit_index_records_total")
                       .Help(
                           "Audit records consumed by the index, by result: indexed, too_old (past the retention "
                           "already), no_client (names no client: kept on the topic only)")
                       .Register(*registry);
    indexed_ = &family.Add({{"result", "indexed"}});
    too_old_ = &family.Add({{"result", "too_old"}});
    no_client_ = &family.Add({{"result", "no_client"}});
  }
}

kafka::HandleResult AuditRecordHandler::Handle(const kafka::ConsumedRecord& record) {
  auto entry = EntryFromRecord(record);
  if (!entry.ok()) return {kafka::Outcome::kPoison, std::string(entry.status().message())};
  auto result = store_.Ingest(*entry, now_millis_());
  if (!result.ok()) return {kafka::Outcome::kRetry, "redis-unavailable"};
  prometheus::Counter* counter = nullptr;
  switch (*result) {
    case AuditIndexStore::IngestResult::kIndexed: counter = indexed_; break;
    case AuditIndexStore::IngestResult::kTooOld: counter = too_old_; break;
    case AuditIndexStore::IngestResult::kNoClient: counter = no_client_; break;
  }
  if (counter != nullptr) counter->Increment();
  return {kafka::Outcome::kDone, ""};
}

}  // namespace yhteys::auditindex
