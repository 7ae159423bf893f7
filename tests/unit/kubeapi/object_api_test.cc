// The stored kinds through the object API, on the embedded store: the conformance cases of
// spec/kube-api.md §10 that need no authorization (K01–K35), with the API server's codes,
// messages and details, plus the defaults a fresh API server shows.
#include "kubeapi/object_api.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <thread>

#include "kubeapi/default_objects.h"
#include "rbac/bootstrap.h"
#include "state/stored_objects.h"
#include "store/sqlite_kv.h"
#include "support/temp_dir.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr char kCM[] = "/api/v1/namespaces/dev/configmaps";
constexpr char kRB[] = "/apis/rbac.authorization.k8s.io/v1";

class ObjectApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kv = store::SqliteKv::Open(dir_.path() + "/store.db");
    ASSERT_TRUE(kv) << kv.error().message;
    kv_ = *kv;
    registry_ = std::make_shared<ObjectRegistry>(kv_, "demo");
    ASSERT_TRUE(EnsureDefaultObjects(*registry_, {}, Clock::now()));
    api_ = std::make_unique<ObjectApi>(registry_);
    ASSERT_EQ(Call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"dev"}})").status, 201);
    auto app = Call("POST", kCM, R"({"metadata":{"name":"app"},"data":{"a":"1"}})");
    ASSERT_EQ(app.status, 201) << app.body;
    rv_ = Body(app).at("metadata").at("resourceVersion").as_string().c_str();
  }

  http::HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                          http::Headers headers = {}, const Caller* caller = nullptr) {
    auto info = ParseRequestInfo(method, target);
    EXPECT_TRUE(info) << target;
    std::shared_ptr<const rbac::Authorizer> policy;
    if (caller) {
      auto stored = state::LoadStoredRbac({kv_, "demo"});
      EXPECT_TRUE(stored);
      auto all = rbac::WithBootstrap(std::move(stored->objects), false);
      policy = std::make_shared<const rbac::Authorizer>(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
    }
    auto r = api_->Serve({method, target, std::move(headers), body, "127.0.0.1:1"}, *info, caller, policy.get());
    EXPECT_TRUE(r.has_value()) << target;
    return r ? *r : http::HttpResponse{};
  }
  static json::object Body(const http::HttpResponse& r) { return json::parse(r.body).as_object(); }
  static std::string Message(const http::HttpResponse& r) { return std::string(Body(r).at("message").as_string()); }
  static json::value Cause(const http::HttpResponse& r, size_t i = 0) { return Body(r).at("details").at("causes").at(i); }

  testing::TempDir dir_;
  std::shared_ptr<store::KvStore> kv_;
  std::shared_ptr<ObjectRegistry> registry_;
  std::unique_ptr<ObjectApi> api_;
  std::string rv_;
};

TEST_F(ObjectApiTest, AFreshClusterShowsItsDefaults) {
  auto ns = Body(Call("GET", "/api/v1/namespaces"));
  std::vector<std::string> names;
  for (const auto& i : ns.at("items").as_array()) names.emplace_back(i.at("metadata").at("name").as_string());
  EXPECT_EQ(names, (std::vector<std::string>{"default", "dev", "kube-node-lease", "kube-public", "kube-system"}));
  EXPECT_EQ(ns.at("items").at(0u).at("status").at("phase"), "Active");
  auto admin = Call("GET", std::string(kRB) + "/clusterroles/admin");
  ASSERT_EQ(admin.status, 200);
  // Aggregated from the roles labelled aggregate-to-admin, edit and view.
  EXPECT_GT(Body(admin).at("rules").as_array().size(), 10u);
  auto binding = Body(Call("GET", std::string(kRB) + "/clusterrolebindings/cluster-admin"));
  EXPECT_EQ(binding.at("metadata").at("labels").at("kubernetes.io/bootstrapping"), "rbac-defaults");
  // Seeding again creates nothing and changes nothing.
  auto before = Body(Call("GET", std::string(kRB) + "/clusterroles/admin")).at("metadata").at("resourceVersion");
  ASSERT_TRUE(EnsureDefaultObjects(*registry_, {}, Clock::now()));
  EXPECT_EQ(Body(Call("GET", std::string(kRB) + "/clusterroles/admin")).at("metadata").at("resourceVersion"), before);
}

