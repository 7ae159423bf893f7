#include "server/eks_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "authz/chain.h"
#include "eks/wire.h"
#include "util/crypto.h"
#include "util/encoding.h"
#include "util/log.h"
#include "util/strings.h"
#include "util/json_text.h"

namespace kubeiam::server {
namespace {

namespace json = boost::json;

http::HttpResponse Json(int status, const json::value& v) { return {status, "application/json", json::serialize(v), {}}; }

http::HttpResponse ErrorResponse(const eks::ApiError& e) {
  return {e.status, "application/json", json::serialize(json::object{{"message", e.message}}),
          {{"x-amzn-ErrorType", e.type}}};
}

eks::ApiError Serialization(std::string message) { return {"SerializationException", 400, std::move(message)}; }

// Optional members of a request body, type-checked with EKS's exception for a wrong type.
struct Body {
  json::object o;

  eks::ApiResult<std::optional<std::string>> String(const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) return std::unexpected(eks::InvalidParameter(std::string(key) + " must be a string"));
    return std::string(v->as_string());
  }
  eks::ApiResult<std::optional<std::vector<std::string>>> List(const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::vector<std::string> out;
    if (v->is_array()) {
      for (const auto& x : v->as_array()) {
        if (!x.is_string()) break;
        out.emplace_back(x.as_string());
      }
      if (out.size() == v->as_array().size()) return out;
    }
    return std::unexpected(eks::InvalidParameter(std::string(key) + " must be a list of strings"));
  }
};

eks::ApiResult<Body> ParseBody(const std::string& text) {
  if (Trim(text).empty()) return Body{};
  auto v = ParseJsonText(text, 16);
  if (!v) return std::unexpected(Serialization("The request body is not valid JSON: " + v.error().message));
  if (!v->is_object()) return std::unexpected(Serialization("The request body is not a JSON object"));
  return Body{std::move(v->as_object())};
}

// maxResults (1-100, default 100) and nextToken (an opaque offset) of the list operations.
struct Page {
  size_t offset = 0, size = 100;
};

eks::ApiResult<Page> ParsePage(const aws::KeyValues& query) {
  Page p;
  for (const auto& [k, v] : query) {
    if (k == "maxResults") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 100) {
        return std::unexpected(eks::InvalidParameter("maxResults must be between 1 and 100, got " + v));
      }
      p.size = size_t(n);
    } else if (k == "nextToken") {
      auto raw = Base64UrlDecodeNoPad(v);
      bool digits = raw && raw->starts_with("offset:") && raw->size() > 7 && raw->size() <= 16 &&
                    raw->find_first_not_of("0123456789", 7) == std::string::npos;
      unsigned long long n = digits ? std::strtoull(raw->c_str() + 7, nullptr, 10) : 0;
      if (!digits) {
        return std::unexpected(eks::InvalidParameter("The nextToken is invalid"));
      }
      p.offset = size_t(n);
    }
  }
  return p;
}

// Fills `out[field]` with items [offset, offset+size) and nextToken when more follow.
template <typename T, typename F>
void Paginate(json::object& out, const char* field, const std::vector<T>& items, const Page& page, F to_json) {
  json::array a;
  if (page.offset > items.size()) {  // a token from another listing: nothing past the end
    out[field] = std::move(a);
    return;
  }
  for (size_t i = page.offset; i < items.size() && i < page.offset + page.size; ++i) a.push_back(to_json(items[i]));
  out[field] = std::move(a);
  if (page.offset + page.size < items.size()) out["nextToken"] = Base64UrlEncodeNoPad("offset:" + std::to_string(page.offset + page.size));
}

// The cluster's ARN; the caller's account stands in when the cluster's is not configured.
std::string ClusterArn(const eks::ClusterInfo& c, const identity::Identity& caller) {
  return "arn:" + c.partition + ":eks:" + c.region + ":" + (c.account_id.empty() ? caller.account_id : c.account_id) +
         ":cluster/" + c.name;
}

using Change = store::AccessStore::Change;
using Answer = std::function<http::HttpResponse(const eks::ClusterAccess&)>;

// One write: authorize, apply, refuse a lock-out, publish. Writes need cluster-admin rights as
// the current snapshot maps the caller.
struct Writer {
  store::AccessStore& access_store;
  Authenticator* auth;  // null: the trusted local use
  const std::function<size_t(eks::AuthenticationMode)>& local_admins;
  std::shared_ptr<const state::Snapshot> snap;
  const identity::Identity& caller;
  const std::string& cluster_arn;

