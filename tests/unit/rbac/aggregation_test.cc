// spec/rbac.md §7.6 (AG1-AG7) and chained aggregation.
#include "rbac/aggregation.h"

#include <algorithm>

#include "rbac/bootstrap.h"

#include <gtest/gtest.h>

namespace kubeiam::rbac {
namespace {

PolicyRule R(std::string verb, std::string resource) { return {{std::move(verb)}, {""}, {std::move(resource)}, {}, {}}; }
const std::vector<PolicyRule> H = {R("hammer", "nails"), R("hammer", "wedges")};
const std::vector<PolicyRule> C = {R("chisel", "mortises")};
const std::vector<PolicyRule> S = {R("saw", "boards")};

ClusterRole Source(std::string name, std::string foo, std::vector<PolicyRule> rules) {
  return {std::move(name), {{"foo", std::move(foo)}}, std::move(rules), {}};
}
ClusterRole Combined(std::vector<std::string> selectors, std::vector<PolicyRule> rules) {
  ClusterRole c{"combined", {}, std::move(rules), {}};
  for (auto& v : selectors) c.aggregation_selectors.push_back({{{"foo", v}}, {}});
  return c;
}
std::vector<PolicyRule> Cat(std::initializer_list<std::vector<PolicyRule>> parts) {
  std::vector<PolicyRule> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
std::vector<PolicyRule> Aggregated(std::vector<ClusterRole> roles) {
  AggregateClusterRoles(roles);
  for (const auto& r : roles) {
    if (r.name == "combined") return r.rules;
  }
  return {};
}

TEST(Aggregation, ReferenceCases) {
  EXPECT_EQ(Aggregated({Source("hammer", "bar", H), Combined({"bar"}, S)}), H);                       // AG1
  EXPECT_EQ(Aggregated({Source("hammer", "not-bar", H), Combined({"bar"}, H)}), std::vector<PolicyRule>{});  // AG2
  std::vector<ClusterRole> three = {Source("hammer", "bar", H), Source("chisel", "bar", C), Source("saw", "not-bar", S)};
  auto with = [&](ClusterRole c) {
    auto v = three;
    v.push_back(std::move(c));
    return v;
  };
  EXPECT_EQ(Aggregated(with(Combined({"bar"}, {}))), Cat({C, H}));                                  // AG3
  EXPECT_EQ(Aggregated(with(Combined({"bar", "not-bar"}, {}))), Cat({C, H, S}));                    // AG4
  EXPECT_EQ(Aggregated({Source("hammer", "bar", H), Source("chisel", "bar", C), Source("saw", "bar", S),
                 Source("other-saw", "not-bar", S), Combined({"bar", "not-bar"}, {})}),
            Cat({C, H, S}));                                                                  // AG5
  EXPECT_EQ(Aggregated({Source("hammer", "bar", H), Combined({"bar"}, H)}), H);                    // AG6
  ClusterRole self = Combined({"bar"}, S);
  self.labels["foo"] = "bar";
  EXPECT_EQ(Aggregated({self, Source("hammer", "bar", H)}), H);                                     // AG7
}

TEST(Aggregation, ChainsConverge) {
  ClusterRole view{"view", {{"aggregate-to-edit", "true"}}, {}, {{{{"aggregate-to-view", "true"}}, {}}}};
  ClusterRole edit{"edit", {{"aggregate-to-admin", "true"}}, {}, {{{{"aggregate-to-edit", "true"}}, {}}}};
  ClusterRole admin{"admin", {}, {}, {{{{"aggregate-to-admin", "true"}}, {}}}};
  ClusterRole crontab{"crontab-view", {{"aggregate-to-view", "true"}}, {R("get", "crontabs")}, {}};
  std::vector<ClusterRole> roles = {admin, edit, view, crontab};
  AggregateClusterRoles(roles);
  for (const auto& r : roles) EXPECT_EQ(r.rules, std::vector<PolicyRule>{R("get", "crontabs")}) << r.name;
}

TEST(Aggregation, MatchExpressions) {
  LabelSelector s{{}, {{"tier", "In", {"a", "b"}}, {"legacy", "DoesNotExist", {}}}};
  EXPECT_TRUE(Matches(s, {{"tier", "a"}}));
  EXPECT_FALSE(Matches(s, {{"tier", "c"}}));
  EXPECT_FALSE(Matches(s, {{"tier", "a"}, {"legacy", "1"}}));
}

}  // namespace
}  // namespace kubeiam::rbac

namespace kubeiam::rbac {
namespace {

// §7.6 AG8: a user ClusterRole labelled aggregate-to-view reaches view, edit and admin.
TEST(Aggregation, UserRoleFlowsIntoDefaultRoles) {
  Objects extra;
  extra.cluster_roles.push_back({"crontab-view",
                                 {{"rbac.authorization.k8s.io/aggregate-to-view", "true"}},
                                 {{{"get", "list"}, {"stable.example.com"}, {"crontabs"}, {}, {}}},
                                 {}});
  Objects all = WithBootstrap(std::move(extra));
  for (const auto& r : all.cluster_roles) {
    if (r.name != "view" && r.name != "edit" && r.name != "admin") continue;
    bool has = std::any_of(r.rules.begin(), r.rules.end(), [](const PolicyRule& p) { return p.resources == std::vector<std::string>{"crontabs"}; });
    EXPECT_TRUE(has) << r.name;
  }
}

}  // namespace
}  // namespace kubeiam::rbac