TEST_F(ObjectApiTest, GetAndNotFound) {  // K01, K02, E2
  auto app = Call("GET", std::string(kCM) + "/app");
  ASSERT_EQ(app.status, 200);
  EXPECT_EQ(Body(app).at("kind"), "ConfigMap");
  EXPECT_EQ(Body(app).at("metadata").at("resourceVersion"), json::value(rv_));
  EXPECT_EQ(Body(app).at("data").at("a"), "1");
  auto nope = Call("GET", std::string(kCM) + "/nope");
  EXPECT_EQ(nope.status, 404);
  EXPECT_EQ(Message(nope), "configmaps \"nope\" not found");
  EXPECT_EQ(Body(nope).at("details"), json::parse(R"({"name":"nope","kind":"configmaps"})"));
  auto role = Call("GET", std::string(kRB) + "/clusterroles/x");
  EXPECT_EQ(Message(role), "clusterroles.rbac.authorization.k8s.io \"x\" not found");
  EXPECT_EQ(Body(role).at("details").at("group"), "rbac.authorization.k8s.io");
}

TEST_F(ObjectApiTest, CreateRefusals) {  // K03, K04, K09, K10, K11, K12, E14
  auto ghost = Call("POST", "/api/v1/namespaces/ghost/configmaps", R"({"metadata":{"name":"x"}})");
  EXPECT_EQ(ghost.status, 404);
  EXPECT_EQ(Message(ghost), "namespaces \"ghost\" not found");
  auto exists = Call("POST", kCM, R"({"metadata":{"name":"app"}})");
  EXPECT_EQ(exists.status, 409);
  EXPECT_EQ(Body(exists).at("reason"), "AlreadyExists");
  EXPECT_EQ(Message(exists), "configmaps \"app\" already exists");
  auto bad = Call("POST", kCM, R"({"metadata":{"name":"Bad_Name"}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Message(bad).starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain")) << Message(bad);
  EXPECT_EQ(Body(bad).at("details").at("kind"), "ConfigMap");
  EXPECT_EQ(Cause(bad).at("reason"), "FieldValueInvalid");
  EXPECT_EQ(Cause(bad).at("field"), "metadata.name");
  auto dotted = Call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"dev.team"}})");
  EXPECT_TRUE(Message(dotted).starts_with("Namespace \"dev.team\" is invalid: metadata.name: Invalid value: \"dev.team\": a lowercase RFC 1123 label must consist of")) << Message(dotted);
  auto key = Call("POST", kCM, R"({"metadata":{"name":"k"},"data":{"a/b":"x"}})");
  EXPECT_EQ(Cause(key).at("field"), "data[a/b]");
  EXPECT_NE(std::string(Cause(key).at("message").as_string()).find("a valid config key must consist of alphanumeric characters, '-', '_' or '.'"), std::string::npos);
  std::string big = R"({"metadata":{"name":"big"},"data":{"a":")" + std::string(1048577, 'x') + "\"}}";
  auto too_big = Call("POST", kCM, big);
  EXPECT_EQ(Message(too_big), "ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes");
  EXPECT_EQ(Cause(too_big).at("reason"), "FieldValueTooLong");
  auto elsewhere = Call("POST", kCM, R"({"metadata":{"name":"x","namespace":"other"}})");
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_EQ(Message(elsewhere), "the namespace of the provided object does not match the namespace sent on the request");
}