  size_t MappedAdmins(eks::AuthenticationMode m) const {
    if (!auth) return local_admins ? local_admins(m) : 0;
    return state::MappedAdministrators(snap->chain, m);
  }

  std::optional<eks::ApiError> Denied(const char* action) const {
    if (!auth) return std::nullopt;
    auto user = auth->MapWith(*snap, caller);
    if (user) {
      rbac::Attributes a;
      a.user = {user->username, authz::WithImpliedGroups(user->username, user->groups)};
      a.verb = "*";
      a.api_group = "*";
      a.resource = "*";
      static const rbac::Authorizer kNoRbac({}, {}, {}, {});
      if (authz::Authorize(snap->rbac ? *snap->rbac : kNoRbac, a, snap->PoliciesFor(*user)).allowed) return std::nullopt;
    }
    return eks::ApiError{"AccessDeniedException", 403,
                         "User: " + caller.arn + " is not authorized to perform: eks:" + action + " on resource: " +
                             cluster_arn + " (writes need cluster-admin rights on the cluster)"};
  }

  http::HttpResponse operator()(const char* action, const Change& change, const Answer& answer) const {
    if (auto denied = Denied(action)) return ErrorResponse(*denied);
    auto written = access_store.Update([&](eks::ClusterAccess& c) -> std::optional<eks::ApiError> {
      eks::ClusterAccess before = c;
      if (auto refused = change(c)) return refused;
      return eks::CheckLockout(before, c, [this](eks::AuthenticationMode m) { return MappedAdmins(m); });
    });
    if (!written) {
      // The caller sees EKS's ServerException; the operator needs the cause (a full disk, an I/O error).
      if (written.error().status >= 500) {
        Log(LogLevel::kError, "access-entry store write failed; nothing was changed",
            {{"action", action}, {"caller", caller.arn}, {"error", written.error().message}});
      }
      return ErrorResponse(written.error());
    }
    if (auth) (void)auth->ReloadIfChanged();  // the next request, and the next token, see the change
    return answer(*written);
  }
};

// What an operation works with: the request with its decoded path and query, its body, the
// cluster as loaded, and the writer.
struct Op {
  const http::HttpRequest& request;
  const std::vector<std::string>& segments;
  const aws::KeyValues& query;
  const Body& body;
  const eks::ClusterAccess& cluster;
  const std::string& cluster_arn;
  const Writer& write;
  const sts::LocalSts* local_sts;  // null: no local principals
  const EksApi::Endpoint& endpoint;

  // /clusters/<name>/access-entries/<principal>/...
  const std::string& principal() const { return segments[3]; }
};

http::HttpResponse UnknownOperationAt(const Op& op) {
  return ErrorResponse({"UnknownOperationException", 404, "No EKS operation at " + op.request.Path()});
}

http::HttpResponse UnknownOperation(const Op& op) {
  return ErrorResponse(
      {"UnknownOperationException", 404, "No EKS operation " + op.request.method + " " + op.request.Path()});
}

http::HttpResponse ListAccessPolicies(const Op& op) {
  auto page = ParsePage(op.query);
  if (!page) return ErrorResponse(page.error());
  std::vector<const eks::AccessPolicy*> policies;
  for (const auto& p : eks::PolicyCatalog()) policies.push_back(&p);
  json::object out;
  Paginate(out, "accessPolicies", policies, *page, [&](const eks::AccessPolicy* p) {
    return json::object{{"name", p->name}, {"arn", p->Arn(op.cluster.cluster.partition)}};
  });
  return Json(200, out);
}

http::HttpResponse ListClusters(const Op& op) {
  return Json(200, json::object{{"clusters", json::array{json::string(op.cluster.cluster.name)}}});
}

http::HttpResponse DescribeCluster(const Op& op) {
  const eks::ClusterAccess& cluster = op.cluster;
  json::object c{{"name", cluster.cluster.name},
                 {"arn", op.cluster_arn},
                 {"createdAt", eks::EpochSeconds(cluster.created_at)},
                 {"status", "ACTIVE"},
                 {"accessConfig", json::object{{"bootstrapClusterCreatorAdminPermissions", cluster.bootstrap_admin},
                                               {"authenticationMode", eks::ToString(cluster.mode)}}}};
  if (!op.endpoint.url.empty()) {
    c["endpoint"] = op.endpoint.url;
    c["certificateAuthority"] = json::object{{"data", Base64Encode(op.endpoint.ca_pem)}};
  }
  return Json(200, json::object{{"cluster", std::move(c)}});
}

