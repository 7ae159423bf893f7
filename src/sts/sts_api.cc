#include "sts/sts_api.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

#include "aws/arn.h"
#include "aws/sigv4.h"
#include "http/client.h"
#include "util/strings.h"

namespace kubeiam::sts {
namespace {

namespace pt = boost::property_tree;

constexpr char kVersion[] = "2011-06-15";
constexpr size_t kMaxDocument = 1 << 20;

Result<pt::ptree> ParseXml(std::string_view xml) {
  if (xml.size() > kMaxDocument) return Fail(ErrorCode::kFormat, "the answer is larger than 1 MiB");
  try {
    std::istringstream in{std::string(xml)};
    pt::ptree tree;
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
    return tree;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kFormat, std::string("the answer is not valid XML: ") + e.what());
  }
}

std::string Text(const pt::ptree& t, const std::string& path) {
  auto v = t.get_optional<std::string>(pt::ptree::path_type(path, '/'));
  return v ? std::string(Trim(*v)) : std::string();
}

Result<http::Response> Post(const Endpoint& ep, aws::SignableRequest& req, const aws::Credentials* signer,
                            TimePoint now, const char* service = "sts") {
  if (signer) {
    aws::SigningParams p{ep.region, service, now};
    aws::SignHeaders(req, *signer, p);
  }
  http::Request hr;
  hr.method = "POST";
  hr.url = ep.url;
  if (!hr.url.empty() && hr.url.back() != '/') hr.url += '/';
  hr.headers = req.headers;
  hr.body = req.body;
  hr.ca_file = ep.ca_file;
  hr.timeout = ep.timeout;
  return http::Fetch(hr);
}

Result<aws::SignableRequest> FormRequest(const Endpoint& ep, const aws::KeyValues& params) {
  auto host_start = ep.url.find("://");
  if (host_start == std::string::npos) return Fail(ErrorCode::kInvalidArgument, "STS endpoint must be a URL: " + ep.url);
  std::string host = ep.url.substr(host_start + 3);
  if (auto slash = host.find('/'); slash != std::string::npos) host.resize(slash);
  aws::SignableRequest r;
  r.method = "POST";
  r.path = "/";
  r.headers = {{"Host", host}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = aws::EncodeQuery(params);
  return r;
}

Result<AssumedRole> Call(const Endpoint& ep, const aws::KeyValues& params, const aws::Credentials* signer,
                         TimePoint now, std::string_view action) {
  auto req = FormRequest(ep, params);
  if (!req) return std::unexpected(req.error());
  auto res = Post(ep, *req, signer, now);
  if (!res) return std::unexpected(res.error());
  if (res->status != 200) return std::unexpected(ParseErrorResponse(res->status, res->body, action));
  return ParseAssumeRoleResponse(res->body, action);
}

}  // namespace

Error ParseErrorResponse(int http_status, std::string_view body, std::string_view action) {
  std::string code, message;
  if (auto tree = ParseXml(body)) {
    code = Text(*tree, "ErrorResponse/Error/Code");
    message = Text(*tree, "ErrorResponse/Error/Message");
  }
  if (code.empty()) {
    try {
      auto v = boost::json::parse(body);
      if (auto* o = v.if_object()) {
        const boost::json::value* err = o->if_contains("Error");
        if (!err) err = &v;
        if (auto* eo = err->if_object()) {
          if (auto* c = eo->if_contains("Code"); c && c->is_string()) code = c->as_string().c_str();
          if (auto* m = eo->if_contains("Message"); m && m->is_string()) message = m->as_string().c_str();
        }
      }
    } catch (...) {
    }
  }
  if (code.empty()) code = std::to_string(http_status);
  ErrorCode ec = ErrorCode::kUpstream;
  if (code == "Throttling" || code == "RequestLimitExceeded") ec = ErrorCode::kThrottled;
  if (code == "ExpiredToken" || code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch") {
    ec = ErrorCode::kUnauthenticated;
  }
  if (code == "AccessDenied") ec = ErrorCode::kPermissionDenied;
  return Error{ec, "An error occurred (" + code + ") when calling the " + std::string(action) +
                       " operation: " + message};
}

Result<AssumedRole> ParseAssumeRoleResponse(std::string_view xml, std::string_view action) {
  auto tree = ParseXml(xml);
  if (!tree) return std::unexpected(tree.error());
  std::string base = std::string(action) + "Response/" + std::string(action) + "Result/";
  AssumedRole out;
  out.credentials.access_key_id = Text(*tree, base + "Credentials/AccessKeyId");
  out.credentials.secret_access_key = Text(*tree, base + "Credentials/SecretAccessKey");
  out.credentials.session_token = Text(*tree, base + "Credentials/SessionToken");
  out.credentials.source = "sts:" + std::string(action);
  std::string exp = Text(*tree, base + "Credentials/Expiration");
  out.assumed_role_arn = Text(*tree, base + "AssumedRoleUser/Arn");
  out.assumed_role_id = Text(*tree, base + "AssumedRoleUser/AssumedRoleId");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
      out.credentials.session_token.empty()) {
    return Fail(ErrorCode::kFormat, std::string(action) + " answer lacks Credentials (AccessKeyId, SecretAccessKey, SessionToken)");
  }
  auto t = ParseRfc3339(exp);
  if (!t) return Fail(ErrorCode::kFormat, std::string(action) + " answer: Credentials.Expiration: " + t.error().message);
  out.credentials.expiration = *t;
  return out;
}