TEST_F(ObjectApiTest, UpdateWithPreconditions) {  // K05, K06, K07, K08
  int64_t rv = std::stoll(rv_);
  auto stale = Call("PUT", std::string(kCM) + "/app",
                    R"({"metadata":{"name":"app","resourceVersion":")" + std::to_string(rv - 1) + R"("},"data":{"a":"2"}})");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(Body(stale).at("reason"), "Conflict");
  EXPECT_EQ(Message(stale), "Operation cannot be fulfilled on configmaps \"app\": the object has been modified; please apply "
                            "your changes to the latest version and try again");
  auto put = Call("PUT", std::string(kCM) + "/app", R"({"metadata":{"name":"app"},"data":{"a":"2"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_NE(Body(put).at("metadata").at("resourceVersion"), json::value(rv_));
  EXPECT_EQ(Body(put).at("data").at("a"), "2");
  EXPECT_EQ(Call("PUT", std::string(kCM) + "/missing", R"({"metadata":{"name":"missing"}})").status, 404);
  auto fresh = Call("PUT", std::string(kRB) + "/namespaces/dev/roles/fresh",
                    R"({"metadata":{"name":"fresh"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]})");
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  // A write that changes nothing keeps the resourceVersion.
  auto again = Call("PUT", std::string(kCM) + "/app", R"({"metadata":{"name":"app"},"data":{"a":"2"}})");
  EXPECT_EQ(Body(again).at("metadata").at("resourceVersion"), Body(put).at("metadata").at("resourceVersion"));
}

TEST_F(ObjectApiTest, RbacValidation) {  // K13, K14, K15, K16, K17, K18
  auto no_verbs = Call("POST", std::string(kRB) + "/namespaces/dev/roles", R"({"metadata":{"name":"r1"},"rules":[{"apiGroups":[""],"resources":["pods"]}]})");
  EXPECT_EQ(Message(no_verbs), "Role.rbac.authorization.k8s.io \"r1\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value");
  EXPECT_EQ(Body(no_verbs).at("details").at("group"), "rbac.authorization.k8s.io");
  EXPECT_EQ(Cause(no_verbs).at("reason"), "FieldValueRequired");
  auto urls = Call("POST", std::string(kRB) + "/namespaces/dev/roles", R"({"metadata":{"name":"r2"},"rules":[{"verbs":["get"],"nonResourceURLs":["/healthz"]}]})");
  EXPECT_EQ(Cause(urls).at("field"), "rules[0].nonResourceURLs");
  EXPECT_EQ(Cause(urls).at("message"), "Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs");
  ASSERT_EQ(Call("POST", std::string(kRB) + "/clusterroles", R"({"metadata":{"name":"reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]})").status, 201);
  auto rb = Call("POST", std::string(kRB) + "/namespaces/dev/rolebindings",
                 R"({"metadata":{"name":"alice-cm"},"subjects":[{"kind":"User","name":"bob"}],"roleRef":{"kind":"ClusterRole","name":"edit"}})");
  ASSERT_EQ(rb.status, 201) << rb.body;
  EXPECT_EQ(Body(rb).at("subjects").at(0u).at("apiGroup"), "rbac.authorization.k8s.io");
  EXPECT_EQ(Body(rb).at("roleRef").at("apiGroup"), "rbac.authorization.k8s.io");
  auto changed = Call("PUT", std::string(kRB) + "/namespaces/dev/rolebindings/alice-cm",
                      R"({"metadata":{"name":"alice-cm"},"subjects":[{"kind":"User","name":"bob"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"reader"}})");
  EXPECT_EQ(Message(changed), "RoleBinding.rbac.authorization.k8s.io \"alice-cm\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"reader\"}: cannot change roleRef");
  auto sa = Call("POST", std::string(kRB) + "/clusterrolebindings", R"({"metadata":{"name":"b"},"subjects":[{"kind":"ServiceAccount","name":"build"}],"roleRef":{"kind":"ClusterRole","name":"reader"}})");
  bool namespace_required = false;
  json::object refused = Body(sa);
  for (const auto& c : refused.at("details").at("causes").as_array()) {
    namespace_required |= c.at("field") == "subjects[0].namespace" && c.at("message") == "Required value";
  }
  EXPECT_TRUE(namespace_required) << sa.body;
  auto role_kind = Call("POST", std::string(kRB) + "/clusterrolebindings", R"({"metadata":{"name":"c"},"roleRef":{"kind":"Role","name":"x"}})");
  EXPECT_NE(Message(role_kind).find("roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""), std::string::npos);
}

TEST_F(ObjectApiTest, ListOptionsAndSelectors) {  // K19, K20, K21, K34
  EXPECT_EQ(Call("GET", std::string(kCM) + "?labelSelector=a%20in%20(b").status, 400);
  auto field = Call("GET", std::string(kCM) + "?fieldSelector=spec.x%3Dy");
  EXPECT_EQ(Message(field), "\"spec.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  auto match = Call("GET", std::string(kCM) + "?resourceVersionMatch=Exact");
  EXPECT_EQ(match.status, 422);
  EXPECT_EQ(Body(match).at("details").at("kind"), "ListOptions");
  EXPECT_EQ(Cause(match).at("message"), "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
  ASSERT_EQ(Call("POST", kCM, R"({"metadata":{"name":"two"}})").status, 201);
  auto first = Body(Call("GET", std::string(kCM) + "?limit=1"));
  ASSERT_EQ(first.at("items").as_array().size(), 1u);
  ASSERT_TRUE(first.at("metadata").as_object().contains("continue"));
  std::string token(first.at("metadata").at("continue").as_string());
  auto second = Body(Call("GET", std::string(kCM) + "?limit=1&continue=" + token));
  ASSERT_EQ(second.at("items").as_array().size(), 1u);
  EXPECT_EQ(second.at("items").at(0u).at("metadata").at("name"), "two");
  EXPECT_FALSE(second.at("metadata").as_object().contains("continue"));
  EXPECT_EQ(second.at("metadata").at("resourceVersion"), first.at("metadata").at("resourceVersion"));
  // A page whose range changed since the first: 410, and the client lists again.
  ASSERT_EQ(Call("POST", kCM, R"({"metadata":{"name":"three"}})").status, 201);
  auto gone = Call("GET", std::string(kCM) + "?limit=1&continue=" + token);
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(Body(gone).at("reason"), "Expired");
  // Items of a list carry no kind; labels select.
  auto list = Body(Call("GET", std::string(kCM)));
  EXPECT_FALSE(list.at("items").at(0u).as_object().contains("kind"));
  EXPECT_EQ(list.at("kind"), "ConfigMapList");
}

TEST_F(ObjectApiTest, PatchTypes) {  // K22, K23, K24, P7
  EXPECT_EQ(Body(Call("PATCH", std::string(kCM) + "/app", "{}", {{"Content-Type", "text/plain"}})).at("reason"), "UnsupportedMediaType");
  auto smp = Call("PATCH", std::string(kCM) + "/app", R"({"data":{"a":null,"b":"2"}})",
                  {{"Content-Type", "application/strategic-merge-patch+json"}});
  ASSERT_EQ(smp.status, 200) << smp.body;
  EXPECT_EQ(Body(smp).at("data"), json::parse(R"({"b":"2"})"));
  auto test = Call("PATCH", std::string(kCM) + "/app", R"([{"op":"test","path":"/data/b","value":"zzz"}])",
                   {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(test.status, 422);
  EXPECT_EQ(Message(test), "the server rejected our request due to an error in our request");
  auto label = Call("PATCH", std::string(kCM) + "/app", R"({"metadata":{"labels":{"app":"web"}}})",
                    {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(label.status, 200);
  auto relabel = Call("PATCH", std::string(kCM) + "/app", R"({"metadata":{"labels":{"app":null,"env":"prod"}}})",
                      {{"Content-Type", "application/merge-patch+json"}});
  EXPECT_EQ(Body(relabel).at("metadata").at("labels"), json::parse(R"({"env":"prod"})"));
  auto ssa = Call("PATCH", std::string(kCM) + "/app", "{}", {{"Content-Type", "application/apply-patch+yaml"}});
  EXPECT_EQ(ssa.status, 415);
  EXPECT_NE(Message(ssa).find("kubectl apply without --server-side"), std::string::npos);
  // A patch that sets a stale resourceVersion is a precondition.
  auto stale = Call("PATCH", std::string(kCM) + "/app", R"({"metadata":{"resourceVersion":"1"}})",
                    {{"Content-Type", "application/merge-patch+json"}});
  EXPECT_EQ(stale.status, 409);
}

TEST_F(ObjectApiTest, FieldValidation) {  // K25, K26
  auto strict = Call("POST", std::string(kCM) + "?fieldValidation=Strict", R"({"metadata":{"name":"s"},"spec":{}})");
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(Message(strict), "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\"");
  auto warn = Call("POST", std::string(kCM) + "?fieldValidation=Warn", R"({"metadata":{"name":"s"},"spec":{}})");
  ASSERT_EQ(warn.status, 201);
  ASSERT_EQ(warn.headers.size(), 1u);
  EXPECT_EQ(warn.headers[0], (std::pair<std::string, std::string>{"Warning", "299 - \"unknown field \\\"spec\\\"\""}));
  EXPECT_FALSE(Body(Call("GET", std::string(kCM) + "/s")).contains("spec"));
  auto type = Call("POST", kCM, R"({"metadata":{"name":"t"},"data":{"a":1}})");
  EXPECT_EQ(type.status, 400);
  EXPECT_NE(Message(type).find("cannot unmarshal number into Go struct field ConfigMap.data of type string"), std::string::npos) << Message(type);
  // A body that does not parse says where: the line and column for JSON, the line for YAML (as
  // go-yaml says it).
  auto json = Call("POST", kCM, "{\"metadata\": {\"name\": \"u\"},\n \"data\": {\"a\": x}}");
  EXPECT_EQ(json.status, 400);
  EXPECT_TRUE(Message(json).ends_with(" at line 2, column 16")) << Message(json);
  auto yaml = Call("POST", kCM, "metadata:\n  name: u\ndata: [a\n", {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(yaml.status, 400);
  EXPECT_NE(Message(yaml).find(": yaml: line 4: "), std::string::npos) << Message(yaml);
}

TEST_F(ObjectApiTest, DeleteAndNamespaces) {  // K27, K28, K29, K30, K31
  std::string uid(Body(Call("GET", std::string(kCM) + "/app")).at("metadata").at("uid").as_string());
  auto wrong_uid = Call("DELETE", std::string(kCM) + "/app", R"({"preconditions":{"uid":"x"}})");
  EXPECT_EQ(Message(wrong_uid), "Operation cannot be fulfilled on configmaps \"app\": Precondition failed: UID in precondition: x, UID in object meta: " + uid);
  auto deleted = Call("DELETE", std::string(kCM) + "/app", R"({"propagationPolicy":"Background"})");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(Body(deleted).at("status"), "Success");
  EXPECT_EQ(Body(deleted).at("details"), json::parse(R"({"name":"app","kind":"configmaps","uid":")" + uid + "\"}"));
  EXPECT_EQ(Call("GET", std::string(kCM) + "/app").status, 404);
  auto protected_ns = Call("DELETE", "/api/v1/namespaces/default");
  EXPECT_EQ(protected_ns.status, 403);
  EXPECT_EQ(Message(protected_ns), "namespaces \"default\" is forbidden: this namespace may not be deleted");
  // A namespace held Terminating by an object's finalizer refuses new content.
  ASSERT_EQ(Call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"old"}})").status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/namespaces/old/configmaps", R"({"metadata":{"name":"keep","finalizers":["example.com/hold"]}})").status, 201);
  auto terminating = Call("DELETE", "/api/v1/namespaces/old");
  EXPECT_EQ(Body(terminating).at("status").at("phase"), "Terminating");
  auto refused = Call("POST", "/api/v1/namespaces/old/configmaps", R"({"metadata":{"name":"x"}})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Message(refused), "configmaps \"x\" is forbidden: unable to create new content in namespace old because it is being terminated");
  EXPECT_EQ(Cause(refused).at("reason"), "NamespaceTerminating");
  // Deleting a namespace deletes what it holds, then the namespace.
  ASSERT_EQ(Call("POST", kCM, R"({"metadata":{"name":"two"}})").status, 201);
  EXPECT_EQ(Call("DELETE", "/api/v1/namespaces/dev").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/dev").status, 404);
  EXPECT_EQ(Call("GET", std::string(kCM) + "/two").status, 404);
  auto dev2 = Body(Call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"dev2"}})"));
  EXPECT_EQ(dev2.at("metadata").at("labels").at("kubernetes.io/metadata.name"), "dev2");
  EXPECT_EQ(dev2.at("spec").at("finalizers"), json::parse(R"(["kubernetes"])"));
}

TEST_F(ObjectApiTest, TablesAndDryRun) {  // K35
  auto table = Call("GET", kCM, "", {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}});
  auto t = Body(table);
  EXPECT_EQ(t.at("kind"), "Table");
  EXPECT_EQ(t.at("columnDefinitions").at(1).at("name"), "Data");
  EXPECT_EQ(t.at("rows").at(0u).at("cells").at(1), 1);
  EXPECT_EQ(t.at("rows").at(0u).at("object").at("kind"), "PartialObjectMetadata");
  auto dry = Call("POST", std::string(kCM) + "?dryRun=All", R"({"metadata":{"name":"dry"}})");
  EXPECT_EQ(dry.status, 201);
  EXPECT_EQ(Call("GET", std::string(kCM) + "/dry").status, 404);
  auto generated = Body(Call("POST", kCM, R"({"metadata":{"generateName":"gen-"}})"));
  std::string name(generated.at("metadata").at("name").as_string());
  EXPECT_TRUE(name.starts_with("gen-") && name.size() == 9) << name;
}

TEST_F(ObjectApiTest, WatchFromAResourceVersion) {  // K32, K33
  auto watch = Call("GET", std::string(kCM) + "?watch=true&resourceVersion=" + rv_);
  ASSERT_TRUE(watch.stream);
  ASSERT_EQ(Call("PUT", std::string(kCM) + "/app", R"({"metadata":{"name":"app"},"data":{"a":"2"}})").status, 200);
  ASSERT_EQ(Call("DELETE", std::string(kCM) + "/app").status, 200);
  std::string out;
  for (int i = 0; i < 50 && std::count(out.begin(), out.end(), '\n') < 2; ++i) {
    watch.stream->Poll(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto lines = std::vector<std::string>();
  for (size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos; at = nl + 1) lines.push_back(out.substr(at, nl - at));
  ASSERT_EQ(lines.size(), 2u) << out;
  auto modified = json::parse(lines[0]).as_object();
  auto removed = json::parse(lines[1]).as_object();
  EXPECT_EQ(modified.at("type"), "MODIFIED");
  EXPECT_GT(std::stoll(std::string(modified.at("object").at("metadata").at("resourceVersion").as_string())), std::stoll(rv_));
  EXPECT_EQ(removed.at("type"), "DELETED");
  EXPECT_GT(removed.at("object").at("metadata").at("resourceVersion").as_string(), modified.at("object").at("metadata").at("resourceVersion").as_string());
  // Without a resourceVersion: every object as ADDED first.
  auto fresh = Call("GET", std::string(kRB) + "/namespaces/kube-system/roles?watch=1");
  std::string initial;
  fresh.stream->Poll(initial);
  EXPECT_NE(initial.find("\"type\":\"ADDED\""), std::string::npos) << initial;
}

TEST_F(ObjectApiTest, RbacWritesCannotEscalate) {  // K36, K37, K38
  ASSERT_EQ(Call("POST", std::string(kRB) + "/namespaces/dev/roles", R"({"metadata":{"name":"cm-editor"},"rules":[
      {"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch","create","update","patch","delete"]},
      {"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles","rolebindings"],"verbs":["create","get"]}]})").status, 201);
  ASSERT_EQ(Call("POST", std::string(kRB) + "/namespaces/dev/rolebindings", R"({"metadata":{"name":"alice-cm"},
      "subjects":[{"kind":"User","name":"alice"}],"roleRef":{"kind":"Role","name":"cm-editor"}})").status, 201);
  ASSERT_EQ(Call("POST", std::string(kRB) + "/clusterroles", R"({"metadata":{"name":"reader"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]})").status, 201);
  Caller alice{{"alice", {"system:authenticated"}}, "", {}, nullptr};
  auto grant = Call("POST", std::string(kRB) + "/namespaces/dev/roles", R"({"metadata":{"name":"r"},"rules":[
      {"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]},{"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}]})",
                    {}, &alice);
  EXPECT_EQ(grant.status, 403);
  EXPECT_EQ(Message(grant), "roles.rbac.authorization.k8s.io \"r\" is forbidden: user \"alice\" (groups=[\"system:authenticated\"]) is "
                            "attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}");
  auto held = Call("POST", std::string(kRB) + "/namespaces/dev/rolebindings", R"({"metadata":{"name":"rb2"},
      "subjects":[{"kind":"User","name":"bob"}],"roleRef":{"kind":"ClusterRole","name":"reader"}})", {}, &alice);
  EXPECT_EQ(held.status, 201) << held.body;
  auto admin = Call("POST", std::string(kRB) + "/namespaces/dev/rolebindings", R"({"metadata":{"name":"rb3"},
      "subjects":[{"kind":"User","name":"bob"}],"roleRef":{"kind":"ClusterRole","name":"admin"}})", {}, &alice);
  EXPECT_EQ(admin.status, 403);
  EXPECT_TRUE(Message(admin).starts_with("rolebindings.rbac.authorization.k8s.io \"rb3\" is forbidden: user \"alice\" "
                                         "(groups=[\"system:authenticated\"]) is attempting")) << Message(admin);
  auto missing = Call("POST", std::string(kRB) + "/namespaces/dev/rolebindings", R"({"metadata":{"name":"rb4"},
      "subjects":[{"kind":"User","name":"bob"}],"roleRef":{"kind":"ClusterRole","name":"nope"}})", {}, &alice);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Message(missing), "clusterroles.rbac.authorization.k8s.io \"nope\" not found");
  // system:masters holds everything.
  Caller root{{"admin", {"system:masters", "system:authenticated"}}, "", {}, nullptr};
  EXPECT_EQ(Call("POST", std::string(kRB) + "/namespaces/dev/roles", R"({"metadata":{"name":"any"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]})",
                 {}, &root).status, 201);
}

