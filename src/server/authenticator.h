// The webhook authenticator: POST /authenticate turns a TokenReview into a verified, mapped
// identity. Verification validates the token (token/validate), sends it to the one STS host the
// configuration allows (the embedded local STS in-process, or real STS over HTTPS), and caches
// what STS confirmed. Mapping reads the current immutable snapshot of the mapper chain; reloads
// build a new snapshot and swap it in, so requests never wait on a lock. POST /authorize answers
// kube-apiserver's authorizer webhook with the access policies of the caller's access entry,
// read from the same snapshot.
#pragma once

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "aws/ec2_instances.h"
#include "http/client.h"
#include "identity/mapper_chain.h"
#include "config/config.h"
#include "http/http_server.h"
#include "http/in_flight_limit.h"
#include "server/metrics.h"
#include "kubeapi/auth_source.h"
#include "server/verifier.h"
#include "state/snapshot.h"
#include "kubeclient/cluster_mirror.h"
#include "state/sources.h"
#include "store/access_store.h"
#include "sts/local_sts.h"
#include "server/store_meter.h"
#include "token/validate.h"

namespace kubeiam::server {

class Authenticator : public kubeapi::AuthSource {
 public:
  // Builds the first snapshot (MountedFile, aws-auth file, DynamicFile); errors name the source.
  // `store`, when given, is the source of access entries and of the authentication mode.
  // `verifier`, when given, replaces the one that asks STS (tests give a fake).
  static Result<std::unique_ptr<Authenticator>> Create(config::Config config, std::shared_ptr<const sts::LocalSts> local_sts,
                                                       std::shared_ptr<store::AccessStore> store = nullptr,
                                                       std::shared_ptr<Verifier> verifier = nullptr,
                                                       std::shared_ptr<store::KvStore> kv = nullptr);

  // Token -> identity, STS-confirmed (the Verifier's errors).
  Result<identity::Identity> Verify(std::string_view token, TimePoint now) override { return verifier_->Verify(token, now); }
  Result<identity::UserInfo> Map(const identity::Identity& id) const;

  http::HttpResponse HandleAuthenticate(const http::HttpRequest& request);
  http::HttpResponse HandleAuthorize(const http::HttpRequest& request);
  // POST /explain (server/explain_endpoint.cc): an administrator's view of why a token or an
  // ARN gets in or not.
  http::HttpResponse HandleExplain(const http::HttpRequest& request);
  http::HttpResponse Handle(const http::HttpRequest& request);  // all routes of the main listener

  // Re-reads the aws-auth, DynamicFile, access-entries and RBAC sources if they changed; a source
  // that fails to parse keeps its previous state (and the error is returned for the log).
  Status ReloadIfChanged() { return sources_->Refresh(); }
  // SIGHUP: applies a re-read config's mappings, backends and scrubbed accounts. Settings that
  // need a restart (listeners, cluster ID, STS) are left as they are and named in the result's
  // warnings. A config that fails to build changes nothing.
  Result<std::vector<std::string>> Reconfigure(const config::Config& next);
  Metrics& metrics() { return metrics_; }
  // The store's health and latencies, for /readyz and /metrics (Bootstrap gives them).
  void ReportStore(std::shared_ptr<const StoreMeter> meter);
  const config::Config& config() const { return config_; }
  std::shared_ptr<const state::Snapshot> snapshot() const override { return sources_->snapshot(); }
  state::Sources& sources() { return *sources_; }
  // The access entry that authenticated a SubjectAccessReview's user (checked against extra, uid
  // and the current mappings) and its policies. Errors (kNotFound) say why there is none.
  Result<kubeapi::EntryGrant> EntryPolicies(const state::Snapshot& snap, const kubeapi::SubjectAccessReview& review) const override;
  // Mapping against a given snapshot, so that one request reads one snapshot throughout.
  Result<identity::UserInfo> MapWith(const state::Snapshot& snap, const identity::Identity& id) const override;


 private:
  // /explain's caller, when an administrator. Errors: kUnauthenticated (401), kPermissionDenied (403).
  Result<identity::UserInfo> Administrator(const http::HttpRequest& request);
  explicit Authenticator(config::Config config) : config_(std::move(config)) {}

  config::Config config_;  // as started: cluster, STS, listeners (never changes)
  std::shared_ptr<const sts::LocalSts> local_sts_;
  std::unique_ptr<aws::Ec2PrivateDns> ec2_;
  mutable http::InFlightLimit ec2_waiting_;  // threads waiting on EC2, bounded by sts.maxInFlight
  std::unique_ptr<state::Sources> sources_;
  Metrics metrics_;
  std::shared_ptr<Verifier> verifier_;

  std::shared_ptr<store::AccessStore> store_;
  std::shared_ptr<store::KvStore> kv_;  // the store under store_: the front's objects, when it keeps them
  std::shared_ptr<kubeclient::ClusterMirror> cluster_;  // the cluster the config watches, if any
  std::shared_ptr<const StoreMeter> store_meter_;        // null until ReportStore
};

}  // namespace kubeiam::server
