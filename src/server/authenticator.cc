#include "server/authenticator.h"
#include "server/readiness.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "aws/credential_chain.h"
#include "aws/partitions.h"
#include "http/client.h"
#include "kubeclient/cluster_source.h"
#include "authz/chain.h"
#include "server/sts_verifier.h"
#include "kubeapi/subject_access_review.h"
#include "kubeapi/token_review.h"
#include "sts/sts_api.h"
#include "token/generate.h"
#include "util/log.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

http::HttpResponse Text(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body), {}}; }

// DescribeInstances with the server's own AWS credentials, or a role assumed with them.
std::unique_ptr<aws::Ec2PrivateDns> MakeEc2Lookup(const config::Config& config) {
  aws::Ec2PrivateDns::Options o;
  o.region = config.region;
  if (o.region.empty()) {
    auto client = aws::ResolveClientConfig({});
    o.region = client ? client->region : "us-east-1";
  }
  o.endpoint = config.ec2_endpoint.empty()
                   ? "https://ec2." + o.region + "." + std::string(aws::PartitionForRegion(o.region).dns_suffix)
                   : config.ec2_endpoint;
  o.qps = config.ec2_qps;
  o.burst = config.ec2_burst;
  o.ca_file = config.sts_ca_file;
  struct Cached {
    std::mutex mu;
    std::optional<aws::Credentials> creds;
  };
  auto cached = std::make_shared<Cached>();
  std::string role = config.ec2_role_arn;
  o.credentials = [cached, role]() -> Result<aws::Credentials> {
    std::lock_guard<std::mutex> l(cached->mu);
    TimePoint now = Clock::now();
    if (cached->creds && (!cached->creds->expiration || *cached->creds->expiration - now > std::chrono::minutes(5))) {
      return *cached->creds;
    }
    auto client = aws::ResolveClientConfig({});
    if (!client) return std::unexpected(client.error());
    auto base = aws::ResolveCredentials({*client, now, nullptr});
    if (!base || role.empty()) {
      if (base) cached->creds = *base;
      return base;
    }
    auto assumed = sts::AssumeRole({client->sts_url, client->region, client->ca_bundle}, *base,
                                   {role, "kubeiam-describe-instances", "", 3600, "", ""}, now);
    if (!assumed) return std::unexpected(assumed.error());
    cached->creds = assumed->credentials;
    return assumed->credentials;
  };
  return std::make_unique<aws::Ec2PrivateDns>(std::move(o));
}

// Rows and objects a source ignores (the rest of it loads).
void LogSourceProblem(const std::string& source, const std::string& problem) {
  if (source == "rbac") {
    Log(LogLevel::kWarning, "RBAC object ignored", {{"problem", problem}});
  } else {
    Log(LogLevel::kWarning, "aws-auth entry ignored", {{"file", source}, {"problem", problem}});
  }
}

void LogClusterWatch(bool warning, const std::string& message) {
  Log(warning ? LogLevel::kWarning : LogLevel::kInfo, message, {{"source", "cluster"}});
}

}  // namespace

Result<std::unique_ptr<Authenticator>> Authenticator::Create(config::Config config,
                                                             std::shared_ptr<const sts::LocalSts> local_sts,
                                                             std::shared_ptr<store::AccessStore> store,
                                                             std::shared_ptr<Verifier> verifier,
                                                             std::shared_ptr<store::KvStore> kv) {
  std::unique_ptr<Authenticator> a(new Authenticator(std::move(config)));
  a->store_ = std::move(store);
  a->kv_ = std::move(kv);
  a->local_sts_ = std::move(local_sts);
  if (!a->local_sts_) a->ec2_ = MakeEc2Lookup(a->config_);
  a->verifier_ = verifier ? std::move(verifier) : std::make_shared<StsVerifier>(a->config_, a->local_sts_, a->metrics_);
  auto cluster = kubeclient::WatchClusterOf(a->config_, {.log = LogClusterWatch});
  if (!cluster) return std::unexpected(cluster.error());
  a->cluster_ = *cluster;
  if (a->cluster_) a->metrics_.AddSource([m = a->cluster_.get()] { return m->Metrics(); });
  auto settings = state::SettingsOf(a->config_, a->store_, a->kv_, a->cluster_);
  if (!settings) return std::unexpected(settings.error());
  settings->on_problem = LogSourceProblem;
  auto sources = state::Sources::Open(std::move(*settings));
  if (!sources) return std::unexpected(sources.error());
  a->sources_ = std::move(*sources);
  return a;
}

void Authenticator::ReportStore(std::shared_ptr<const StoreMeter> meter) {
  store_meter_ = meter;
  metrics_.AddSource([meter] { return meter->Metrics(); });
  metrics_.AddSource([sources = sources_.get()] { return StoreFollowMetrics(sources->store_follow()); });
}