TEST_F(ObjectApiTest, AwsAuthWritesCannotLockEveryoneOut) {
  state::Snapshot nobody_else;  // no administrator outside aws-auth
  auto call = [&](const std::string& method, const std::string& target, const std::string& body) {
    auto info = ParseRequestInfo(method, target);
    return *api_->Serve({method, target, {}, body, ""}, *info, nullptr, nullptr, &nobody_else);
  };
  const std::string cms = "/api/v1/namespaces/kube-system/configmaps";
  auto broken = call("POST", cms, R"({"metadata":{"name":"aws-auth"},"data":{"mapRoles":"- rolearn: arn:aws:iam::111122223333:role/Admin\n  username: admin\n  groups:\n  - system:masters\n- rolearn: arn:aws:iam::111122223333:role/teams/Other\n  username: other\n"}})");
  ASSERT_EQ(broken.status, 422) << broken.body;
  auto cause = Cause(broken);
  EXPECT_EQ(cause.at("field"), "data.mapRoles");
  EXPECT_TRUE(std::string(cause.at("message").as_string()).starts_with("Invalid value: \"- rolearn: arn:aws:iam::111122223333:role/teams/Other\": line 5: rolearn "))
      << cause;
  EXPECT_TRUE(Message(broken).starts_with("ConfigMap \"aws-auth\" is invalid: data.mapRoles: Invalid value:")) << Message(broken);
  auto no_admin = call("POST", cms, R"({"metadata":{"name":"aws-auth"},"data":{"mapRoles":"- rolearn: arn:aws:iam::111122223333:role/Dev\n  username: dev\n  groups: [devs]\n"}})");
  EXPECT_EQ(no_admin.status, 422) << no_admin.body;
  EXPECT_NE(Message(no_admin).find("no mapping grants system:masters"), std::string::npos) << Message(no_admin);
  auto good = call("POST", cms, R"({"metadata":{"name":"aws-auth"},"data":{"mapRoles":"- rolearn: arn:aws:iam::111122223333:role/Admin\n  username: admin\n  groups:\n  - system:masters\n"}})");
  ASSERT_EQ(good.status, 201) << good.body;
  auto removed = call("DELETE", cms + "/aws-auth", "");
  EXPECT_EQ(removed.status, 422) << removed.body;
  EXPECT_EQ(Call("GET", cms + "/aws-auth").status, 200);
  // Other ConfigMaps are not aws-auth's business.
  EXPECT_EQ(call("POST", cms, R"({"metadata":{"name":"other"},"data":{"mapRoles":"not: [a list"}})").status, 201);
}

}  // namespace
}  // namespace kubeiam::kubeapi

