#include "server/kube_api.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <set>

#include "authz/chain.h"
#include "authz/forbidden.h"
#include "authz/impersonation.h"
#include "kubeapi/forward_headers.h"
#include "kubeapi/object_selector.h"
#include "kubeapi/protobuf_review.h"
#include "kubeapi/request_info.h"
#include "kubeapi/review_body.h"
#include "rbac/bootstrap.h"
#include "rbac/resources.h"
#include "server/subject_access_review.h"
#include "server/token_review.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

namespace json = boost::json;

HttpResponse JsonResponse(int status, const json::value& v) { return {status, "application/json", json::serialize(v), {}}; }

HttpResponse Status(int code, const std::string& reason, const std::string& message, json::object details = {}) {
  json::object s{{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                 {"message", message}, {"reason", reason},  {"code", code}};
  if (!details.empty()) s["details"] = std::move(details);
  return JsonResponse(code, s);
}

// STS or EC2 is slow: as the API server under load, 429 with Retry-After, which kubectl and
// client-go wait out and retry instead of reporting a failed login.
HttpResponse TooManyRequests() {
  HttpResponse busy = Status(429, "TooManyRequests", "Too many requests, please try again later.",
                             json::object{{"retryAfterSeconds", 1}});
  busy.headers.emplace_back("Retry-After", "1");
  return busy;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

const rbac::Authorizer& DefaultPolicy() {
  static const rbac::Authorizer p = [] {
    auto all = rbac::WithBootstrap({}, true);
    return rbac::Authorizer(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
  }();
  return p;
}

// Who is asking, after authentication and impersonation.
struct Caller {
  rbac::UserInfo user;
  std::string uid;
  std::map<std::string, std::vector<std::string>> extra;
  const std::vector<eks::AssociatedPolicy>* policies = nullptr;
};

// The groups and versions served: the standard resources (users and groups are not served).
std::map<std::string, std::string> GroupVersions() {
  std::map<std::string, std::string> out;
  for (const auto& r : rbac::StandardResources()) {
    if (r.served && !r.group.empty()) out[r.group] = r.version;
  }
  return out;
}

// Aggregated discovery (apidiscovery.k8s.io/v2): every group's resources in one document, so
// kubectl needs one request for /api and one for /apis instead of one per group version.
constexpr const char* kAggregatedDiscoveryType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

bool WantsAggregatedDiscovery(const std::string* accept) {
  if (!accept) return false;
  for (auto media : Split(*accept, ',')) {
    std::string m;
    for (char c : media) {
      if (c != ' ') m += c;
    }
    if (m.find("g=apidiscovery.k8s.io") != std::string::npos && m.find("v=v2;") != std::string::npos &&
        m.find("as=APIGroupDiscoveryList") != std::string::npos) {
      return true;
    }
  }
  return false;
}

json::value AggregatedDiscovery(bool core) {
  std::map<std::string, json::array> groups;  // group -> resources of its served version
  std::map<std::string, std::string> versions;
  for (const auto& r : rbac::StandardResources()) {
    if (!r.served || r.group.empty() != core) continue;
    bool review = r.resource.ends_with("reviews");
    json::object x{{"resource", r.resource},
                   {"responseKind", json::object{{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                   {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                   {"singularResource", r.singular},
                   {"verbs", review ? json::array{"create"} : json::array{"get", "list", "watch"}}};
    if (!r.short_names.empty()) x["shortNames"] = Strings(r.short_names);
    groups[r.group].push_back(std::move(x));
    versions[r.group] = r.version;
  }
  json::array items;
  for (auto& [group, resources] : groups) {
    items.push_back(json::object{
        {"metadata", json::object{{"name", group}, {"creationTimestamp", nullptr}}},
        {"versions", json::array{json::object{
                         {"version", versions[group]}, {"resources", std::move(resources)}, {"freshness", "Current"}}}}});
  }
  return json::object{{"kind", "APIGroupDiscoveryList"},
                      {"apiVersion", "apidiscovery.k8s.io/v2"},
                      {"metadata", json::object()},
                      {"items", std::move(items)}};
}

json::value Discovery(const kubeapi::RequestInfo& info, const std::string& host) {
  if (info.path == "/version") {
    return json::object{{"major", "1"}, {"minor", "31"}, {"gitVersion", "v1.31.0+kubeiam"}, {"gitCommit", ""},
                        {"gitTreeState", "clean"}, {"buildDate", ""}, {"goVersion", ""}, {"compiler", ""},
                        {"platform", "linux/amd64"}};
  }
  if (info.path == "/api" || info.path == "/api/") {
    return json::object{{"kind", "APIVersions"},
                        {"versions", json::array{"v1"}},
                        {"serverAddressByClientCIDRs",
                         json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", host}}}}};
  }
  if (info.path == "/apis" || info.path == "/apis/") {
    json::array groups;
    for (const auto& [g, v] : GroupVersions()) {
      json::object gv{{"groupVersion", g + "/" + v}, {"version", v}};
      groups.push_back(json::object{{"name", g}, {"versions", json::array{gv}}, {"preferredVersion", gv}});
    }
    return json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
  }
  std::string group = info.api_prefix == "apis" ? info.api_group : "";
  std::string version = info.api_version;
  if (version.empty()) return nullptr;
  json::array resources;
  for (const auto& r : rbac::StandardResources()) {
    if (!r.served || r.group != group || r.version != version) continue;
    bool review = r.resource.ends_with("reviews");
    json::object x{{"name", r.resource},
                   {"singularName", r.singular},
                   {"namespaced", r.namespaced},
                   {"kind", r.kind},
                   {"verbs", review ? json::array{"create"} : json::array{"get", "list", "watch"}}};
    if (!r.short_names.empty()) x["shortNames"] = Strings(r.short_names);
    resources.push_back(std::move(x));
  }
  if (resources.empty()) return nullptr;
  std::string gv = group.empty() ? version : group + "/" + version;
  return json::object{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", std::move(resources)}};
}

json::object Rule(const rbac::PolicyRule& r) {
  json::object o{{"verbs", Strings(r.verbs)}};
  if (!r.non_resource_urls.empty()) {
    o["nonResourceURLs"] = Strings(r.non_resource_urls);
    return o;
  }
  o["apiGroups"] = Strings(r.api_groups);
  o["resources"] = Strings(r.resources);
  if (!r.resource_names.empty()) o["resourceNames"] = Strings(r.resource_names);
  return o;
}

// An object as served: its resourceVersion is the version of the folder it was read from.
json::object Versioned(const json::object& o, uint64_t version) {
  json::object out = o;
  if (auto* meta = out.if_contains("metadata"); meta && meta->is_object()) {
    meta->as_object()["resourceVersion"] = std::to_string(version);
  }
  return out;
}

// A list as kubectl's server-side printing wants it (Accept: ...;as=Table): name and age.
json::value Table(const std::vector<const json::object*>& items, uint64_t version) {
  json::array rows;
  for (const auto* o : items) {
    json::object meta = o->at("metadata").as_object();
    meta["resourceVersion"] = std::to_string(version);
    json::value created = meta.contains("creationTimestamp") ? meta.at("creationTimestamp") : json::value(nullptr);
    rows.push_back(json::object{{"cells", json::array{meta.at("name"), created}},
                                {"object", json::object{{"kind", "PartialObjectMetadata"},
                                                        {"apiVersion", "meta.k8s.io/v1"},
                                                        {"metadata", std::move(meta)}}}});
  }
  return json::object{
      {"kind", "Table"},
      {"apiVersion", "meta.k8s.io/v1"},
      {"metadata", json::object{{"resourceVersion", std::to_string(version)}}},
      {"columnDefinitions",
       json::array{json::object{{"name", "Name"}, {"type", "string"}, {"format", "name"}, {"description", "Name"}, {"priority", 0}},
                   json::object{{"name", "Created At"}, {"type", "date"}, {"format", ""}, {"description", "Creation time"},
                                {"priority", 0}}}},
      {"rows", std::move(rows)}};
}

// A watch on the objects folder: the changes since the client's resourceVersion (every object
// as ADDED without one), then each change as the folder is edited, until timeoutSeconds.
class ObjectWatch : public ResponseStream {
 public:
  struct View {
    std::string group, resource, ns, name;
    bool table = false;
    kubeapi::ObjectSelector selector;
  };
  ObjectWatch(KubeApi* api, View view, std::optional<KubeApi::VersionedObjects> from,
              std::chrono::steady_clock::time_point deadline)
      : api_(api), view_(std::move(view)), sent_(std::move(from)), deadline_(deadline) {}

  bool Poll(std::string& out) override {
    auto now = api_->CurrentObjects();
    if (!sent_ || now.version != sent_->version) {
      for (const auto& c : now.objects->ChangesSince(sent_ ? sent_->objects.get() : nullptr, view_.group, view_.resource,
                                                     view_.ns, view_.name)) {
        if (!view_.selector.Matches(*c.object)) continue;
        json::value object = view_.table ? Table({c.object}, now.version) : json::value(Versioned(*c.object, now.version));
        out += json::serialize(json::object{{"type", c.type}, {"object", std::move(object)}}) + "\n";
      }
      sent_ = now;
    }
    return std::chrono::steady_clock::now() < deadline_;
  }

 private:
  KubeApi* api_;
  View view_;
  std::optional<KubeApi::VersionedObjects> sent_;
  std::chrono::steady_clock::time_point deadline_;
};

std::string_view Or(const std::string* value) { return value ? std::string_view(*value) : std::string_view(); }

// The request as it goes upstream, as the caller.
HttpResponse Forwarded(const std::shared_ptr<const Upstream>& upstream, const HttpRequest& request,
                       const kubeapi::RequestInfo& info, const Caller& caller) {
  auto headers = kubeapi::ForwardHeaders(request.headers, {caller.user.name, caller.user.groups, caller.uid, caller.extra});
  if (!headers) return Status(500, "InternalError", headers.error().message);
  auto f = std::make_shared<Forward>();
  f->upstream = upstream;
  f->method = request.method;
  f->target = request.target;
  f->headers = std::move(*headers);
  f->body = request.body;
  f->streaming = info.verb == "watch" || info.Flag("follow");  // logs -f lasts as long as the client wants
  f->upgrade = kubeapi::IsUpgrade(request.headers);
  f->on_failure = [](const std::string& why) {
    return Status(503, "ServiceUnavailable", "error trying to reach the upstream API server: " + why);
  };
  HttpResponse r;
  r.forward = std::move(f);
  return r;
}

}  // namespace

KubeApi::KubeApi(Authenticator* auth, std::string objects_dir, std::shared_ptr<const Upstream> upstream)
    : auth_(auth), objects_dir_(std::move(objects_dir)), upstream_(std::move(upstream)) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  objects_ = {uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()),
              std::make_shared<const kubeapi::Objects>()};
  Refresh();
}

KubeApi::VersionedObjects KubeApi::CurrentObjects() {
  std::lock_guard<std::mutex> l(objects_mu_);
  return objects_;
}

void KubeApi::Refresh() {
  if (objects_dir_.empty()) return;
  std::string stamp = FileStamp(objects_dir_);
  {
    std::lock_guard<std::mutex> l(objects_mu_);
    if (stamp == objects_stamp_) return;
  }
  // Loaded outside the lock: requests go on with the previous objects meanwhile. A folder that
  // fails to load is tried again when it changes again.
  auto loaded = kubeapi::Objects::Load(objects_dir_);
  std::lock_guard<std::mutex> l(objects_mu_);
  objects_stamp_ = stamp;
  if (!loaded) return;
  history_.push_back(objects_);
  if (history_.size() > 16) history_.pop_front();
  objects_ = {objects_.version + 1, std::make_shared<const kubeapi::Objects>(std::move(*loaded))};
}

std::optional<KubeApi::VersionedObjects> KubeApi::ObjectsAt(uint64_t version) {
  std::lock_guard<std::mutex> l(objects_mu_);
  if (version == objects_.version) return objects_;
  for (const auto& h : history_) {
    if (h.version == version) return h;
  }
  return std::nullopt;
}

namespace {

// A step of the pipeline gives a value, or the answer that ends the request.
template <typename T>
using Step = std::expected<T, HttpResponse>;

// 1. Authentication: the same verifier and mapping as /authenticate.
Step<Caller> Authenticate(Authenticator& auth, const HttpRequest& request, const state::Snapshot& snap) {
  const std::string* header = request.Header("Authorization");
  if (!header || !header->starts_with("Bearer ")) return std::unexpected(Status(401, "Unauthorized", "Unauthorized"));
  auto id = auth.Verify(std::string_view(*header).substr(7), Clock::now());
  if (!id && id.error().code == ErrorCode::kThrottled) return std::unexpected(TooManyRequests());
  if (!id) return std::unexpected(Status(401, "Unauthorized", "Unauthorized"));
  auto mapped = auth.MapWith(snap, *id);
  if (!mapped && mapped.error().code == ErrorCode::kThrottled) return std::unexpected(TooManyRequests());
  if (!mapped) return std::unexpected(Status(401, "Unauthorized", "Unauthorized"));
  bool scrubbed = snap.scrubbed_accounts.contains(id->account_id);
  Caller caller{{mapped->username, authz::WithImpliedGroups(mapped->username, mapped->groups)},
                KubernetesUid(*id, mapped->username, scrubbed),
                {},
                snap.PoliciesFor(*mapped)};
  if (!scrubbed) {
    caller.extra = {{"accessKeyId", {id->access_key_id}}, {"arn", {id->arn}},       {"canonicalArn", {id->canonical_arn}},
                    {"principalId", {id->user_id}},       {"sessionName", {id->session_name}}};
  }
  return caller;
}

// 2. Impersonation, checked for the caller (its policies included, unless `policies_apply` is
// false); the new identity has none.
Step<Caller> Impersonate(const HttpRequest& request, const rbac::Authorizer& rbac, Caller caller, bool policies_apply) {
  authz::ImpersonationRequest as;
  for (const auto& [k, v] : request.headers) {
    if (EqualsIgnoreCase(k, "Impersonate-User")) as.user = v;
    else if (EqualsIgnoreCase(k, "Impersonate-Group")) as.groups.push_back(v);
    else if (EqualsIgnoreCase(k, "Impersonate-Uid")) as.uid = v;
    else if (ToLower(k).starts_with("impersonate-extra-")) as.extra[ToLower(k.substr(18))].push_back(v);
  }
  if (as.user.empty() && as.groups.empty() && as.uid.empty() && as.extra.empty()) return caller;
  auto who = authz::Impersonate(rbac, caller.user, policies_apply ? caller.policies : nullptr, as);
  if (!who) {
    return std::unexpected(who.error().code == ErrorCode::kInvalidArgument ? Status(400, "BadRequest", who.error().message)
                                                                            : Status(403, "Forbidden", who.error().message));
  }
  return Caller{who->user, who->uid, who->extra, nullptr};
}

// 3. Authorization of the request as the API server derives it: the 403 that ends it, if any.
std::optional<HttpResponse> Authorize(const rbac::Authorizer& rbac, const kubeapi::RequestInfo& info, const Caller& caller) {
  rbac::Attributes a = info.Attributes();
  a.user = caller.user;
  authz::Decision d = authz::Authorize(rbac, a, caller.policies);
  // As the API server does for WebSocket streams: exec, attach and portforward over GET also
  // need create.
  if (d.allowed && a.verb == "get" && a.resource == "pods" &&
      (a.subresource == "exec" || a.subresource == "attach" || a.subresource == "portforward")) {
    a.verb = "create";
    d = authz::Authorize(rbac, a, caller.policies);
  }
  if (d.allowed) return std::nullopt;
  json::object details;
  if (!a.name.empty()) details["name"] = a.name;
  if (a.resource_request) {
    details["group"] = a.api_group;
    details["kind"] = a.resource;
  }
  return Status(403, "Forbidden", authz::ForbiddenMessage(a), std::move(details));
}

bool IsReview(const kubeapi::RequestInfo& info) {
  return info.verb == "create" && (info.api_group == "authentication.k8s.io" || info.api_group == "authorization.k8s.io") &&
         info.resource.ends_with("reviews");
}

// A review's body as JSON: reviews come as JSON or, from kubectl, in the API server's protobuf
// encoding.
Step<std::string> ReviewBody(const HttpRequest& request) {
  std::string type = ToLower(request.Header("Content-Type") ? *request.Header("Content-Type") : "");
  if (type.starts_with("application/vnd.kubernetes.protobuf")) {
    auto converted = kubeapi::ReviewJsonFromProtobuf(request.body);
    if (!converted) return std::unexpected(Status(400, "BadRequest", converted.error().message));
    return std::move(*converted);
  }
  if (!type.empty() && !type.starts_with("application/json")) {
    return std::unexpected(Status(415, "UnsupportedMediaType",
                                  "the body of the request was in an unknown format - accepted media types include: "
                                  "application/json, application/vnd.kubernetes.protobuf"));
  }
  return request.body;
}

// Health and discovery documents.
HttpResponse NonResource(const HttpRequest& request, const kubeapi::RequestInfo& info) {
  if (info.path == "/healthz" || info.path == "/livez" || info.path == "/readyz") return {200, "text/plain", "ok", {}};
  bool root = info.path == "/api" || info.path == "/api/" || info.path == "/apis" || info.path == "/apis/";
  if (root && WantsAggregatedDiscovery(request.Header("Accept"))) {
    return {200, kAggregatedDiscoveryType, json::serialize(AggregatedDiscovery(info.path == "/api" || info.path == "/api/")), {}};
  }
  const std::string* host = request.Header("Host");
  json::value doc = Discovery(info, host ? *host : "");
  if (doc.is_null()) return Status(404, "NotFound", "the server could not find the requested resource");
  return JsonResponse(200, doc);
}

Step<json::object> ParseBody(const std::string& text) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec || !v.is_object()) return std::unexpected(Status(400, "BadRequest", "the request body is not a JSON object"));
  return std::move(v.as_object());
}

HttpResponse Created(json::object review, json::object status) {
  review["status"] = std::move(status);
  if (!review.contains("metadata")) review["metadata"] = json::object{{"creationTimestamp", nullptr}};
  return JsonResponse(201, review);
}

// What a review is answered from: the request, its JSON body, the caller, one snapshot.
struct ReviewContext {
  const kubeapi::RequestInfo& info;
  const std::string& body;
  const Caller& caller;
  const state::Snapshot& snap;
  const rbac::Authorizer& rbac;
  Authenticator& auth;
};

HttpResponse SelfSubjectReview(const ReviewContext& c) {
  if (!Trim(c.body).empty()) {
    auto doc = ParseBody(c.body);
    if (!doc) return doc.error();
    if (auto ok = kubeapi::CheckReviewKind(*doc, {c.info.api_group, c.info.api_version, "SelfSubjectReview"}); !ok) {
      return Status(400, "BadRequest", ok.error().message);
    }
  }
  json::object extra;
  for (const auto& [k, v] : c.caller.extra) extra[k] = Strings(v);
  json::object user{{"username", c.caller.user.name}, {"groups", Strings(c.caller.user.groups)}};
  if (!c.caller.uid.empty()) user["uid"] = c.caller.uid;
  if (!extra.empty()) user["extra"] = std::move(extra);
  return Created(json::object{{"kind", "SelfSubjectReview"}, {"apiVersion", "authentication.k8s.io/" + c.info.api_version}},
                 json::object{{"userInfo", std::move(user)}});
}

HttpResponse TokenReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  auto token = kubeapi::TokenReviewToken(*doc, {c.info.api_group, c.info.api_version, "TokenReview"});
  if (!token) return Status(400, "BadRequest", token.error().message);
  auto who = c.auth.Verify(*token, Clock::now());
  auto user = who ? c.auth.MapWith(c.snap, *who) : Result<identity::UserInfo>(std::unexpected(who.error()));
  std::string answer = user ? AcceptedReview("authentication.k8s.io/v1", *who, *user, c.snap.scrubbed_accounts)
                            : DeniedReview("authentication.k8s.io/v1", user.error().message);
  return {201, "application/json", answer, {}};
}

// SelfSubjectAccessReview, SubjectAccessReview and LocalSubjectAccessReview.
HttpResponse AccessReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  const std::string& resource = c.info.resource;
  bool self = resource == "selfsubjectaccessreviews";
  kubeapi::ReviewType type{c.info.api_group, c.info.api_version,
                           self ? "SelfSubjectAccessReview"
                                : resource == "subjectaccessreviews" ? "SubjectAccessReview" : "LocalSubjectAccessReview"};
  if (auto ok = kubeapi::CheckReviewKind(*doc, type); !ok) return Status(400, "BadRequest", ok.error().message);
  if (auto ok = self ? kubeapi::CheckSelfReviewSpec(*doc, type) : kubeiam::Status(); !ok) {
    return Status(400, "BadRequest", ok.error().message);
  }
  json::object probe = *doc;  // what is checked; the answer echoes the request as sent
  if (self && probe.contains("spec") && probe.at("spec").is_object()) {
    probe.at("spec").as_object()["user"] = c.caller.user.name;  // the caller asks about itself
  }
  probe["apiVersion"] = "authorization.k8s.io/v1";
  probe["kind"] = "SubjectAccessReview";
  auto review = ParseSubjectAccessReview(json::serialize(probe));
  if (!review) return Status(400, "BadRequest", review.error().message);
  rbac::Attributes asked = review->attributes;
  const std::vector<eks::AssociatedPolicy>* policies = nullptr;
  if (self) {
    asked.user = c.caller.user;
    policies = c.caller.policies;
  } else {
    auto grant = c.auth.EntryPolicies(c.snap, *review);
    policies = grant ? grant->policies : nullptr;
  }
  if (resource == "localsubjectaccessreviews") {
    if (asked.namespace_.empty()) asked.namespace_ = c.info.namespace_;
    if (asked.namespace_ != c.info.namespace_ || !asked.resource_request) {
      return Status(400, "BadRequest", "spec.resourceAttributes.namespace must match the namespace of the request");
    }
  }
  authz::Decision answer = authz::Authorize(c.rbac, asked, policies);
  json::object status{{"allowed", answer.allowed}};
  // As the API server: a denial carries a reason only when an authorizer gave one.
  if (answer.allowed || answer.reason.starts_with("RBAC:")) status["reason"] = answer.reason;
  return Created(std::move(*doc), std::move(status));
}

HttpResponse RulesReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  if (auto ok = kubeapi::CheckReviewKind(*doc, {c.info.api_group, c.info.api_version, "SelfSubjectRulesReview"}); !ok) {
    return Status(400, "BadRequest", ok.error().message);
  }
  std::string ns;
  if (const json::value* spec = doc->if_contains("spec"); spec && spec->is_object()) {
    if (const json::value* n = spec->as_object().if_contains("namespace"); n && n->is_string()) ns = std::string(n->as_string());
  }
  if (ns.empty()) return Status(400, "BadRequest", "no namespace on request");
  auto rules = c.rbac.RulesFor(c.caller.user, ns);
  json::array resource_rules, non_resource_rules;
  for (const auto& r : rules.rules) (r.non_resource_urls.empty() ? resource_rules : non_resource_rules).push_back(Rule(r));
  // As on EKS: the access-policy webhook cannot list rules, so the answer may be incomplete.
  bool incomplete = eks::UsesAccessEntries(c.snap.authentication_mode);
  json::object status{{"resourceRules", std::move(resource_rules)},
                      {"nonResourceRules", std::move(non_resource_rules)},
                      {"incomplete", incomplete}};
  std::string errors;
  for (const auto& e : rules.errors) errors += (errors.empty() ? "" : "; ") + e;
  if (incomplete) errors += std::string(errors.empty() ? "" : "; ") + "webhook authorizer does not support user rule resolution";
  if (!errors.empty()) status["evaluationError"] = errors;
  return Created(std::move(*doc), std::move(status));
}

// The reviews are answered here: they are about kubeiam's decisions.
std::optional<HttpResponse> AnswerReview(const ReviewContext& c) {
  const std::string& group = c.info.api_group;
  const std::string& resource = c.info.resource;
  if (c.info.verb != "create") return std::nullopt;
  if (group == "authentication.k8s.io" && resource == "selfsubjectreviews") return SelfSubjectReview(c);
  if (group == "authentication.k8s.io" && resource == "tokenreviews") return TokenReview(c);
  if (group == "authorization.k8s.io" && (resource == "selfsubjectaccessreviews" || resource == "subjectaccessreviews" ||
                                          resource == "localsubjectaccessreviews")) {
    return AccessReview(c);
  }
  if (group == "authorization.k8s.io" && resource == "selfsubjectrulesreviews") return RulesReview(c);
  return std::nullopt;
}

bool ClusterScoped(const std::string& group, const std::string& resource) {
  for (const auto& r : rbac::StandardResources()) {
    if (r.group == group && r.resource == resource) return !r.namespaced;
  }
  return false;
}

// A watch of the objects folder, from a version it still knows (410 Expired otherwise).
HttpResponse WatchObjects(KubeApi& api, const HttpRequest& request, const kubeapi::RequestInfo& info,
                          ObjectWatch::View view) {
  if (const std::string* initial = info.First("sendInitialEvents"); initial && ToLower(*initial) == "true") {
    // As an API server without the WatchList feature: clients fall back to list, then watch.
    return Status(422, "Invalid", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                                  "WatchList feature gate is enabled");
  }
  if (request.method == "HEAD") return {200, "application/json", "", {}};
  std::optional<KubeApi::VersionedObjects> from;
  const std::string* rv = info.First("resourceVersion");
  if (rv && !rv->empty() && *rv != "0") {
    uint64_t version = 0;
    auto [end, ec] = std::from_chars(rv->data(), rv->data() + rv->size(), version);
    from = ec == std::errc() && end == rv->data() + rv->size() ? api.ObjectsAt(version) : std::nullopt;
    if (!from) {
      // As the API server: a start it no longer knows is an ERROR event, and the client lists again.
      json::object gone{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                        {"message", "too old resource version: " + *rv + " (" + std::to_string(api.CurrentObjects().version) + ")"},
                        {"reason", "Expired"}, {"code", 410}};
      return {200, "application/json", json::serialize(json::object{{"type", "ERROR"}, {"object", gone}}) + "\n", {}};
    }
  }
  int seconds = 1800;
  if (const std::string* t = info.First("timeoutSeconds")) {
    int asked = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), asked);
    if (ec == std::errc() && end == t->data() + t->size() && asked > 0) seconds = std::min(asked, 3600);
  }
  HttpResponse r{200, "application/json", "", {}};
  r.stream = std::make_shared<ObjectWatch>(&api, std::move(view), from,
                                           std::chrono::steady_clock::now() + std::chrono::seconds(seconds));
  return r;
}

HttpResponse ListObjects(const KubeApi::VersionedObjects& objects, const kubeapi::RequestInfo& info, const std::string& ns,
                         const kubeapi::ObjectSelector& selector, bool table) {
  const std::string& group = info.api_group;
  const std::string& resource = info.resource;
  auto items = objects.objects->List(group, resource, ns);
  if (!info.name.empty()) {
    // fieldSelector=metadata.name=<x> was authorized for that name only: serve that name only.
    std::erase_if(items, [&](const json::object* o) { return o->at("metadata").at("name") != json::value(info.name); });
  }
  std::erase_if(items, [&](const json::object* o) { return !selector.Matches(*o); });
  if (table) return JsonResponse(200, Table(items, objects.version));
  std::string kind = resource;
  for (const auto& r : rbac::StandardResources()) {
    if (r.group == group && r.resource == resource) kind = r.kind;
  }
  json::array list;
  for (const auto* o : items) list.push_back(Versioned(*o, objects.version));
  std::string gv = group.empty() ? info.api_version : group + "/" + info.api_version;
  return JsonResponse(200, json::object{{"kind", kind + "List"},
                                        {"apiVersion", gv},
                                        {"metadata", json::object{{"resourceVersion", std::to_string(objects.version)}}},
                                        {"items", std::move(list)}});
}

// Everything else: the read-only objects (no subresources: they would be other objects).
HttpResponse ServeObjects(KubeApi& api, const HttpRequest& request, const kubeapi::RequestInfo& info) {
  const std::string& group = info.api_group;
  const std::string& resource = info.resource;
  if (!info.subresource.empty()) return Status(404, "NotFound", "the server could not find the requested resource");
  if (info.verb != "get" && info.verb != "list" && info.verb != "watch") {
    return Status(405, "MethodNotAllowed",
                  "kubeiam's API front serves objects read-only (" + info.verb + " " + resource + " is not supported)");
  }
  // Cluster-scoped objects are stored without a namespace (GET /api/v1/namespaces/x names one).
  bool cluster_scoped = ClusterScoped(group, resource);
  std::string ns = cluster_scoped ? "" : info.namespace_;
  const std::string* accept = request.Header("Accept");
  bool table = accept && accept->find("as=Table") != std::string::npos;
  auto selector = info.verb == "get" ? Result<kubeapi::ObjectSelector>()
                                     : kubeapi::ObjectSelector::Parse(Or(info.First("labelSelector")),
                                                                      Or(info.First("fieldSelector")), resource, !cluster_scoped);
  if (!selector) return Status(400, "BadRequest", selector.error().message);
  if (info.verb == "watch") return WatchObjects(api, request, info, {group, resource, ns, info.name, table, *selector});
  auto objects = api.CurrentObjects();
  if (info.verb == "list") return ListObjects(objects, info, ns, *selector, table);
  const json::object* o = objects.objects->Get(group, resource, ns, info.name);
  if (!o) {
    std::string kind_name = group.empty() ? resource : resource + "." + group;
    return Status(404, "NotFound", kind_name + " \"" + info.name + "\" not found",
                  json::object{{"name", info.name}, {"group", group}, {"kind", resource}});
  }
  return JsonResponse(200, Versioned(*o, objects.version));
}

}  // namespace

