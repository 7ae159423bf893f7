// RBAC objects (spec/rbac.md §1.1) and the attributes of a request (§2).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kubeiam::rbac {

struct PolicyRule {
  std::vector<std::string> verbs, api_groups, resources, resource_names, non_resource_urls;
  bool operator==(const PolicyRule&) const = default;
};

struct Subject {
  std::string kind;  // "User", "Group", "ServiceAccount"; anything else never applies
  std::string name;
  std::string namespace_;  // ServiceAccount only; empty means "the binding's namespace"
  std::string api_group;
};

struct RoleRef {
  std::string api_group = "rbac.authorization.k8s.io";
  std::string kind;  // "Role" or "ClusterRole"
  std::string name;
};

struct LabelSelectorRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};

struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
};

struct Role {
  std::string namespace_, name;
  std::vector<PolicyRule> rules;
};

struct ClusterRole {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<PolicyRule> rules;
  std::vector<LabelSelector> aggregation_selectors;  // non-empty: an aggregated role
};

struct RoleBinding {
  std::string namespace_, name;
  std::vector<Subject> subjects;
  RoleRef role_ref;
};

struct ClusterRoleBinding {
  std::string name;
  std::vector<Subject> subjects;
  RoleRef role_ref;
};

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

struct Attributes {
  UserInfo user;
  std::string verb;
  bool resource_request = true;
  std::string namespace_;
  std::string api_group;
  std::string resource, subresource, name;
  std::string path;  // non-resource requests
};

}  // namespace kubeiam::rbac