namespace kubeiam::kubeapi {
namespace {

// A Namespace's status and finalize subresources change only their part, as the API server's
// strategies for them do; the main resource keeps both; other subresources do not exist.
TEST_F(ObjectApiTest, NamespaceStatusAndFinalizeSubresources) {
  auto status = Call("PUT", "/api/v1/namespaces/dev/status",
                     R"({"metadata":{"name":"dev","labels":{"ignored":"yes"}},"status":{"phase":"Terminating"}})");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(Body(status).at("status").at("phase"), "Terminating");
  EXPECT_FALSE(Body(status).at("metadata").at("labels").as_object().contains("ignored"));
  auto finalize = Call("PUT", "/api/v1/namespaces/dev/finalize",
                       R"({"metadata":{"name":"dev"},"spec":{"finalizers":[]},"status":{"phase":"Active"}})");
  ASSERT_EQ(finalize.status, 200) << finalize.body;
  EXPECT_EQ(Body(finalize).at("spec").at("finalizers").as_array().size(), 0u);
  EXPECT_EQ(Body(finalize).at("status").at("phase"), "Terminating");
  // Through the main resource both stay as they are.
  auto main = Call("PUT", "/api/v1/namespaces/dev",
                   R"({"metadata":{"name":"dev"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})");
  ASSERT_EQ(main.status, 200) << main.body;
  EXPECT_EQ(Body(main).at("spec").at("finalizers").as_array().size(), 0u);
  EXPECT_EQ(Body(main).at("status").at("phase"), "Terminating");
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/dev/status").status, 200);
  EXPECT_EQ(Call("PATCH", "/api/v1/namespaces/dev/finalize", "{}", {{"Content-Type", "application/merge-patch+json"}}).status, 405);
  EXPECT_EQ(Call("GET", std::string(kCM) + "/app/status").status, 404);
}

}  // namespace
}  // namespace kubeiam::kubeapi

