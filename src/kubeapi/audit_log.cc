#include "kubeapi/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "util/log.h"
#include "util/redact.h"
#include "util/time.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::object UserJson(const Caller& c) {
  json::array groups;
  for (const auto& g : c.user.groups) groups.emplace_back(g);
  json::object u{{"username", c.user.name}, {"groups", std::move(groups)}};
  if (!c.uid.empty()) u["uid"] = c.uid;
  if (!c.extra.empty()) {
    json::object extra;
    for (const auto& [k, values] : c.extra) {
      json::array a;
      for (const auto& v : values) a.emplace_back(v);
      extra[k] = std::move(a);
    }
    u["extra"] = std::move(extra);
  }
  return u;
}

// A body as JSON when it is JSON, else left out (kube-apiserver logs objects, not bytes). A
// TokenReview's token never reaches the file.
void PutBody(json::object& event, const char* key, const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return;
  if (json::value* spec = v.as_object().if_contains("spec"); spec && spec->is_object()) spec->as_object().erase("token");
  event[key] = std::move(v);
}

// The log file, opened to append (created 0600); -1 on failure, errno saying why.
int OpenLogFile(const std::string& path) { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600); }

bool Omitted(const AuditDecision& d, AuditStage s) { return std::find(d.omit_stages.begin(), d.omit_stages.end(), s) != d.omit_stages.end(); }

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditPolicy policy, AuditOptions options) {
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(policy), std::move(options)));
  log->fd_ = OpenLogFile(log->options_.path);
  if (log->fd_ < 0) return Fail(ErrorCode::kInvalidArgument, "kubeAPI.audit.path: cannot open " + log->options_.path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(log->fd_, &st) == 0) log->size_ = size_t(st.st_size);
  return log;
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

AuditDecision AuditLog::Decide(const AuditedRequest& r) const {
  AuditRequest a;
  // As kube-apiserver: the policy sees who sent the request, not whom it impersonates.
  const Caller* who = r.authenticated;
  if (who) a.user = who->user.name, a.groups = who->user.groups;
  a.path = r.request->Path();
  a.verb = r.info ? r.info->verb : "";
  if (r.info) {
    a.resource_request = r.info->resource_request;
    a.api_group = r.info->api_group;
    a.resource = r.info->resource;
    a.subresource = r.info->subresource;
    a.namespace_ = r.info->namespace_;
    a.name = r.info->name;
  }
  return policy_.Evaluate(a);
}

json::object AuditLog::Event(const AuditedRequest& r, AuditLevel level, AuditStage stage) const {
  json::object e{{"kind", "Event"}, {"apiVersion", "audit.k8s.io/v1"}, {"level", AuditLevelName(level)},
                 {"auditID", r.audit_id}, {"stage", AuditStageName(stage)}, {"requestURI", r.request->target},
                 {"verb", r.info ? r.info->verb : ""}};
  if (r.authenticated) e["user"] = UserJson(*r.authenticated);
  if (r.impersonated) e["impersonatedUser"] = UserJson(*r.impersonated);
  std::string ip = r.request->remote.substr(0, r.request->remote.rfind(':'));
  if (ip.starts_with("[") && ip.ends_with("]")) ip = ip.substr(1, ip.size() - 2);
  e["sourceIPs"] = json::array{json::value(ip)};
  if (const std::string* agent = r.request->Header("User-Agent")) e["userAgent"] = *agent;
  if (r.info && r.info->resource_request) {
    json::object ref{{"resource", r.info->resource}, {"apiVersion", r.info->api_version}};
    if (!r.info->namespace_.empty()) ref["namespace"] = r.info->namespace_;
    if (!r.info->name.empty()) ref["name"] = r.info->name;
    if (!r.info->api_group.empty()) ref["apiGroup"] = r.info->api_group;
    if (!r.info->subresource.empty()) ref["subresource"] = r.info->subresource;
    e["objectRef"] = std::move(ref);
  }
  e["requestReceivedTimestamp"] = FormatRfc3339Micros(r.received);
  e["stageTimestamp"] = FormatRfc3339Micros(std::chrono::system_clock::now());
  return e;
}