Result<std::vector<std::string>> Authenticator::Reconfigure(const config::Config& next) {
  if (next.aws_auth_cluster != config_.aws_auth_cluster || next.rbac_cluster != config_.rbac_cluster) {
    return Fail(ErrorCode::kInvalidArgument,
                "server.kubeconfig, server.master or authorization.rbac changed: restart kubeiam to watch another cluster");
  }
  auto settings = state::SettingsOf(next, store_, kv_, cluster_);
  if (!settings) return std::unexpected(settings.error());
  settings->on_problem = LogSourceProblem;
  std::vector<std::string> warnings;
  auto unchanged = [&](bool same, const char* what) {
    if (!same) warnings.push_back(std::string(what) + " changed; it takes effect after a restart");
  };
  unchanged(next.cluster_id == config_.cluster_id, "clusterID");
  unchanged(next.address == config_.address && next.port == config_.port, "server.address/port");
  unchanged(next.sts_endpoint == config_.sts_endpoint && next.local_sts.has_value() == config_.local_sts.has_value(),
            "sts");
  unchanged(next.kube_api == config_.kube_api, "kubeAPI");
  if (auto s = sources_->Reconfigure(std::move(*settings)); !s) return std::unexpected(s.error());
  return warnings;
}

Result<identity::UserInfo> Authenticator::Map(const identity::Identity& id) const { return MapWith(*sources_->snapshot(), id); }

Result<identity::UserInfo> Authenticator::MapWith(const state::Snapshot& snap, const identity::Identity& id) const {
  identity::PrivateDnsLookup lookup;
  if (local_sts_) {
    lookup = [store = &local_sts_->store()](const std::string& instance) -> Result<std::string> {
      if (auto dns = store->PrivateDnsName(instance)) return *dns;
      return Fail(ErrorCode::kNotFound, "failed to find node " + instance);
    };
  } else if (ec2_) {
    lookup = [this](const std::string& instance) -> Result<std::string> {
      if (!http::MayWait()) return Fail(ErrorCode::kUnavailable, "an EC2 lookup needs a handler thread");
      // As with STS: a slow EC2 holds at most this many threads; past it, fail fast (429).
      auto slot = ec2_waiting_.TryAcquire(config_.sts_max_in_flight);
      if (!slot) {
        return Fail(ErrorCode::kThrottled, "EC2 lookup of " + instance + " not attempted: " +
                                               std::to_string(config_.sts_max_in_flight) +
                                               " lookups are already waiting for EC2 (sts.maxInFlight)");
      }
      return ec2_->Lookup(instance);
    };
  }
  return identity::MapIdentity(snap.chain, id, lookup);
}

http::HttpResponse Authenticator::HandleAuthenticate(const http::HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  boost::json::object log{{"time", FormatRfc3339(Clock::now())}, {"msg", "authenticate"}, {"client", request.remote}};
  auto finish = [&](const std::string& result, http::HttpResponse r, const std::string& reason) {
    if (http::WaitRefused()) return r;  // dropped: the request runs again on a handler thread
    auto latency = std::chrono::steady_clock::now() - start;
    metrics_.CountAuthentication(result, latency);
    log["decision"] = result == "success" ? "allow" : "deny";
    log["result"] = result;
    if (!reason.empty()) log["reason"] = reason;
    log["latency_ms"] = std::chrono::duration<double, std::milli>(latency).count();
    LogJson(log);
    return r;
  };
  if (request.method != "POST") return finish("malformed_request", Text(405, "expected POST\n"), "expected POST");
  auto review = kubeapi::ParseTokenReview(request.body);
  if (!review) return finish("malformed_request", Text(400, review.error().message + "\n"), review.error().message);
  auto id = Verify(review->token, Clock::now());
  if (!id) {
    std::string result = id.error().code == ErrorCode::kThrottled ? "sts_throttling"
                         : id.error().code == ErrorCode::kUpstream ? "sts_error"
                                                                   : "invalid_token";
    int status = id.error().code == ErrorCode::kThrottled ? 429 : 403;
    return finish(result, {status, "application/json", kubeapi::DeniedReview(review->api_version, id.error().message), {}},
                  id.error().message);
  }
  auto snap = sources_->snapshot();
  if (!snap->scrubbed_accounts.contains(id->account_id)) {
    log["arn"] = id->arn;
    log["accountId"] = id->account_id;
    log["accessKeyId"] = id->access_key_id;
  }
  // Mapping and scrubbing read the same snapshot, even if a reload lands meanwhile.
  auto user = MapWith(*snap, *id);
  if (!user && user.error().code == ErrorCode::kThrottled) {
    return finish("throttled", {429, "application/json", kubeapi::DeniedReview(review->api_version, user.error().message), {}},
                  user.error().message);
  }
  if (!user) {
    return finish("uknown_user", {403, "application/json", kubeapi::DeniedReview(review->api_version, user.error().message), {}},
                  user.error().message);
  }
  log["username"] = user->username;
  boost::json::array groups;
  for (const auto& g : user->groups) groups.emplace_back(g);
  log["groups"] = std::move(groups);
  log["backend"] = user->backend;
  return finish("success",
                {200, "application/json", kubeapi::AcceptedReview(review->api_version, *id, *user, snap->scrubbed_accounts), {}}, "");
}