Result<CallerIdentity> ParseCallerIdentityResponse(std::string_view body) {
  CallerIdentity out;
  std::string_view trimmed = Trim(body);
  if (trimmed.starts_with("{")) {
    try {
      auto v = boost::json::parse(trimmed);
      const auto& r = v.at("GetCallerIdentityResponse").at("GetCallerIdentityResult").as_object();
      auto get = [&](const char* k) -> std::string {
        auto* x = r.if_contains(k);
        return x && x->is_string() ? std::string(x->as_string().c_str()) : std::string();
      };
      out = {get("Account"), get("Arn"), get("UserId")};
    } catch (const std::exception& e) {
      return Fail(ErrorCode::kFormat, std::string("GetCallerIdentity answer is not the expected JSON: ") + e.what());
    }
  } else {
    auto tree = ParseXml(body);
    if (!tree) return std::unexpected(tree.error());
    std::string base = "GetCallerIdentityResponse/GetCallerIdentityResult/";
    out = {Text(*tree, base + "Account"), Text(*tree, base + "Arn"), Text(*tree, base + "UserId")};
  }
  if (out.arn.empty()) return Fail(ErrorCode::kFormat, "GetCallerIdentity answer lacks Arn");
  return out;
}

Result<AssumedRole> AssumeRole(const Endpoint& ep, const aws::Credentials& caller, const AssumeRoleInput& in,
                               TimePoint now) {
  aws::KeyValues params = {{"Action", "AssumeRole"},
                           {"Version", kVersion},
                           {"RoleArn", in.role_arn},
                           {"RoleSessionName", in.session_name}};
  if (in.duration_seconds) params.emplace_back("DurationSeconds", std::to_string(*in.duration_seconds));
  if (!in.external_id.empty()) params.emplace_back("ExternalId", in.external_id);
  if (!in.mfa_serial.empty()) {
    params.emplace_back("SerialNumber", in.mfa_serial);
    params.emplace_back("TokenCode", in.mfa_token);
  }
  return Call(ep, params, &caller, now, "AssumeRole");
}

Result<AssumedRole> AssumeRoleWithWebIdentity(const Endpoint& ep, const std::string& role_arn,
                                              const std::string& session_name, const std::string& web_identity_token,
                                              std::optional<int> duration_seconds) {
  aws::KeyValues params = {{"Action", "AssumeRoleWithWebIdentity"},
                           {"Version", kVersion},
                           {"RoleArn", role_arn},
                           {"RoleSessionName", session_name},
                           {"WebIdentityToken", web_identity_token}};
  if (duration_seconds) params.emplace_back("DurationSeconds", std::to_string(*duration_seconds));
  return Call(ep, params, nullptr, TimePoint{}, "AssumeRoleWithWebIdentity");
}

Result<CallerIdentity> GetCallerIdentity(const Endpoint& ep, const aws::Credentials& caller, TimePoint now) {
  auto req = FormRequest(ep, {{"Action", "GetCallerIdentity"}, {"Version", kVersion}});
  if (!req) return std::unexpected(req.error());
  auto res = Post(ep, *req, &caller, now);
  if (!res) return std::unexpected(res.error());
  if (res->status != 200) return std::unexpected(ParseErrorResponse(res->status, res->body, "GetCallerIdentity"));
  return ParseCallerIdentityResponse(res->body);
}

Result<std::optional<std::string>> GetPrincipalId(const Endpoint& iam, const aws::Credentials& caller, const std::string& arn,
                                                  TimePoint now) {
  auto principal = aws::Canonicalize(arn);
  if (!principal || (principal->type != aws::PrincipalType::kRole && principal->type != aws::PrincipalType::kUser)) {
    return Fail(ErrorCode::kInvalidArgument, arn + " is not an IAM role or user ARN");
  }
  bool role = principal->type == aws::PrincipalType::kRole;
  std::string name = arn.substr(arn.rfind('/') + 1);
  std::string action = role ? "GetRole" : "GetUser";
  auto req = FormRequest(iam, {{"Action", action}, {"Version", "2010-05-08"}, {role ? "RoleName" : "UserName", name}});
  if (!req) return std::unexpected(req.error());
  auto res = Post(iam, *req, &caller, now, "iam");
  if (!res) return std::unexpected(res.error());
  if (res->status != 200) {
    Error e = ParseErrorResponse(res->status, res->body, action);
    // Only IAM's own "no such principal" says the principal is gone; any other 404 (a wrong
    // endpoint) says nothing about it.
    if (e.message.find("(NoSuchEntity)") != std::string::npos) return std::optional<std::string>();
    return std::unexpected(e);
  }
  auto tree = ParseXml(res->body);
  if (!tree) return std::unexpected(tree.error());
  std::string base = action + "Response/" + action + "Result/" + (role ? "Role/" : "User/");
  std::string id = Text(*tree, base + (role ? "RoleId" : "UserId"));
  if (id.empty()) return Fail(ErrorCode::kFormat, action + " answer lacks the principal's ID");
  return std::optional<std::string>(id);
}

}  // namespace kubeiam::sts