// authenticate -> impersonate -> authorize -> dispatch (reviews, discovery, objects, proxy), all
// against one snapshot.
HttpResponse KubeApi::Handle(const HttpRequest& request) {
  auto snap = auth_->snapshot();
  const rbac::Authorizer& rbac = snap->rbac ? *snap->rbac : DefaultPolicy();
  auto caller = Authenticate(*auth_, request, *snap);
  if (!caller) return caller.error();
  // An upstream that decides has no access policies: they do not grant impersonation either.
  bool upstream_decides = upstream_ && upstream_->decides();
  caller = Impersonate(request, rbac, std::move(*caller), !upstream_decides);
  if (!caller) return caller.error();
  // Origin-form targets only: what is authorized is the path the upstream will route.
  if (!request.target.starts_with("/")) return Status(400, "BadRequest", "the request target must be a path");
  auto info = kubeapi::ParseRequestInfo(request.method, request.target);
  if (!info) return Status(400, "BadRequest", info.error().message);
  // An upstream that decides for itself gets every authenticated request, as the caller.
  if (upstream_decides) return Forwarded(upstream_, request, *info, *caller);
  if (auto denied = Authorize(rbac, *info, *caller)) return *denied;
  bool review = IsReview(*info);
  if (upstream_ && !review) return Forwarded(upstream_, request, *info, *caller);
  if (!info->resource_request) return NonResource(request, *info);
  if (review) {
    auto body = ReviewBody(request);
    if (!body) return body.error();
    if (auto answer = AnswerReview({*info, *body, *caller, *snap, rbac, *auth_})) return *answer;
  }
  return ServeObjects(*this, request, *info);
}

}  // namespace kubeiam::server