http::HttpResponse Authenticator::HandleAuthorize(const http::HttpRequest& request) {
  boost::json::object log{{"time", FormatRfc3339(Clock::now())}, {"msg", "authorize"}, {"client", request.remote}};
  auto finish = [&](int status, const std::string& api_version, bool allowed, const std::string& reason,
                    const std::string& error = "") {
    std::string decision = status != 200 ? "error" : allowed ? "allow" : "no_opinion";
    if (http::WaitRefused()) return http::HttpResponse{};  // dropped: the request runs again on a handler thread
    metrics_.Count("kubeiam_authorize_total", "decision=\"" + decision + "\"");
    log["decision"] = decision;
    if (!reason.empty()) log["reason"] = reason;
    if (!error.empty()) log["error"] = error;
    LogJson(log);
    return http::HttpResponse{status, "application/json", kubeapi::SubjectAccessReviewStatus(api_version, allowed, reason, error), {}};
  };
  if (request.method != "POST") return finish(405, "", false, "", "expected POST");
  auto review = kubeapi::ParseSubjectAccessReview(request.body);
  if (!review) return finish(400, "", false, "", review.error().message);
  const rbac::Attributes& a = review->attributes;
  log["user"] = a.user.name;
  log["verb"] = a.verb;
  log[a.resource_request ? "resource" : "path"] = a.resource_request ? a.resource : a.path;
  if (!a.namespace_.empty()) log["namespace"] = a.namespace_;
  auto snap = sources_->snapshot();
  auto grant = EntryPolicies(*snap, *review);
  if (grant) log["accessEntry"] = grant->entry;
  if (snap->webhook_full_chain && snap->rbac) {
    // The whole chain, for API servers that leave authorization to kubeiam.
    authz::Decision d = authz::Authorize(*snap->rbac, a, grant ? grant->policies : nullptr);
    return finish(200, review->api_version, d.allowed, d.allowed ? d.reason : "no opinion: " + d.reason);
  }
  if (!grant) return finish(200, review->api_version, false, "no opinion: " + grant.error().message);
  eks::PolicyDecision d = eks::AuthorizeWithPolicies(*grant->policies, a);
  if (d.allowed) return finish(200, review->api_version, true, d.reason);
  return finish(200, review->api_version, false,
                "no opinion: no access policy of access entry " + grant->entry + " allows it");
}

Result<kubeapi::EntryGrant> Authenticator::EntryPolicies(const state::Snapshot& snap,
                                                         const kubeapi::SubjectAccessReview& review) const {
  auto none = [](const char* why) { return Fail(ErrorCode::kNotFound, why); };
  if (!eks::UsesAccessEntries(snap.authentication_mode)) return none("authentication mode CONFIG_MAP has no access entries");
  // The caller's access entry is found again from what /authenticate put in extra; an
  // impersonated request carries the impersonated user's info instead, so it gets no policies.
  auto one = [&](const char* key) -> std::string {
    auto it = review.extra.find(key);
    return it != review.extra.end() && it->second.size() == 1 ? it->second[0] : "";
  };
  const char* not_by_entry = "the user was not authenticated by an access entry";
  std::string arn = one("arn");
  if (arn.empty()) return none(not_by_entry);
  auto id = identity::IdentityFromArn(arn);
  if (!id) return none("extra.arn is not an IAM principal ARN");
  id->user_id = one("principalId");
  id->session_name = one("sessionName");
  id->access_key_id = one("accessKeyId");
  if (!review.uid.empty() && review.uid != kubeapi::KubernetesUid(*id, review.attributes.user.name, false)) {
    return none("uid does not match the principal in extra");
  }
  auto user = MapWith(snap, *id);
  const std::vector<eks::AssociatedPolicy>* policies = user ? snap.PoliciesFor(*user) : nullptr;
  if (!policies || user->username != review.attributes.user.name) return none(not_by_entry);
  return kubeapi::EntryGrant{policies, user->mapped_arn};
}

http::HttpResponse Authenticator::Handle(const http::HttpRequest& request) {
  std::string path = request.Path();
  if (path == "/authenticate") return HandleAuthenticate(request);
  if (path == "/authorize") return HandleAuthorize(request);
  if (path == "/explain") return HandleExplain(request);
  if (path == "/healthz") return Text(200, "ok\n");
  if (path == "/readyz" || path.starts_with("/readyz/")) return Readiness(request, *sources_, store_meter_.get());
  if (path == "/metrics") return {200, "text/plain; version=0.0.4", metrics_.Render(), {}};
  return Text(404, "404 page not found\n");
}

}  // namespace kubeiam::server
