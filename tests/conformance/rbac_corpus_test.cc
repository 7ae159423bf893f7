// spec/rbac.md §7: the authorization cases of §7.3 and the rule cases of §7.5, read from the
// spec's own tables; fixtures of §7.2 built here in the spec's rule notation (FX-BOOT and FX-NS
// from the built-in bootstrap policy); §7.4 and §7.7 as data; §7.8 (covers) from its table.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "rbac/authorizer.h"
#include "rbac/bootstrap.h"
#include "rbac/covers.h"
#include "rbac/rules.h"
#include "support/paths.h"
#include "util/strings.h"

namespace kubeiam::rbac {
namespace {

std::string Spec() {
  std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/data/rbac/conformance-corpus.md");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Rows of the markdown table that follows `heading`, split into trimmed cells.
std::vector<std::vector<std::string>> Table(const std::string& spec, const std::string& heading) {
  std::vector<std::vector<std::string>> rows;
  size_t pos = spec.find(heading);
  if (pos == std::string::npos) return rows;
  std::istringstream in(spec.substr(pos));
  std::string line;
  bool started = false;
  while (std::getline(in, line)) {
    if (line.starts_with("|")) {
      started = true;
      std::vector<std::string> cells;
      for (auto c : Split(std::string_view(line).substr(1, line.size() - 2), '|')) cells.emplace_back(Trim(c));
      if (cells.size() > 1 && cells[0] != "id" && !cells[0].starts_with("---")) rows.push_back(cells);
    } else if (started) {
      break;
    }
  }
  return rows;
}

std::vector<std::string> List(std::string_view inside) {
  std::vector<std::string> out;
  if (Trim(inside).empty()) return out;
  for (auto item : Split(inside, ',')) {
    std::string v(Trim(item));
    if (v == "\"\"") v = "";
    out.push_back(v);
  }
  return out;
}

// "[verbs][groups][resources] names:[..] urls:[..]" (parenthesised comments ignored).
PolicyRule Rule(const std::string& text) {
  PolicyRule r;
  std::string t = std::regex_replace(text, std::regex(R"(\([^)]*\))"), "");
  int plain = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '[') continue;
    size_t end = t.find(']', i);
    auto items = List(std::string_view(t).substr(i + 1, end - i - 1));
    std::string before = t.substr(0, i);
    if (before.ends_with("names:")) {
      r.resource_names = items;
    } else if (before.ends_with("urls:")) {
      r.non_resource_urls = items;
    } else {
      (plain == 0 ? r.verbs : plain == 1 ? r.api_groups : r.resources) = items;
      ++plain;
    }
    i = end;
  }
  return r;
}

// "get ""/pods/log ns=ns1 name=p" or "get /apis".
Attributes Request(const std::string& text, const UserInfo& user) {
  Attributes a;
  a.user = user;
  auto parts = Split(text, ' ');
  a.verb = std::string(parts[0]);
  std::string target(parts[1]);
  if (target.starts_with("/")) {
    a.resource_request = false;
    a.path = target;
    return a;
  }
  auto segs = Split(target, '/');
  a.api_group = segs[0] == "\"\"" ? "" : std::string(segs[0]);
  a.resource = std::string(segs[1]);
  if (segs.size() > 2) a.subresource = std::string(segs[2]);
  for (size_t i = 2; i < parts.size(); ++i) {
    std::string kv(parts[i]);
    std::string v = kv.substr(kv.find('=') + 1);
    if (v == "\"\"") v = "";
    if (kv.starts_with("ns=")) a.namespace_ = v;
    if (kv.starts_with("name=")) a.name = v;
  }
  return a;
}

// "admin {group1,admins}", "\"\" {bar}", "admin {\"\"}".
UserInfo User(const std::string& text) {
  UserInfo u;
  size_t brace = text.find('{');
  u.name = std::string(Trim(text.substr(0, brace)));
  if (u.name == "\"\"") u.name = "";
  if (brace != std::string::npos) u.groups = List(std::string_view(text).substr(brace + 1, text.find('}') - brace - 1));
  return u;
}

Subject U(std::string n) { return {"User", std::move(n), "", "rbac.authorization.k8s.io"}; }
Subject G(std::string n) { return {"Group", std::move(n), "", "rbac.authorization.k8s.io"}; }
Subject SA(std::string ns, std::string n) { return {"ServiceAccount", std::move(n), std::move(ns), ""}; }
ClusterRole CR(std::string name, std::vector<std::string> rules) {
  ClusterRole c{std::move(name), {}, {}, {}};
  for (auto& r : rules) c.rules.push_back(Rule(r));
  return c;
}
ClusterRoleBinding CRB(std::string name, std::string role, std::vector<Subject> s) {
  return {std::move(name), std::move(s), {"rbac.authorization.k8s.io", "ClusterRole", std::move(role)}};
}
RoleBinding RB(std::string ns, std::string name, std::string kind, std::string role, std::vector<Subject> s) {
  return {std::move(ns), std::move(name), std::move(s), {"rbac.authorization.k8s.io", std::move(kind), std::move(role)}};
}

std::map<std::string, Authorizer> Fixtures() {
  std::map<std::string, Authorizer> f;
  f.emplace("FX-A", Authorizer({}, {CR("admin", {"[*][*][*] urls:[*]"})},
                           {RB("ns1", "rb", "ClusterRole", "admin", {U("admin"), G("admins")})}, {}));
  f.emplace("FX-B", Authorizer({}, {CR("nr-getter", {"[get] urls:[/apis]"}), CR("nr-any", {"[*] urls:[/apis]"}),
                                CR("nr-prefix", {"[get] urls:[/apis/*]"})},
                           {}, {CRB("c1", "nr-getter", {U("foo"), G("bar")}), CRB("c2", "nr-any", {U("admin"), G("admin")}),
                                CRB("c3", "nr-prefix", {U("prefixed"), G("prefixed")})}));
  f.emplace("FX-C", Authorizer({}, {CR("admin", {"[*][*][pods]"})},
                           {RB("ns1", "rb", "ClusterRole", "admin", {U("admin"), G("admins")})}, {}));
  f.emplace("FX-D", Authorizer({}, {CR("admin", {"[*][*][pods/status]", "[*][*][*/scale]"})},
                           {RB("ns1", "rb", "ClusterRole", "admin", {U("admin"), G("admins")})}, {}));
  f.emplace("FX-RR", Authorizer({{"namespace1", "readthings", {Rule("[GET,WATCH][v1][pods]"), Rule("[GET,WATCH][v1][services]")}}},
                            {CR("cluster-admin", {"[*][*][*]"}), CR("write-nodes", {"[PUT,CREATE,UPDATE][v1][nodes]"})},
                            {RB("namespace1", "rb", "Role", "readthings", {U("foobar"), G("group1")})},
                            {CRB("crb", "cluster-admin", {U("admin"), G("admin")})}));
  f.emplace("FX-MISS",
            Authorizer({{"ns2", "r2", {Rule("[get][\"\"][secrets]")}}}, {CR("pod-reader", {"[get,list][\"\"][pods]"})},
                   {RB("ns1", "rb-missing", "Role", "nope", {U("u")}), RB("ns1", "rb-badkind", "Foo", "x", {U("u")}),
                    RB("ns1", "rb-crossns", "Role", "r2", {U("u")})},
                   {CRB("crb-missing", "does-not-exist", {G("g")}), CRB("crb-ok", "pod-reader", {G("g")})}));
  f.emplace("FX-SA", Authorizer({}, {CR("cm-reader", {"[get][\"\"][configmaps]"}), CR("sec-reader", {"[get][\"\"][secrets]"}),
                                 CR("pod-lister", {"[list][\"\"][pods]"})},
                            {RB("team", "rb1", "ClusterRole", "cm-reader", {SA("", "default")}),
                             RB("team", "rb2", "ClusterRole", "cm-reader", {SA("other", "bot")}),
                             RB("team", "rb3", "ClusterRole", "pod-lister", {G("system:serviceaccounts:team")})},
                            {CRB("crb-nons", "cm-reader", {SA("", "builder")}),
                             CRB("crb-allsa", "sec-reader", {G("system:serviceaccounts")})}));
  f.emplace("FX-NAMES", Authorizer({}, {CR("cm-one", {"[get,list,update][\"\"][configmaps] names:[my-cm]"}),
                                    CR("exec-one", {"[create][\"\"][pods/exec] names:[p1]"})},
                               {}, {CRB("a", "cm-one", {U("nina")}), CRB("b", "exec-one", {U("nina")})}));
  f.emplace("FX-NR", Authorizer({}, {CR("nr", {"[get] urls:[/healthz, /logs/*, /foo*, /a/*/b]"})}, {}, {CRB("nr", "nr", {U("n")})}));
  f.emplace("FX-STAR", Authorizer({}, {CR("some", {"[get,list][\"\"][pods]"}), CR("all", {"[*][*][*]"})}, {},
                              {CRB("some", "some", {U("w")}), CRB("all", "all", {U("s")})}));
  f.emplace("FX-ESC",
            Authorizer({}, {CR("binder", {"[bind][rbac.authorization.k8s.io][clusterroles] names:[view]"}),
                        CR("escalator", {"[escalate][rbac.authorization.k8s.io][roles]"}),
                        CR("imp", {"[impersonate][\"\"][users] names:[jane]", "[impersonate][\"\"][groups]",
                                   "[impersonate][authentication.k8s.io][userextras/scopes] names:[view]"})},
                   {RB("ns1", "esc", "ClusterRole", "escalator", {U("eve")})},
                   {CRB("binder", "binder", {U("ben")}), CRB("imp", "imp", {U("ivan")})}));
  const Objects& boot = BootstrapPolicy();
  f.emplace("FX-BOOT", Authorizer(boot.roles, boot.cluster_roles, boot.role_bindings, boot.cluster_role_bindings));
  auto ns = boot.role_bindings;
  ns.push_back(RB("ns1", "view-bob", "ClusterRole", "view", {U("bob")}));
  ns.push_back(RB("ns1", "edit-carol", "ClusterRole", "edit", {U("carol")}));
  ns.push_back(RB("ns1", "admin-dan", "ClusterRole", "admin", {U("dan")}));
  ns.push_back(RB("ns1", "ca-erin", "ClusterRole", "cluster-admin", {U("erin")}));
  f.emplace("FX-NS", Authorizer(boot.roles, boot.cluster_roles, ns, boot.cluster_role_bindings));
  return f;
}

TEST(RbacCorpus, AuthorizationCases) {
  auto rows = Table(Spec(), "### 7.3 Authorization cases");
  ASSERT_GE(rows.size(), 150u) << "could not read §7.3 from the spec";
  auto fixtures = Fixtures();
  size_t run = 0, pending = 0;
  for (const auto& r : rows) {
    auto fx = fixtures.find(r[1]);
    if (fx == fixtures.end()) {
      ++pending;  // FX-BOOT / FX-NS: the bootstrap policy
      continue;
    }
    ++run;
    UserInfo user = User(r[2]);
    // FX-NS rows name the user only; the fixture says they all carry system:authenticated.
    if (r[1] == "FX-NS" && r[2].find('{') == std::string::npos) user.groups = {"system:authenticated"};
    Decision d = fx->second.Authorize(Request(r[3], user));
    std::string exp = r[4];
    EXPECT_EQ(d.allowed, exp.starts_with("A")) << r[0] << ": " << r[3] << " -> " << d.reason;
    if (exp.ends_with("!")) {
      std::string note = r[5];
      static const std::regex quoted("`([^`]+)`");
      for (auto it = std::sregex_iterator(note.begin(), note.end(), quoted); it != std::sregex_iterator(); ++it) {
        EXPECT_NE(d.reason.find((*it)[1].str()), std::string::npos) << r[0] << ": " << d.reason;
      }
      if (r[0] == "F02") {
        EXPECT_NE(d.reason.find("\"does-not-exist\" not found"), std::string::npos) << d.reason;
      }
      if (r[0] == "F03") {
        EXPECT_NE(d.reason.find("role.rbac.authorization.k8s.io \"nope\" not found"), std::string::npos) << d.reason;
        EXPECT_NE(d.reason.find("role.rbac.authorization.k8s.io \"r2\" not found"), std::string::npos) << d.reason;
      }
    }
  }
  EXPECT_EQ(pending, 0u);
  EXPECT_GE(run, 159u);
}

TEST(RbacCorpus, RuleCases) {
  auto rows = Table(Spec(), "### 7.5 Pure rule cases");
  ASSERT_GE(rows.size(), 30u);
  PolicyRule rule;
  for (const auto& r : rows) {
    if (r[1] != "same") rule = Rule(r[1]);
    Attributes a = Request(r[2], {});
    EXPECT_EQ(RuleAllows(a, rule), r[3].starts_with("true")) << r[0] << ": " << r[1] << " / " << r[2];
  }
}

TEST(RbacCorpus, SubjectCases) {
  struct Row {
    const char* id;
    std::vector<Subject> subjects;
    const char* ns;
    UserInfo user;
    std::optional<size_t> applies;
  };
  const Row rows[] = {
      {"S01", {U("foobar")}, "", {"foobar", {}}, 0},
      {"S02", {U("barfoo"), U("foobar")}, "", {"foobar", {}}, 1},
      {"S03", {U("barfoo"), U("foobar")}, "", {"zimzam", {}}, std::nullopt},
      {"S04", {U("barfoo"), G("foobar")}, "", {"zimzam", {"foobar"}}, 1},
      {"S05", {U("barfoo"), G("foobar")}, "namespace1", {"zimzam", {"foobar"}}, 1},
      {"S06", {U("barfoo"), G("foobar"), SA("kube-system", "default")}, "default",
       {"system:serviceaccount:kube-system:default", {}}, 2},
      {"S07", {U("*")}, "default", {"foobar", {}}, std::nullopt},
      {"S08", {G("system:authenticated"), G("system:unauthenticated")}, "default", {"foobar", {"system:authenticated"}}, 0},
      {"S09", {G("system:authenticated"), G("system:unauthenticated")}, "default",
       {"system:anonymous", {"system:unauthenticated"}}, 1},
      {"S10", {SA("", "default")}, "team", {"system:serviceaccount:team:default", {}}, 0},
      {"S11", {SA("", "default")}, "", {"system:serviceaccount:team:default", {}}, std::nullopt},
      {"S12", {U("system:serviceaccount:team:default")}, "", {"system:serviceaccount:team:default", {}}, 0},
      {"S13", {U("Alice")}, "", {"alice", {}}, std::nullopt},
      {"S14", {G("devs")}, "", {"devs", {}}, std::nullopt},
      {"S15", {{"user", "alice", "", ""}}, "", {"alice", {}}, std::nullopt},
      {"S16", {SA("team", "default")}, "", {"system:serviceaccount:team:default:extra", {}}, std::nullopt},
      {"S17", {}, "", {"anyone", {"system:authenticated"}}, std::nullopt},
      {"S18", {U("x"), SA("ns1", "a"), G("g")}, "ns1", {"system:serviceaccount:ns1:a", {"g"}}, 1},
  };
  for (const auto& r : rows) EXPECT_EQ(AppliesTo(r.user, r.subjects, r.ns), r.applies) << r.id;
}

std::vector<std::string> Names(const std::vector<Subject>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.push_back(x.kind + " " + x.name);
  return out;
}

TEST(RbacCorpus, SubjectLocatorCases) {
  Authorizer sl1({}, {CR("admin", {"[*][*][*] urls:[*]"})}, {RB("ns1", "rb", "ClusterRole", "admin", {U("admin"), G("admins")})},
             {CRB("crb", "admin", {U("super-admin"), G("super-admins")})});
  Authorizer sl2({{"ns1", "admin", {Rule("[get][*][Pods] urls:[*]")}}}, {CR("admin", {"[*][*][*] urls:[*]"})},
             {RB("ns1", "rb", "Role", "admin", {U("admin"), G("admins")})},
             {CRB("crb", "admin", {U("super-admin"), G("super-admins")})});
  using V = std::vector<std::string>;
  EXPECT_EQ(Names(sl1.AllowedSubjects(Request("get \"\"/Pods ns=ns1", {}), "")),
            (V{"Group system:masters", "User super-admin", "Group super-admins", "User admin", "Group admins"}));
  EXPECT_EQ(Names(sl1.AllowedSubjects(Request("* \"\"/Pods ns=*", {}), "")),
            (V{"Group system:masters", "User super-admin", "Group super-admins"}));
  EXPECT_EQ(Names(sl1.AllowedSubjects(Request("* \"\"/Pods ns=\"\"", {}), "")),
            (V{"Group system:masters", "User super-admin", "Group super-admins"}));
  EXPECT_EQ(Names(sl2.AllowedSubjects(Request("get \"\"/Pods ns=ns1", {}), "foo")),
            (V{"Group system:masters", "User foo", "User super-admin", "Group super-admins", "User admin", "Group admins"}));
  EXPECT_EQ(Names(sl2.AllowedSubjects(Request("create \"\"/Pods ns=ns1", {}), "foo")),
            (V{"Group system:masters", "User foo", "User super-admin", "Group super-admins"}));
  EXPECT_EQ(Names(sl2.AllowedSubjects(Request("get \"\"/Pods ns=ns2", {}), "foo")),
            (V{"Group system:masters", "User foo", "User super-admin", "Group super-admins"}));
}

TEST(RbacCorpus, ReasonsNameBindingRoleAndSubject) {
  Authorizer p({}, {CR("view", {"[get][\"\"][pods]"})}, {RB("ns1", "view-bob", "ClusterRole", "view", {U("x"), U("bob")})},
           {CRB("team", "view", {SA("ci", "deployer")})});
  EXPECT_EQ(p.Authorize(Request("get \"\"/pods ns=ns1", {"bob", {}})).reason,
            "RBAC: allowed by RoleBinding \"view-bob/ns1\" of ClusterRole \"view\" to User \"bob\"");
  EXPECT_EQ(p.Authorize(Request("get \"\"/pods ns=ns1", {"system:serviceaccount:ci:deployer", {}})).reason,
            "RBAC: allowed by ClusterRoleBinding \"team\" of ClusterRole \"view\" to ServiceAccount \"deployer/ci\"");
  auto rules = p.RulesFor({"bob", {}}, "ns1");
  EXPECT_EQ(rules.rules.size(), 1u);
  EXPECT_TRUE(p.RulesFor({"bob", {}}, "ns2").rules.empty());
}

TEST(RbacCorpus, CoversCases) {
  auto rows = Table(Spec(), "### 7.8 Escalation");
  ASSERT_EQ(rows.size(), 10u);
  auto rules = [](const std::string& cell) {
    std::vector<PolicyRule> out;
    for (auto part : std::vector<std::string>{cell}) {
      size_t start = 0;
      while (start < part.size()) {
        size_t plus = part.find(" + ", start);
        out.push_back(Rule(part.substr(start, plus == std::string::npos ? std::string::npos : plus - start)));
        start = plus == std::string::npos ? part.size() : plus + 3;
      }
    }
    return out;
  };
  auto all = WithBootstrap({}, true);
  Authorizer boot(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
  for (const auto& r : rows) {
    bool want = r[3].starts_with("yes");
    std::vector<PolicyRule> owner, servant;
    if (r[0] == "CV9") {
      owner = rules(r[1]);
      for (const auto& cr : boot.cluster_roles()) servant.insert(servant.end(), cr.rules.begin(), cr.rules.end());
    } else if (r[0] == "CV10") {
      owner = boot.FindClusterRole("admin")->rules;
      servant = boot.FindClusterRole("edit")->rules;
    } else {
      owner = rules(r[1]);
      servant = rules(r[2]);
    }
    auto missing = Uncovered(owner, servant);
    EXPECT_EQ(missing.empty(), want) << r[0] << ": " << r[1] << " covers " << r[2] << "? first missing: "
                                     << (missing.empty() ? "" : CompactString(missing[0]));
  }
}

TEST(RbacCorpus, EscalationMessageAsTheApiServerWritesIt) {
  auto missing = Uncovered({Rule("[get,list][\"\"][pods]")},
                           {Rule("[get,list,delete][\"\"][pods,pods/log]"), Rule("[get] urls:[/metrics]"),
                            Rule("[get][\"\"][secrets] names:[s1]")});
  EXPECT_EQ(EscalationMessage({"dan", {"devs", "system:authenticated"}}, missing),
            "user \"dan\" (groups=[\"devs\" \"system:authenticated\"]) is attempting to grant RBAC permissions not "
            "currently held:\n"
            "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}\n"
            "{APIGroups:[\"\"], Resources:[\"pods/log\"], Verbs:[\"delete\" \"get\" \"list\"]}\n"
            "{APIGroups:[\"\"], Resources:[\"secrets\"], ResourceNames:[\"s1\"], Verbs:[\"get\"]}\n"
            "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}");
}

}  // namespace
}  // namespace kubeiam::rbac
