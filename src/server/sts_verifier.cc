#include "server/sts_verifier.h"

#include "http/http_server.h"
#include "token/generate.h"
#include "sts/sts_api.h"
#include "util/crypto.h"
#include "util/redact.h"

namespace kubeiam::server {

StsVerifier::StsVerifier(const config::Config& config, std::shared_ptr<const sts::LocalSts> local_sts, Metrics& metrics)
    : cluster_id_(config.cluster_id),
      sts_endpoint_(config.sts_endpoint),
      sts_ca_file_(config.sts_ca_file),
      token_cache_seconds_(config.token_cache_seconds),
      sts_max_in_flight_(config.sts_max_in_flight),
      local_sts_(std::move(local_sts)),
      metrics_(metrics) {
  validator_.cluster_id = config.cluster_id;
  validator_.partition = config.partition;
  validator_.server_region = config.region;
  validator_.max_token_bytes = config.max_token_bytes;
  if (config.local_sts) validator_.local_sts_host = config.local_sts->HostPort();
  metrics_.AddSource([cache = &cache_] {
    return "# TYPE kubeiam_token_cache_entries gauge\nkubeiam_token_cache_entries " + std::to_string(cache->size()) +
           "\n# TYPE kubeiam_token_cache_bytes gauge\nkubeiam_token_cache_bytes " + std::to_string(cache->bytes()) + "\n";
  });
}

Result<std::string> StsVerifier::CallSts(const token::ValidatedToken& v, TimePoint now) {
  std::string target = "/?" + v.url.raw_query;
  std::string region_label = "StsRegion=\"" + v.sts_region + "\"";
  if (local_sts_) {
    sts::StsRequest r{"GET", target, {{"Host", v.url.host}, {std::string(token::kClusterIdHeader), cluster_id_},
                                      {"Accept", "application/json"}}, ""};
    sts::StsAnswer a = local_sts_->Handle(r, now);
    metrics_.Count("aws_iam_authenticator_sts_responses_total",
                   "ResponseCode=\"" + std::to_string(a.status) + "\"," + region_label);
    if (a.status != 200) {
      return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: error from AWS (expected 200, got " +
                                            std::to_string(a.status) + ") on " + v.sts_region + " endpoint. Body: " + RedactSecrets(a.body));
    }
    return a.body;
  }
  // A slow STS must not take every handler thread: past the bound, fail fast and let the API
  // server retry (it backs off on 429).
  auto slot = sts_in_flight_.TryAcquire(sts_max_in_flight_);
  if (!slot) {
    metrics_.Count("kubeiam_sts_calls_shed_total");
    return Fail(ErrorCode::kThrottled, "sts getCallerIdentity not attempted: " + std::to_string(sts_max_in_flight_) +
                                           " calls to STS are already waiting for an answer (sts.maxInFlight)");
  }
  http::Request req;
  std::string base = sts_endpoint_.empty() ? "https://" + v.url.host : sts_endpoint_;
  while (base.ends_with("/")) base.pop_back();
  req.url = base + target;
  req.headers = {{"Host", v.url.host}, {std::string(token::kClusterIdHeader), cluster_id_},
                 {"Accept", "application/json"}};
  req.ca_file = sts_ca_file_;
  req.timeout = std::chrono::seconds(10);
  req.max_body = 64 * 1024;
  auto res = sts_pool_.Fetch(req);
  if (!res) {
    metrics_.Count("aws_iam_authenticator_sts_connection_failures_total", region_label);
    return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: error during GET: " + res.error().message + " on " +
                                          v.sts_region + " endpoint");
  }
  metrics_.Count("aws_iam_authenticator_sts_responses_total",
                 "ResponseCode=\"" + std::to_string(res->status) + "\"," + region_label);
  if (res->status != 200) {
    if (res->body.find("Throttling") != std::string::npos) {
      metrics_.Count("aws_iam_authenticator_sts_throttling_total", region_label);
      return Fail(ErrorCode::kThrottled, "sts getCallerIdentity was throttled: " + RedactSecrets(res->body));
    }
    return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: error from AWS (expected 200, got " +
                                          std::to_string(res->status) + ") on " + v.sts_region + " endpoint. Body: " +
                                          RedactSecrets(res->body));
  }
  return std::move(res->body);
}

Result<identity::Identity> StsVerifier::Verify(std::string_view token, TimePoint now) {
  auto id = VerifyUnredacted(token, now);
  // Errors carry text from the token and from STS: they go to logs and to the caller.
  if (!id) id.error().message = RedactSecrets(id.error().message);
  return id;
}

Result<identity::Identity> StsVerifier::VerifyUnredacted(std::string_view token, TimePoint now) {
  Digest key = Sha256(token);
  if (token_cache_seconds_ > 0) {
    if (auto cached = cache_.Find(key, now)) {
      metrics_.Count("kubeiam_token_cache_hits_total");
      return *cached;
    }
  }
  auto v = token::Validate(token, validator_, now);
  // Real STS is a wait: on a network thread the request moves to a handler thread here, before
  // anything is counted, and runs again there.
  if (v && !local_sts_ && !http::MayWait()) return Fail(ErrorCode::kUnavailable, "sts getCallerIdentity needs a handler thread");
  metrics_.Count("kubeiam_token_cache_misses_total");
  if (!v) return std::unexpected(v.error());
  auto body = CallSts(*v, now);
  if (!body) return std::unexpected(body.error());
  auto who = sts::ParseCallerIdentityResponse(*body);
  if (!who) return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: " + who.error().message);
  auto id = identity::BuildIdentity(who->arn, who->account, who->user_id, v->access_key_id, v->url.host);
  if (!id) return id;
  if (token_cache_seconds_ > 0) {
    TimePoint expires = std::min(now + std::chrono::seconds(token_cache_seconds_), v->signed_at + token::kTokenValidity);
    cache_.Insert(key, *id, expires, now);
  }
  return id;
}

}  // namespace kubeiam::server
