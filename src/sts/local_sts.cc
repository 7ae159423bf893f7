#include "sts/local_sts.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "aws/arn.h"
#include "aws/sigv4.h"
#include "util/crypto.h"
#include "util/encoding.h"
#include "util/strings.h"

namespace kubeiam::sts {
namespace {

namespace json = boost::json;

constexpr char kNs[] = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr char kIamNs[] = "https://iam.amazonaws.com/doc/2010-05-08/";
constexpr char kIamVersion[] = "2010-05-08";
constexpr auto kMaxSkew = std::chrono::minutes(15);

using Failure = AuthFailure;

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string RequestId() {
  std::string h = HexEncode(RandomBytes(16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

bool WantsJson(const StsRequest& r) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, "accept") && v.find("application/json") != std::string::npos) return true;
  }
  return false;
}

StsAnswer Error(const StsRequest& r, const Failure& f, const char* ns = kNs) {
  std::string id = RequestId();
  if (WantsJson(r)) {
    json::object o{{"Error", json::object{{"Code", f.code}, {"Message", f.message}, {"Type", "Sender"}}}, {"RequestId", id}};
    return {f.status, "application/json", json::serialize(o)};
  }
  return {f.status, "text/xml",
          std::string("<ErrorResponse xmlns=\"") + ns + "\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>" +
              XmlEscape(f.code) + "</Code>\n    <Message>" + XmlEscape(f.message) + "</Message>\n  </Error>\n  <RequestId>" +
              id + "</RequestId>\n</ErrorResponse>\n"};
}

// A result document: fields in order, each either a value or a nested element list.
struct Field {
  std::string name, value;
  std::vector<Field> children;
};

void Xml(const std::vector<Field>& fields, std::string& out, int depth) {
  for (const auto& f : fields) {
    out += std::string(depth * 2, ' ') + "<" + f.name + ">";
    if (f.children.empty()) {
      out += XmlEscape(f.value);
    } else {
      out += "\n";
      Xml(f.children, out, depth + 1);
      out += std::string(depth * 2, ' ');
    }
    out += "</" + f.name + ">\n";
  }
}

json::object Json(const std::vector<Field>& fields) {
  json::object o;
  for (const auto& f : fields) {
    if (f.children.empty()) {
      o[f.name] = f.value;
    } else {
      o[f.name] = Json(f.children);
    }
  }
  return o;
}

StsAnswer Success(const StsRequest& r, const std::string& action, std::vector<Field> result, const char* ns = kNs) {
  std::string id = RequestId();
  if (WantsJson(r)) {
    json::object o{{action + "Response", json::object{{action + "Result", Json(result)},
                                                      {"ResponseMetadata", json::object{{"RequestId", id}}}}}};
    return {200, "application/json", json::serialize(o)};
  }
  std::string out = "<" + action + "Response xmlns=\"" + ns + "\">\n  <" + action + "Result>\n";
  Xml(result, out, 2);
  out += "  </" + action + "Result>\n  <ResponseMetadata>\n    <RequestId>" + id +
         "</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>\n";
  return {200, "text/xml", out};
}

const std::string* Param(const aws::KeyValues& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

}  // namespace

namespace {

// Sealed session tokens: "v1." + base64url(payload JSON) + "." + hex HMAC.
std::string Seal(const std::string& key, const json::object& payload) {
  std::string body = Base64UrlEncodeNoPad(json::serialize(payload));
  return "v1." + body + "." + HexEncode(AsBytes(HmacSha256(key, "session-token:" + body)));
}

std::optional<json::object> Unseal(const std::string& key, std::string_view token) {
  auto parts = Split(token, '.');
  if (parts.size() != 3 || parts[0] != "v1") return std::nullopt;
  std::string mac = HexEncode(AsBytes(HmacSha256(key, "session-token:" + std::string(parts[1]))));
  if (!ConstantTimeEqual(mac, parts[2])) return std::nullopt;
  auto raw = Base64UrlDecodeNoPad(parts[1]);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::string DerivedSecret(const std::string& key, std::string_view access_key_id) {
  return Base64Encode(AsBytes(HmacSha256(key, "secret-key:" + std::string(access_key_id)))).substr(0, 40);
}

std::string NewTemporaryKeyId() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string bytes = RandomBytes(16);
  std::string id = "ASIA";
  for (char b : bytes) id += kAlphabet[static_cast<unsigned char>(b) % 32];
  return id;
}

std::string JsonStr(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

template <typename T>
using StsResult = std::expected<T, Failure>;

// A request as SigV4 sees it, and its parameters (query and form body together).
struct ParsedRequest {
  aws::SignableRequest signable;
  aws::KeyValues params;
};

StsResult<ParsedRequest> ParseRequest(const StsRequest& request) {
  aws::SignableRequest sr;
  sr.method = request.method;
  std::string raw_query;
  size_t q = request.target.find('?');
  auto path = aws::UriDecode(request.target.substr(0, q));
  if (q != std::string::npos) raw_query = request.target.substr(q + 1);
  auto query = aws::ParseQuery(raw_query);
  if (!path || !query) return std::unexpected(Failure{400, "MalformedQueryString", "The query string is malformed."});
  sr.path = *path;
  sr.query = *query;
  sr.headers = request.headers;
  sr.body = request.body;
  aws::KeyValues params = *query;
  if (request.method == "POST") {
    auto form = aws::ParseQuery(request.body);
    if (!form) return std::unexpected(Failure{400, "MalformedInput", "The request body is not form-encoded."});
    params.insert(params.end(), form->begin(), form->end());
  } else if (request.method != "GET") {
    return std::unexpected(Failure{405, "InvalidAction", "Only GET and POST are supported."});
  }
  return ParsedRequest{std::move(sr), std::move(params)};
}

// The Action parameter, once Version is the one this API has.
StsResult<std::string> ActionOf(const aws::KeyValues& params) {
  const std::string* action = Param(params, "Action");
  if (!action) return std::unexpected(Failure{400, "MissingAction", "Missing Action parameter."});
  const std::string* version = Param(params, "Version");
  if (!version || (*version != "2011-06-15" && *version != kIamVersion)) {
    return std::unexpected(Failure{400, "InvalidParameterValue", "Version must be 2011-06-15."});
  }
  return *action;
}

bool IsIam(const aws::KeyValues& params) {
  const std::string* version = Param(params, "Version");
  return version && *version == kIamVersion;
}

// IAM's read of one principal in the caller's account: GetRole (RoleName) or GetUser (UserName,
// by default the caller). What the local STS knows of a principal is its ARN, path and ID.
StsResult<std::vector<Field>> RunIamAction(const std::string& action, const Caller& caller, const aws::KeyValues& params,
                                           const PrincipalStore& store) {
  if (action != "GetRole" && action != "GetUser") {
    return std::unexpected(Failure{400, "InvalidAction", "Could not find operation " + action + " for version 2010-05-08"});
  }
  bool role = action == "GetRole";
  const std::string* name = Param(params, role ? "RoleName" : "UserName");
  if (role && !name) return std::unexpected(Failure{400, "ValidationError", "RoleName is required"});
  for (const auto& r : role ? store.roles() : std::vector<Role>()) {
    if (r.account == caller.account && r.name == *name) {
      return std::vector<Field>{{"Role", "", {{"Path", r.path, {}}, {"RoleName", r.name, {}}, {"RoleId", r.role_id, {}}, {"Arn", r.Arn(), {}}}}};
    }
  }
  for (const auto& u : role ? std::vector<User>() : store.users()) {
    if (u.account == caller.account && (name ? u.name == *name : u.Arn() == caller.arn)) {
      return std::vector<Field>{{"User", "", {{"Path", u.path, {}}, {"UserName", u.name, {}}, {"UserId", u.user_id, {}}, {"Arn", u.Arn(), {}}}}};
    }
  }
  return std::unexpected(Failure{404, "NoSuchEntity", std::string("The ") + (role ? "role" : "user") + " with name " +
                                                          (name ? *name : caller.arn) + " cannot be found."});
}

// DurationSeconds: `def` when absent; nothing when it is not a whole number in [900, max].
std::optional<int> DurationSeconds(const aws::KeyValues& params, int def, int max) {
  const std::string* d = Param(params, "DurationSeconds");
  if (!d) return def;
  int v = 0;
  auto [p, ec] = std::from_chars(d->data(), d->data() + d->size(), v);
  if (ec != std::errc() || p != d->data() + d->size() || v < 900 || v > max) return std::nullopt;
  return v;
}

// Issues temporary credentials sealed under the master key, valid from `now`.
struct CredentialIssuer {
  const std::string& key;
  TimePoint now;

  std::vector<Field> Issue(const std::string& arn, const std::string& uid, const std::string& account, int seconds) const {
    std::string key_id = NewTemporaryKeyId();
    TimePoint exp = std::chrono::time_point_cast<std::chrono::seconds>(now) + std::chrono::seconds(seconds);
    json::object payload{{"k", key_id}, {"arn", arn}, {"uid", uid}, {"acct", account}, {"exp", FormatRfc3339(exp)}};
    return std::vector<Field>{{"AccessKeyId", key_id, {}},
                              {"SecretAccessKey", DerivedSecret(key, key_id), {}},
                              {"SessionToken", Seal(key, payload), {}},
                              {"Expiration", FormatRfc3339(exp), {}}};
  }
};

StsResult<std::vector<Field>> GetSessionTokenResult(const Caller& caller, const aws::KeyValues& params,
                                                    const CredentialIssuer& issuer) {
  if (caller.temporary) {
    return std::unexpected(Failure{403, "AccessDenied", "Cannot call GetSessionToken with session credentials"});
  }
  auto seconds = DurationSeconds(params, 43200, 129600);
  if (!seconds) {
    return std::unexpected(Failure{400, "ValidationError", "DurationSeconds must be between 900 and 129600"});
  }
  return std::vector<Field>{{"Credentials", "", issuer.Issue(caller.arn, caller.user_id, caller.account, *seconds)}};
}

bool ValidSessionName(const std::string& session) {
  return session.size() >= 2 && session.size() <= 64 && std::all_of(session.begin(), session.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos;
         });
}

// Whether the role trusts the caller (and, when it sets an ExternalId, the request gives it).
bool MayAssume(const Role* role, const Caller& caller, const aws::KeyValues& params) {
  std::string caller_canonical = caller.arn;
  if (auto c = aws::Canonicalize(caller.arn)) caller_canonical = c->canonical_arn;
  bool allowed = false;
  if (role) {
    for (const auto& p : role->assumable_by) {
      allowed |= p == "*" || p == caller_canonical || p == caller.arn || p == "arn:aws:iam::" + caller.account + ":root";
    }
    const std::string* ext = Param(params, "ExternalId");
    if (!role->external_id.empty() && (!ext || *ext != role->external_id)) allowed = false;
  }
  return allowed;
}

StsResult<std::vector<Field>> AssumeRoleResult(const PrincipalStore& store, const Caller& caller,
                                               const aws::KeyValues& params, const CredentialIssuer& issuer) {
  const std::string* role_arn = Param(params, "RoleArn");
  const std::string* session = Param(params, "RoleSessionName");
  if (!role_arn || !session) {
    return std::unexpected(Failure{400, "ValidationError", "RoleArn and RoleSessionName are required"});
  }
  if (!ValidSessionName(*session)) {
    return std::unexpected(Failure{400, "ValidationError",
                                   "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: "
                                   "Member must satisfy regular expression pattern: [\\w+=,.@-]*"});
  }
  const Role* role = store.FindRole(*role_arn);
  if (!MayAssume(role, caller, params)) {
    return std::unexpected(Failure{403, "AccessDenied", "User: " + caller.arn +
                                                            " is not authorized to perform: sts:AssumeRole on resource: " +
                                                            *role_arn});
  }
  auto seconds = DurationSeconds(params, 3600, role->max_session_seconds);
  if (!seconds) {
    return std::unexpected(Failure{400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set "
                                                           "for this role."});
  }
  std::string assumed = "arn:aws:sts::" + role->account + ":assumed-role/" + role->name + "/" + *session;
  std::string uid = role->role_id + ":" + *session;
  return std::vector<Field>{{"AssumedRoleUser", "", {{"AssumedRoleId", uid, {}}, {"Arn", assumed, {}}}},
                            {"Credentials", "", issuer.Issue(assumed, uid, role->account, *seconds)}};
}

// The result of an action for an authenticated caller, or why not.
StsResult<std::vector<Field>> RunAction(const std::string& action, const Caller& caller, const aws::KeyValues& params,
                                        const PrincipalStore& store, const CredentialIssuer& issuer) {
  if (action == "GetCallerIdentity") {
    return std::vector<Field>{{"Arn", caller.arn, {}}, {"UserId", caller.user_id, {}}, {"Account", caller.account, {}}};
  }
  if (action == "GetSessionToken") return GetSessionTokenResult(caller, params, issuer);
  if (action == "AssumeRole") return AssumeRoleResult(store, caller, params, issuer);
  return std::unexpected(Failure{400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15"});
}

}  // namespace

StsAnswer LocalSts::Handle(const StsRequest& request, TimePoint now) const {
  // 1. The request as SigV4 sees it, and its parameters (query and form body together).
  auto parsed = ParseRequest(request);
  if (!parsed) return Error(request, parsed.error());
  auto action = ActionOf(parsed->params);
  if (!action) return Error(request, action.error());

  // 2. Authentication: who signed, with which secret, is the signature right and fresh.
  bool iam = IsIam(parsed->params);
  auto authenticated = Authenticate(parsed->signable, iam ? "iam" : "sts", now, *action == "GetCallerIdentity");
  if (!authenticated) return Error(request, authenticated.error(), iam ? kIamNs : kNs);
  if (iam) {
    auto result = RunIamAction(*action, *authenticated, parsed->params, store_);
    if (!result) return Error(request, result.error(), kIamNs);
    return Success(request, *action, std::move(*result), kIamNs);
  }

  // 3. The action.
  auto result = RunAction(*action, *authenticated, parsed->params, store_, CredentialIssuer{key_, now});
  if (!result) return Error(request, result.error());
  return Success(request, *action, std::move(*result));
}

std::expected<Caller, AuthFailure> LocalSts::Authenticate(const aws::SignableRequest& sr, std::string_view service,
                                                          TimePoint now, bool presigned_lives_15_minutes) const {
  auto auth = aws::ParseAuthentication(sr);
  if (!auth) {
    bool none = !sr.FindHeader("Authorization") && !sr.FindQuery("X-Amz-Algorithm");
    if (none) return std::unexpected(Failure{403, "MissingAuthenticationToken", "Request is missing Authentication Token"});
    return std::unexpected(Failure{400, "IncompleteSignature", auth.error().message});
  }
  if (auth->service != service) {
    return std::unexpected(Failure{403, "SignatureDoesNotMatch",
                                   "Credential should be scoped to correct service: '" + std::string(service) + "'."});
  }
  Caller caller;
  std::string secret;
  if (const User* user = store_.FindUserByAccessKey(auth->access_key_id, &secret)) {
    // Long-term keys carry no session token; AWS refuses a request that adds one.
    if (!auth->session_token.empty()) {
      return std::unexpected(Failure{403, "InvalidClientTokenId", "The security token included in the request is invalid."});
    }
    caller = {user->Arn(), user->user_id, user->account, false};
  } else if (auth->access_key_id.starts_with("ASIA")) {
    auto payload = Unseal(key_, auth->session_token);
    if (!payload || JsonStr(*payload, "k") != auth->access_key_id) {
      return std::unexpected(Failure{403, "InvalidClientTokenId", "The security token included in the request is invalid."});
    }
    auto exp = ParseRfc3339(JsonStr(*payload, "exp"));
    if (!exp || now >= *exp) {
      return std::unexpected(Failure{403, "ExpiredToken", "The security token included in the request is expired"});
    }
    secret = DerivedSecret(key_, auth->access_key_id);
    caller = {JsonStr(*payload, "arn"), JsonStr(*payload, "uid"), JsonStr(*payload, "acct"), true};
  } else {
    return std::unexpected(Failure{403, "InvalidClientTokenId", "The security token included in the request is invalid."});
  }
  if (auto ok = aws::VerifySignature(sr, *auth, secret); !ok) {
    return std::unexpected(
        Failure{403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your "
                "AWS Secret Access Key and signing method. Consult the service documentation for details."});
  }
  TimePoint signed_at = *ParseAmzDate(auth->amz_date);
  // Presigned GetCallerIdentity URLs live 15 minutes whatever X-Amz-Expires says (as in AWS).
  auto lifetime = auth->presigned && !presigned_lives_15_minutes ? std::chrono::seconds(auth->expires_seconds)
                                                                 : std::chrono::seconds(kMaxSkew);
  if (now > signed_at + lifetime) {
    return std::unexpected(Failure{403, "SignatureDoesNotMatch", "Signature expired: " + auth->amz_date +
                                                                     " is now earlier than " + FormatAmzDate(now - lifetime)});
  }
  if (signed_at > now + kMaxSkew) {
    return std::unexpected(Failure{403, "SignatureDoesNotMatch", "Signature not yet current: " + auth->amz_date +
                                                                     " is still later than " + FormatAmzDate(now + kMaxSkew)});
  }
  return caller;
}

}  // namespace kubeiam::sts