// UpdateClusterConfig's answer: a finished update of the authentication mode.
http::HttpResponse AuthenticationModeUpdate(const std::string& mode) {
  json::object update{{"id", UuidV4()},
                      {"status", "Successful"},
                      {"type", "AccessConfigUpdate"},
                      {"params", json::array{json::object{{"type", "AuthenticationMode"}, {"value", mode}}}},
                      {"createdAt", eks::EpochSeconds(Clock::now())},
                      {"errors", json::array()}};
  return Json(200, json::object{{"update", std::move(update)}});
}

http::HttpResponse UpdateClusterConfig(const Op& op) {
  const json::value* access = op.body.o.if_contains("accessConfig");
  if (!access || !access->is_object() || !access->as_object().contains("authenticationMode")) {
    return ErrorResponse(eks::InvalidParameter("Only accessConfig.authenticationMode can be updated here"));
  }
  auto text = Body{access->as_object()}.String("authenticationMode");
  if (!text || !*text) return ErrorResponse(eks::InvalidParameter("accessConfig.authenticationMode must be a string"));
  auto mode = eks::ParseAuthenticationMode(**text);
  if (!mode) return ErrorResponse(eks::InvalidParameter(mode.error().message));
  return op.write("UpdateClusterConfig", [&](eks::ClusterAccess& c) { return eks::SetMode(c, *mode); },
                  [&](const eks::ClusterAccess&) { return AuthenticationModeUpdate(**text); });
}

// A CreateAccessEntry request: the entry asked for, and the clientRequestToken that makes a
// retried create idempotent.
struct CreateRequest {
  eks::NewAccessEntry entry;
  std::optional<std::string> token;
};

