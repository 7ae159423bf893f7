#include "eks/access_policies.h"

#include "aws/arn.h"
#include "rbac/rules.h"

namespace kubeiam::eks {
namespace {

using Strings = std::vector<std::string>;
const Strings kR = {"get", "list", "watch"};
const Strings kW = {"create", "delete", "deletecollection", "patch", "update"};

rbac::PolicyRule Rule(Strings groups, Strings resources, Strings verbs) {
  return {std::move(verbs), std::move(groups), std::move(resources), {}, {}};
}

std::vector<rbac::PolicyRule> ViewRules() {
  return {
      Rule({"apps"}, {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                      "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets",
                      "statefulsets/scale", "statefulsets/status"}, kR),
      Rule({"autoscaling"}, {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}, kR),
      Rule({"batch"}, {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}, kR),
      Rule({"discovery.k8s.io"}, {"endpointslices"}, kR),
      Rule({"extensions"}, {"daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                            "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale",
                            "replicasets/status", "replicationcontrollers/scale"}, kR),
      Rule({"networking.k8s.io"}, {"ingresses", "ingresses/status", "networkpolicies"}, kR),
      Rule({"policy"}, {"poddisruptionbudgets", "poddisruptionbudgets/status"}, kR),
      Rule({""}, {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
                  "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                  "services/status"}, kR),
      Rule({""}, {"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
                  "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"}, kR),
      Rule({""}, {"namespaces"}, kR),
  };
}

std::vector<rbac::PolicyRule> EditRules() {
  auto rules = ViewRules();
  std::vector<rbac::PolicyRule> more = {
      Rule({"apps"}, {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
                      "replicasets/scale", "statefulsets", "statefulsets/scale"}, kW),
      Rule({"autoscaling"}, {"horizontalpodautoscalers"}, kW),
      Rule({"batch"}, {"cronjobs", "jobs"}, kW),
      Rule({"extensions"}, {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses",
                            "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"}, kW),
      Rule({"networking.k8s.io"}, {"ingresses", "networkpolicies"}, kW),
      Rule({"policy"}, {"poddisruptionbudgets"}, kW),
      Rule({""}, {"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"}, kR),
      Rule({""}, {"serviceaccounts"}, {"impersonate"}),
      Rule({""}, {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, kW),
      Rule({""}, {"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale",
                  "secrets", "serviceaccounts", "services", "services/proxy"}, kW),
  };
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}

std::vector<rbac::PolicyRule> AdminRules() {
  auto rules = EditRules();
  rules.push_back(Rule({"authorization.k8s.io"}, {"localsubjectaccessreviews"}, {"create"}));
  rules.push_back(Rule({"rbac.authorization.k8s.io"}, {"rolebindings", "roles"},
                       {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}));
  return rules;
}

bool NamespaceMatches(std::string_view ns, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    if (aws::GlobMatch(ns, p)) return true;
  }
  return false;
}

}  // namespace

std::string AccessPolicy::Arn(std::string_view partition) const {
  return "arn:" + std::string(partition) + ":eks::aws:cluster-access-policy/" + name;
}

const std::vector<AccessPolicy>& PolicyCatalog() {
  static const std::vector<AccessPolicy> catalog = [] {
    std::vector<AccessPolicy> c = {
        {"AmazonEKSClusterAdminPolicy", {Rule({"*"}, {"*"}, {"*"}), {{"*"}, {}, {}, {}, {"*"}}}, true},
        {"AmazonEKSAdminPolicy", AdminRules(), true},
        {"AmazonEKSEditPolicy", EditRules(), true},
        {"AmazonEKSViewPolicy", ViewRules(), true},
        {"AmazonEKSAdminViewPolicy", {Rule({"*"}, {"*"}, kR)}, true},
        {"AmazonEKSSecretReaderPolicy", {Rule({""}, {"secrets"}, kR)}, true},
    };
    // Service-linked roles only; AWS does not publish their rules, so they grant nothing here.
    for (const char* name : {"AmazonEKSHybridPolicy", "AmazonEKSAutoNodePolicy", "AmazonEKSBlockStorageClusterPolicy",
                             "AmazonEKSBlockStoragePolicy", "AmazonEKSClusterInsightsPolicy",
                             "AmazonEKSComputeClusterPolicy", "AmazonEKSComputePolicy",
                             "AmazonEKSLoadBalancingClusterPolicy", "AmazonEKSLoadBalancingPolicy",
                             "AmazonEKSNetworkingClusterPolicy", "AmazonEKSNetworkingPolicy"}) {
      c.push_back({name, {}, false});
    }
    // AmazonEKSHybridPolicy's one rule is documented.
    for (auto& p : c) {
      if (p.name == "AmazonEKSHybridPolicy") p.rules = {Rule({"*"}, {"nodes"}, {"list"})};
    }
    for (const char* name : {"AmazonAIOpsAssistantPolicy", "AmazonARCRegionSwitchScalingPolicy", "AmazonEMRJobPolicy",
                             "AmazonSagemakerHyperpodClusterPolicy", "AmazonSagemakerHyperpodControllerPolicy",
                             "AmazonSagemakerHyperpodSystemNamespacePolicy"}) {
      c.push_back({name, {}, true});  // listed by EKS; rules not published
    }
    return c;
  }();
  return catalog;
}

const AccessPolicy* FindPolicy(std::string_view name_or_arn) {
  std::string_view name = name_or_arn;
  if (name.starts_with("arn:")) {
    constexpr std::string_view kMarker = ":eks::aws:cluster-access-policy/";
    size_t at = name.find(kMarker);
    if (at == std::string_view::npos) return nullptr;
    name = name.substr(at + kMarker.size());
  }
  for (const auto& p : PolicyCatalog()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string DescribeAssociation(const AssociatedPolicy& assoc) {
  const AccessPolicy* p = FindPolicy(assoc.policy);
  std::string scope = "cluster scope";
  if (assoc.scope.type == "namespace") {
    scope = "namespace scope:";
    for (const auto& n : assoc.scope.namespaces) scope += " " + n;
  }
  return (p ? p->name : assoc.policy) + " (" + scope + ")";
}

PolicyDecision AuthorizeWithPolicies(const std::vector<AssociatedPolicy>& policies, const rbac::Attributes& a,
                                     bool any_namespace) {
  for (const auto& assoc : policies) {
    const AccessPolicy* p = FindPolicy(assoc.policy);
    if (!p) continue;
    bool namespaced = assoc.scope.type == "namespace";
    // A namespace scope works like a RoleBinding: URLs and cluster-wide requests are out of reach.
    if (namespaced && !a.resource_request) continue;
    if (namespaced && !any_namespace && (a.namespace_.empty() || !NamespaceMatches(a.namespace_, assoc.scope.namespaces))) {
      continue;
    }
    for (const auto& rule : p->rules) {
      if (rbac::RuleAllows(a, rule)) return {true, "allowed by access policy " + DescribeAssociation(assoc)};
    }
  }
  return {false, ""};
}

}  // namespace kubeiam::eks
