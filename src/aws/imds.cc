#include "aws/imds.h"

#include <charconv>

#include "http/client.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

std::string Setting(const char* env, const Section& profile, const char* key) {
  std::string v = GetEnv(env);
  if (!v.empty()) return v;
  auto it = profile.find(key);
  return it == profile.end() ? std::string() : it->second;
}

// One GET (or PUT) with retries on connection failure, as many as configured.
Result<http::Response> Call(const ImdsSettings& s, const std::string& method, const std::string& path,
                            const http::Headers& headers) {
  http::Request r;
  r.method = method;
  r.url = s.endpoint + path;
  r.headers = headers;
  r.timeout = s.timeout;
  r.max_body = 64 * 1024;
  Result<http::Response> res = Fail(ErrorCode::kUnavailable, "no attempt made");
  for (int i = 0; i < std::max(1, s.attempts); ++i) {
    res = http::Fetch(r);
    if (res && res->status < 500) return res;
  }
  return res;
}

// IMDSv2 session token; empty string means "use IMDSv1" (the service does not offer v2).
Result<std::string> SessionToken(const ImdsSettings& s) {
  auto res = Call(s, "PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  if (!res) return std::unexpected(res.error());
  if (res->status == 200) return std::string(Trim(res->body));
  if (!s.v1_disabled && (res->status == 403 || res->status == 404 || res->status == 405)) return std::string();
  return Fail(ErrorCode::kUnavailable, "instance metadata service refused a session token (HTTP " +
                                           std::to_string(res->status) + ")");
}

Result<std::string> Get(const ImdsSettings& s, const std::string& token, const std::string& path) {
  http::Headers h;
  if (!token.empty()) h.emplace_back("X-aws-ec2-metadata-token", token);
  auto res = Call(s, "GET", path, h);
  if (!res) return std::unexpected(res.error());
  if (res->status != 200) {
    return Fail(res->status == 404 ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                "instance metadata " + path + ": HTTP " + std::to_string(res->status));
  }
  return std::move(res->body);
}

}  // namespace

std::optional<ImdsSettings> ImdsFromEnvironment(const Section& profile) {
  if (IsTruthy(GetEnv("AWS_EC2_METADATA_DISABLED"))) return std::nullopt;
  ImdsSettings s;
  std::string endpoint = Setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", profile, "ec2_metadata_service_endpoint");
  std::string mode = Setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", profile, "ec2_metadata_service_endpoint_mode");
  if (!endpoint.empty()) {
    while (endpoint.size() > 1 && endpoint.back() == '/') endpoint.pop_back();
    s.endpoint = endpoint;
  } else if (EqualsIgnoreCase(mode, "ipv6")) {
    s.endpoint = "http://[fd00:ec2::254]";
  }
  std::string timeout = Setting("AWS_METADATA_SERVICE_TIMEOUT", profile, "metadata_service_timeout");
  double seconds = 0;
  if (!timeout.empty()) {
    auto [p, ec] = std::from_chars(timeout.data(), timeout.data() + timeout.size(), seconds);
    if (ec == std::errc() && seconds > 0 && seconds <= 60) s.timeout = std::chrono::milliseconds(int(seconds * 1000));
  }
  std::string attempts = Setting("AWS_METADATA_SERVICE_NUM_ATTEMPTS", profile, "metadata_service_num_attempts");
  int n = 0;
  if (!attempts.empty()) {
    auto [p, ec] = std::from_chars(attempts.data(), attempts.data() + attempts.size(), n);
    if (ec == std::errc() && n >= 1 && n <= 10) s.attempts = n;
  }
  s.v1_disabled = IsTruthy(Setting("AWS_EC2_METADATA_V1_DISABLED", profile, "ec2_metadata_v1_disabled"));
  return s;
}

Result<Credentials> ImdsRoleCredentials(const ImdsSettings& s) {
  auto token = SessionToken(s);
  if (!token) return std::unexpected(token.error());
  auto roles = Get(s, *token, "/latest/meta-data/iam/security-credentials/");
  if (!roles) return std::unexpected(roles.error());
  std::string role(Trim(Split(*roles, '\n')[0]));
  if (role.empty()) return Fail(ErrorCode::kNotFound, "instance has no IAM role");
  auto body = Get(s, *token, "/latest/meta-data/iam/security-credentials/" + role);
  if (!body) return std::unexpected(body.error());
  return ParseJsonCredentials(*body, "instance metadata");
}

Result<std::string> ImdsRegion(const ImdsSettings& s) {
  auto token = SessionToken(s);
  if (!token) return std::unexpected(token.error());
  auto region = Get(s, *token, "/latest/meta-data/placement/region");
  if (!region) return std::unexpected(region.error());
  return std::string(Trim(*region));
}

}  // namespace kubeiam::aws
