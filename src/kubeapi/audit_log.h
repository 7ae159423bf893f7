// The front's and the proxy's Kubernetes audit log (kubeAPI.audit): audit.k8s.io/v1 Event objects,
// one JSON line each, in a file that rotates as kube-apiserver's --audit-log-* flags rotate it:
// past maxSizeMB the file is renamed PATH-<UTC time> and a new one started; rotated files older
// than maxAgeDays, or beyond the newest maxBackups, are removed. The policy decides per request
// what is written: nothing, metadata, the request body, or the response body too.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <boost/json/object.hpp>

#include "http/http_server.h"
#include "kubeapi/audit_policy.h"
#include "kubeapi/caller.h"
#include "kubeapi/request_info.h"

namespace kubeiam::kubeapi {

struct AuditOptions {
  std::string path;  // the log file (0600)
  int max_size_mb = 100, max_age_days = 30, max_backups = 10;
};

// What one request was, for its events.
struct AuditedRequest {
  const http::HttpRequest* request = nullptr;
  const RequestInfo* info = nullptr;      // null when the path could not be read
  const Caller* authenticated = nullptr;  // who the token says (null: not authenticated)
  const Caller* impersonated = nullptr;   // who was asked to be, when impersonating
  std::chrono::system_clock::time_point received;
  std::string audit_id;
};

class AuditLog {
 public:
  static Result<std::unique_ptr<AuditLog>> Open(AuditPolicy policy, AuditOptions options);
  ~AuditLog();
  // A request's events, as the policy decides once: RequestReceived, then ResponseComplete
  // (ResponseStarted for streamed or relayed answers) with the status and the bodies the level
  // asks for; stages the policy omits are left out.
  void Record(const AuditedRequest& r, const http::HttpResponse& response);

 private:
  AuditLog(AuditPolicy policy, AuditOptions options) : policy_(std::move(policy)), options_(std::move(options)) {}
  AuditDecision Decide(const AuditedRequest& r) const;
  boost::json::object Event(const AuditedRequest& r, AuditLevel level, AuditStage stage) const;
  void Write(const boost::json::object& event);
  void RotateIfNeeded(size_t adding);
  void RemoveOldBackups();
  void NoteDropped(const std::string& why);

  AuditPolicy policy_;
  AuditOptions options_;
  std::mutex mu_;
  int fd_ = -1;
  size_t size_ = 0;
  bool dropping_ = false;  // writes are failing (logged once)
};

}  // namespace kubeiam::kubeapi