namespace kubeiam::kubeapi {
namespace {

// A watch with a label selector: an object labelled into it arrives as ADDED, changes in it as
// MODIFIED, and labelled out of it as DELETED (in its new state), as the API server sends them.
TEST_F(ObjectApiTest, WatchSelectorsSeeObjectsEnterAndLeave) {
  auto watch = Call("GET", std::string(kCM) + "?watch=true&labelSelector=tier%3Dweb&resourceVersion=" + rv_);
  ASSERT_TRUE(watch.stream);
  auto merge = [&](const std::string& patch) {
    return Call("PATCH", std::string(kCM) + "/app", patch, {{"Content-Type", "application/merge-patch+json"}}).status;
  };
  ASSERT_EQ(merge(R"({"data":{"a":"2"}})"), 200);                          // not selected: nothing
  ASSERT_EQ(merge(R"({"metadata":{"labels":{"tier":"web"}}})"), 200);       // enters
  ASSERT_EQ(merge(R"({"data":{"a":"3"}})"), 200);                          // changes inside
  ASSERT_EQ(merge(R"({"metadata":{"labels":{"tier":"db"}}})"), 200);        // leaves
  ASSERT_EQ(Call("DELETE", std::string(kCM) + "/app").status, 200);         // gone, already out
  std::string out;
  for (int i = 0; i < 50 && std::count(out.begin(), out.end(), '\n') < 3; ++i) {
    watch.stream->Poll(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watch.stream->Poll(out);
  std::vector<std::string> types;
  for (size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos; at = nl + 1) {
    types.emplace_back(json::parse(out.substr(at, nl - at)).at("type").as_string());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"})) << out;
  EXPECT_NE(out.rfind("\"tier\":\"db\""), std::string::npos) << out;  // the leaving event shows the new labels
}

}  // namespace
}  // namespace kubeiam::kubeapi

namespace kubeiam::kubeapi {
namespace {

// Writes record who wrote what; what clients send as managedFields is not taken.
TEST_F(ObjectApiTest, WritesRecordManagedFields) {
  auto created = Call("POST", std::string(kCM) + "?fieldManager=kubectl-create",
                      R"({"metadata":{"name":"mf","managedFields":[{"manager":"forged"}]},"data":{"k":"v"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto entries = Body(created).at("metadata").at("managedFields").as_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.at(0).at("manager"), "kubectl-create");
  auto labelled = Call("PATCH", std::string(kCM) + "/mf?fieldManager=kubectl-label", R"({"metadata":{"labels":{"a":"b"}}})",
                       {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(labelled.status, 200);
  EXPECT_EQ(Body(labelled).at("metadata").at("managedFields").as_array().size(), 2u);
  // The server's own: kept as they were when a client sends others.
  auto replaced = Call("PUT", std::string(kCM) + "/mf", R"({"metadata":{"name":"mf","labels":{"a":"b"},"managedFields":[]},"data":{"k":"v"}})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Body(replaced).at("metadata").at("managedFields").as_array().size(), 2u);
}

}  // namespace
}  // namespace kubeiam::kubeapi