void AuditLog::Record(const AuditedRequest& r, const http::HttpResponse& response) {
  AuditDecision d = Decide(r);
  if (d.level == AuditLevel::kNone) return;
  if (!Omitted(d, AuditStage::kRequestReceived)) {
    json::object e = Event(r, d.level, AuditStage::kRequestReceived);
    if (d.level >= AuditLevel::kRequest) PutBody(e, "requestObject", r.request->body);
    Write(e);
  }
  bool streamed = response.stream || response.forward;
  AuditStage stage = streamed ? AuditStage::kResponseStarted : AuditStage::kResponseComplete;
  if (Omitted(d, stage)) return;
  json::object e = Event(r, d.level, stage);
  if (!response.forward) {
    json::object status{{"metadata", json::object{}}, {"code", response.status}};
    if (response.status >= 400) status["status"] = "Failure";
    e["responseStatus"] = std::move(status);
  }
  if (d.level >= AuditLevel::kRequest) PutBody(e, "requestObject", r.request->body);
  if (d.level == AuditLevel::kRequestResponse && !streamed) PutBody(e, "responseObject", response.body);
  Write(e);
}

void AuditLog::Write(const json::object& event) {
  // Bodies keep their numbers as sent: plain serialization, then the log's redaction.
  std::string line = RedactSecrets(json::serialize(event)) + "\n";
  std::lock_guard<std::mutex> l(mu_);
  RotateIfNeeded(line.size());
  if (fd_ < 0) fd_ = OpenLogFile(options_.path);
  if (fd_ < 0) return NoteDropped("cannot open " + options_.path + ": " + std::strerror(errno));
  for (size_t done = 0; done < line.size();) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return NoteDropped("cannot write " + options_.path + ": " + std::strerror(errno));
    done += size_t(n);
  }
  size_ += line.size();
  dropping_ = false;
}

// Events that cannot be written are counted in the server log once per outage, not per event.
void AuditLog::NoteDropped(const std::string& why) {
  if (dropping_) return;
  dropping_ = true;
  Log(LogLevel::kError, "audit events are being dropped", {{"error", why}});
}

void AuditLog::RotateIfNeeded(size_t adding) {
  if (options_.max_size_mb <= 0 || size_ + adding <= size_t(options_.max_size_mb) * 1024 * 1024 || size_ == 0) return;
  std::string stamp = FormatRfc3339(std::chrono::system_clock::now());
  std::replace(stamp.begin(), stamp.end(), ':', '-');
  std::string rotated = options_.path + "-" + stamp;
  for (int n = 1; std::filesystem::exists(rotated); ++n) rotated = options_.path + "-" + stamp + "." + std::to_string(n);
  if (fd_ >= 0) ::close(fd_);
  std::error_code ec;
  std::filesystem::rename(options_.path, rotated, ec);
  fd_ = OpenLogFile(options_.path);  // Write retries on failure
  size_ = 0;
  RemoveOldBackups();
}

// Rotated files (PATH-<time>) past maxAgeDays, then the oldest beyond maxBackups.
void AuditLog::RemoveOldBackups() {
  namespace fs = std::filesystem;
  fs::path base(options_.path);
  std::string prefix = base.filename().string() + "-";
  std::vector<fs::path> backups;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base.parent_path().empty() ? "." : base.parent_path(), ec)) {
    if (entry.path().filename().string().starts_with(prefix)) backups.push_back(entry.path());
  }
  std::sort(backups.begin(), backups.end());  // the names sort by time
  auto now = fs::file_time_type::clock::now();
  for (size_t i = 0; i < backups.size(); ++i) {
    bool too_many = options_.max_backups > 0 && backups.size() - i > size_t(options_.max_backups);
    auto written = fs::last_write_time(backups[i], ec);
    bool too_old = options_.max_age_days > 0 && !ec && now - written > std::chrono::hours(24 * options_.max_age_days);
    if (too_many || too_old) fs::remove(backups[i], ec);
  }
}

}  // namespace kubeiam::kubeapi
