#include "aws/container_credentials.h"

#include <boost/url/parse.hpp>

#include "http/client.h"
#include "http/host.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

constexpr char kRelativeHost[] = "http://169.254.170.2";

}  // namespace

bool ContainerCredentialsConfigured() {
  return !GetEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
         !GetEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty();
}

Status CheckContainerUri(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return Fail(ErrorCode::kInvalidArgument, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL");
  std::string scheme = ToLower(u->scheme());
  if (scheme == "https") return {};
  if (scheme != "http") {
    return Fail(ErrorCode::kInvalidArgument, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use http or https");
  }
  std::string host = u->host_address();
  if (http::IsLoopbackHost(host) || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23") return {};
  return Fail(ErrorCode::kInvalidArgument,
              "Unsupported host '" + host +
                  "' in AWS_CONTAINER_CREDENTIALS_FULL_URI. Can only retrieve metadata from a loopback address, "
                  "169.254.170.2, 169.254.170.23 or fd00:ec2::23, or over HTTPS.");
}

Result<Credentials> ContainerCredentials() {
  std::string url;
  std::string relative = GetEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  if (!relative.empty()) {
    url = kRelativeHost + (relative.starts_with("/") ? relative : "/" + relative);
  } else {
    url = GetEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (auto ok = CheckContainerUri(url); !ok) return std::unexpected(ok.error());
  }
  http::Request r;
  r.url = url;
  r.timeout = std::chrono::milliseconds(2000);
  r.max_body = 64 * 1024;
  std::string token;
  std::string token_file = GetEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (!token_file.empty()) {
    auto t = ReadFile(token_file, 16 * 1024);
    if (!t) return std::unexpected(t.error().Wrap("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));
    token = std::string(Trim(*t));
  } else {
    token = GetEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, "container authorization token must not contain line breaks");
  }
  if (!token.empty()) r.headers.emplace_back("Authorization", token);
  auto res = http::Fetch(r);
  if (!res) return std::unexpected(res.error().Wrap("container credentials"));
  if (res->status != 200) {
    return Fail(ErrorCode::kUnavailable, "container credentials endpoint answered HTTP " + std::to_string(res->status));
  }
  return ParseJsonCredentials(res->body, "container credentials");
}

}  // namespace kubeiam::aws