eks::ApiResult<std::map<std::string, std::string>> ParseTags(const Body& body) {
  std::map<std::string, std::string> tags;
  const json::value* v = body.o.if_contains("tags");
  if (v && !v->is_null() && !v->is_object()) return std::unexpected(eks::InvalidParameter("tags must be a map of strings"));
  if (v && v->is_object()) {
    for (const auto& kv : v->as_object()) {
      if (!kv.value().is_string()) return std::unexpected(eks::InvalidParameter("tags must map strings to strings"));
      tags[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  return tags;
}

eks::ApiResult<CreateRequest> ParseCreateRequest(const Body& body) {
  auto principal = body.String("principalArn");
  auto groups = body.List("kubernetesGroups");
  auto username = body.String("username");
  auto type = body.String("type");
  auto token = body.String("clientRequestToken");
  for (auto* bad : {&principal, &username, &type, &token}) {
    if (!*bad) return std::unexpected(bad->error());
  }
  if (!groups) return std::unexpected(groups.error());
  auto tags = ParseTags(body);
  if (!tags) return std::unexpected(tags.error());
  CreateRequest req;
  req.entry.principal_arn = principal->value_or("");
  req.entry.kubernetes_groups = groups->value_or(std::vector<std::string>{});
  req.entry.username = username->value_or("");
  req.entry.type = type->value_or("");
  req.entry.tags = std::move(*tags);
  req.token = std::move(*token);
  return req;
}

// The principal's unique ID, where the local principals know it (empty otherwise): a principal
// deleted and recreated under the same ARN (a new ID) does not inherit the entry (§2.1).
std::string LocalPrincipalId(const sts::LocalSts* local_sts, const std::string& arn) {
  std::string principal_id;
  if (!local_sts) return principal_id;
  if (const sts::Role* role = local_sts->store().FindRole(arn); role && role->Arn() == arn) principal_id = role->role_id;
  for (const auto& u : local_sts->store().users()) {
    if (EqualsIgnoreCase(u.Arn(), arn)) principal_id = u.user_id;
  }
  return principal_id;
}

// Creates the entry; a retried create (same clientRequestToken) gets the entry it made.
std::optional<eks::ApiError> ApplyCreate(eks::ClusterAccess& c, const CreateRequest& req, const std::string& principal_id) {
  const std::string& arn = req.entry.principal_arn;
  const eks::AccessEntry* existing = c.Find(arn);
  if (existing && req.token.has_value() && !req.token->empty() && existing->client_request_token == *req.token) {
    return std::nullopt;
  }
  if (auto refused = eks::CreateEntry(c, req.entry, UuidV4(), Clock::now())) return refused;
  c.Find(arn)->principal_id = principal_id;
  c.Find(arn)->client_request_token = req.token.value_or("");
  return std::nullopt;
}

http::HttpResponse CreateAccessEntry(const Op& op) {
  auto req = ParseCreateRequest(op.body);
  if (!req) return ErrorResponse(req.error());
  const std::string& arn = req->entry.principal_arn;
  std::string principal_id = LocalPrincipalId(op.local_sts, arn);
  return op.write("CreateAccessEntry", [&](eks::ClusterAccess& c) { return ApplyCreate(c, *req, principal_id); },
                  [&](const eks::ClusterAccess& c) {
                    return Json(200, json::object{{"accessEntry", eks::EntryJson(*c.Find(arn))}});
                  });
}

http::HttpResponse ListAccessEntries(const Op& op) {
  if (auto bad = eks::CheckApiEnabled(op.cluster)) return ErrorResponse(*bad);
  auto page = ParsePage(op.query);
  if (!page) return ErrorResponse(page.error());
  const std::string* filter = nullptr;
  for (const auto& [k, v] : op.query) {
    if (k == "associatedPolicyArn") filter = &v;
  }
  std::vector<std::string> arns;
  for (const auto& e : op.cluster.entries) {
    bool has = !filter || std::any_of(e.policies.begin(), e.policies.end(), [&](const auto& p) { return p.policy == *filter; });
    if (has) arns.push_back(e.principal_arn);
  }
  json::object out;
  Paginate(out, "accessEntries", arns, *page, [](const std::string& a) { return json::value(a); });
  return Json(200, out);
}

http::HttpResponse DescribeAccessEntry(const Op& op) {
  auto e = eks::FindEntry(op.cluster, op.principal());
  if (!e) return ErrorResponse(e.error());
  return Json(200, json::object{{"accessEntry", eks::EntryJson(**e)}});
}

http::HttpResponse UpdateAccessEntry(const Op& op) {
  const std::string& principal = op.principal();
  auto groups = op.body.List("kubernetesGroups");
  auto username = op.body.String("username");
  if (!groups) return ErrorResponse(groups.error());
  if (!username) return ErrorResponse(username.error());
  return op.write("UpdateAccessEntry",
                  [&](eks::ClusterAccess& c) { return eks::UpdateEntry(c, principal, *groups, *username, Clock::now()); },
                  [&](const eks::ClusterAccess& c) {
                    return Json(200, json::object{{"accessEntry", eks::EntryJson(*c.Find(principal))}});
                  });
}

http::HttpResponse DeleteAccessEntry(const Op& op) {
  const std::string& principal = op.principal();
  return op.write("DeleteAccessEntry", [&](eks::ClusterAccess& c) { return eks::DeleteEntry(c, principal); },
                  [](const eks::ClusterAccess&) { return Json(200, json::object()); });
}

eks::ApiResult<eks::AccessScope> ParseAccessScope(const Body& body) {
  const json::value* scope_v = body.o.if_contains("accessScope");
  if (!scope_v || !scope_v->is_object()) return std::unexpected(eks::InvalidParameter("accessScope is required"));
  Body scope_body{scope_v->as_object()};
  auto type = scope_body.String("type");
  auto namespaces = scope_body.List("namespaces");
  if (!type) return std::unexpected(type.error());
  if (!namespaces) return std::unexpected(namespaces.error());
  return eks::AccessScope{type->value_or(""), namespaces->value_or(std::vector<std::string>{})};
}

// AssociateAccessPolicy's answer: the entry's principal and the association as stored.
http::HttpResponse AssociationAnswer(const eks::ClusterAccess& c, const std::string& principal,
                                     const std::string& policy_arn) {
  const eks::AccessEntry* e = c.Find(principal);
  json::object out{{"clusterName", c.cluster.name}, {"principalArn", e->principal_arn}};
  for (const auto& p : e->policies) {
    if (p.policy == policy_arn) out["associatedAccessPolicy"] = eks::AssociationJson(p);
  }
  return Json(200, out);
}

http::HttpResponse AssociateAccessPolicy(const Op& op) {
  const std::string& principal = op.principal();
  auto policy = op.body.String("policyArn");
  if (!policy) return ErrorResponse(policy.error());
  if (!*policy) return ErrorResponse(eks::InvalidParameter("policyArn is required"));
  auto scope = ParseAccessScope(op.body);
  if (!scope) return ErrorResponse(scope.error());
  // Compared as stored: the catalogue's ARN in the cluster's partition.
  const eks::AccessPolicy* known = eks::FindPolicy(**policy);
  std::string policy_arn = known && (**policy).starts_with("arn:") ? known->Arn(op.cluster.cluster.partition) : **policy;
  return op.write("AssociateAccessPolicy",
                  [&](eks::ClusterAccess& c) { return eks::Associate(c, principal, policy_arn, *scope, Clock::now()); },
                  [&](const eks::ClusterAccess& c) { return AssociationAnswer(c, principal, policy_arn); });
}

http::HttpResponse ListAssociatedAccessPolicies(const Op& op) {
  auto e = eks::FindEntry(op.cluster, op.principal());
  if (!e) return ErrorResponse(e.error());
  auto page = ParsePage(op.query);
  if (!page) return ErrorResponse(page.error());
  json::object out{{"clusterName", op.cluster.cluster.name}, {"principalArn", (*e)->principal_arn}};
  Paginate(out, "associatedAccessPolicies", (*e)->policies, *page, eks::AssociationJson);
  return Json(200, out);
}

http::HttpResponse DisassociateAccessPolicy(const Op& op) {
  const std::string& principal = op.principal();
  const std::string& policy_arn = op.segments[5];
  return op.write("DisassociateAccessPolicy",
                  [&](eks::ClusterAccess& c) { return eks::Disassociate(c, principal, policy_arn); },
                  [](const eks::ClusterAccess&) { return Json(200, json::object()); });
}

// The operations under /clusters/<name>/access-entries: by the number of path segments
// (3: the list, 4: one entry, 5: its policies, 6: one of them) and the method.
struct AccessEntryOperation {
  size_t segments;
  std::string_view method;
  http::HttpResponse (*handle)(const Op&);
};

constexpr AccessEntryOperation kAccessEntryOperations[] = {
    {3, "POST", CreateAccessEntry},
    {3, "GET", ListAccessEntries},
    {4, "GET", DescribeAccessEntry},
    {4, "POST", UpdateAccessEntry},
    {4, "DELETE", DeleteAccessEntry},
    {5, "POST", AssociateAccessPolicy},
    {5, "GET", ListAssociatedAccessPolicies},
    {6, "DELETE", DisassociateAccessPolicy},
};

http::HttpResponse RouteAccessEntries(const Op& op) {
  const auto& s = op.segments;
  if (s.size() >= 5 && s[4] != "access-policies") return UnknownOperationAt(op);
  for (const auto& operation : kAccessEntryOperations) {
    if (s.size() == operation.segments && op.request.method == operation.method) return operation.handle(op);
  }
  return UnknownOperation(op);
}

http::HttpResponse Dispatch(const Op& op) {
  const auto& s = op.segments;
  const std::string& method = op.request.method;
  if (s.size() == 1 && s[0] == "access-policies" && method == "GET") return ListAccessPolicies(op);
  if (s.size() == 1 && s[0] == "clusters" && method == "GET") return ListClusters(op);
  if (s.size() < 2 || s[0] != "clusters") return UnknownOperationAt(op);
  if (s[1] != op.cluster.cluster.name) {
    return ErrorResponse(eks::ResourceNotFound("No cluster found for name: " + s[1] + "."));
  }
  if (s.size() == 2 && method == "GET") return DescribeCluster(op);
  if (s.size() == 3 && s[2] == "update-config" && method == "POST") return UpdateClusterConfig(op);
  if (s.size() < 3 || s[2] != "access-entries") return UnknownOperationAt(op);
  return RouteAccessEntries(op);
}

}  // namespace

struct EksApi::Call {
  const http::HttpRequest& request;
  std::vector<std::string> segments;  // decoded path segments
  aws::KeyValues query;
  identity::Identity caller;
};

EksApi::EksApi(std::shared_ptr<store::AccessStore> store, std::shared_ptr<const sts::LocalSts> local_sts, Authenticator* auth)
    : store_(std::move(store)), local_sts_(std::move(local_sts)), auth_(auth) {}

EksApi::EksApi(std::shared_ptr<store::AccessStore> store, std::function<size_t(eks::AuthenticationMode)> mapped_admins)
    : store_(std::move(store)), mapped_admins_(std::move(mapped_admins)) {}

// One log line per request when serving (not for the local operator's --store use): the
// caller's ARN once authenticated, the answer and the latency; never the query or the body.
http::HttpResponse EksApi::Handle(const http::HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  std::string caller;
  http::HttpResponse response = Authenticated(request, caller);
  if (!auth_) return response;
  boost::json::object fields{{"client", request.remote}, {"method", request.method}, {"path", request.Path()}};
  if (!caller.empty()) fields["caller"] = caller;
  fields["status"] = response.status;
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-ErrorType") fields["error"] = value;
  }
  auto latency = std::chrono::steady_clock::now() - start;
  fields["latencyMs"] = std::chrono::duration<double, std::milli>(latency).count();
  Log(response.status >= 500 ? LogLevel::kWarning : LogLevel::kInfo, "eksAPI request", std::move(fields));
  auth_->metrics().CountRequest("eksapi", ToLower(request.method), response.status, latency);
  return response;
}

http::HttpResponse EksApi::Authenticated(const http::HttpRequest& request, std::string& caller_arn) {
  std::string raw_path = request.target.substr(0, request.target.find('?'));
  std::string raw_query = request.target.size() > raw_path.size() ? request.target.substr(raw_path.size() + 1) : "";
  Call call{request, {}, {}, {}};
  auto query = aws::ParseQuery(raw_query);
  if (!query) return ErrorResponse(Serialization("The query string is malformed"));
  call.query = std::move(*query);
  for (auto part : Split(std::string_view(raw_path).substr(raw_path.starts_with('/') ? 1 : 0), '/')) {
    auto decoded = aws::UriDecode(part);
    if (!decoded) return ErrorResponse(Serialization("The request path is malformed"));
    call.segments.push_back(std::move(*decoded));
  }
  // Who is calling: a kubeiam token, or SigV4 against the local principals.
  TimePoint now = Clock::now();
  const std::string* authorization = request.Header("Authorization");
  if (!auth_) {
    call.caller.arn = "local operator";
  } else if (authorization && authorization->starts_with("Bearer ")) {
    auto id = auth_->Verify(std::string_view(*authorization).substr(7), now);
    if (!id && id.error().code == ErrorCode::kThrottled) {
      return ErrorResponse({"ThrottlingException", 429, "Rate exceeded: " + id.error().message});  // awscli retries it
    }
    if (!id) return ErrorResponse({"UnrecognizedClientException", 403, "The bearer token is not valid: " + id.error().message});
    call.caller = std::move(*id);
  } else if (local_sts_) {
    aws::SignableRequest sr;
    sr.method = request.method;
    sr.path = raw_path;  // REST-JSON signs the path as sent (encoded), then encodes it again
    sr.query = call.query;
    sr.headers = request.headers;
    sr.body = request.body;
    auto caller = local_sts_->Authenticate(sr, "eks", now);
    if (!caller) {
      std::string type = caller.error().code == "SignatureDoesNotMatch" ? "InvalidSignatureException"
                         : caller.error().code == "MissingAuthenticationToken" ? "MissingAuthenticationTokenException"
                                                                               : "UnrecognizedClientException";
      return ErrorResponse({type, 403, caller.error().message});
    }
    auto id = identity::BuildIdentity(caller->arn, caller->account, caller->user_id, "", "");
    if (!id) return ErrorResponse({"UnrecognizedClientException", 403, id.error().message});
    call.caller = std::move(*id);
  } else {
    return ErrorResponse({"MissingAuthenticationTokenException", 403,
                          "Missing Authentication Token: send a kubeiam token as Authorization: Bearer"});
  }
  caller_arn = call.caller.arn;
  return Route(call);
}

http::HttpResponse EksApi::Route(Call& call) {
  auto state = store_->Load();
  if (!state) {
    Log(LogLevel::kError, "access-entry store read failed", {{"error", state.error().message}});
    return ErrorResponse(state.error());
  }
  const eks::ClusterAccess& cluster = *state;
  std::string cluster_arn = ClusterArn(cluster.cluster, call.caller);
  auto snap = auth_ ? auth_->snapshot() : std::make_shared<const state::Snapshot>();
  Writer writer{*store_, auth_, mapped_admins_, std::move(snap), call.caller, cluster_arn};
  auto body = ParseBody(call.request.body);
  if (!body) return ErrorResponse(body.error());
  return Dispatch(Op{call.request, call.segments, call.query, *body, cluster, cluster_arn, writer, local_sts_.get(), endpoint_});
}

}  // namespace kubeiam::server
