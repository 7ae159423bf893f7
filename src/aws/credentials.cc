#include "aws/credentials.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace kubeiam::aws {

Result<Credentials> ParseJsonCredentials(std::string_view json, std::string_view source) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) {
    return Fail(ErrorCode::kFormat, std::string(source) + ": answer is not a JSON object");
  }
  const auto& o = v.as_object();
  auto str = [&](const char* k) -> std::string {
    auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->as_string().c_str()) : std::string();
  };
  Credentials c;
  c.source = std::string(source);
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  if (c.session_token.empty()) c.session_token = str("SessionToken");
  if (c.access_key_id.empty()) return Fail(ErrorCode::kFormat, std::string(source) + ": AccessKeyId is missing");
  if (c.secret_access_key.empty()) {
    return Fail(ErrorCode::kFormat, std::string(source) + ": SecretAccessKey is missing");
  }
  std::string exp = str("Expiration");
  if (!exp.empty()) {
    auto t = ParseRfc3339(exp);
    if (!t) return Fail(ErrorCode::kFormat, std::string(source) + ": Expiration: " + t.error().message);
    c.expiration = *t;
  }
  return c;
}

}  // namespace kubeiam::aws
