// EKS access policies (spec/eks-access.md §3): the AWS-managed, allow-only rule sets an access
// entry can be associated with, and their scopes (the whole cluster, or namespaces matching
// patterns with '*'). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rbac/objects.h"
#include "util/time.h"

namespace kubeiam::eks {

struct AccessPolicy {
  std::string name;  // e.g. AmazonEKSViewPolicy
  std::vector<rbac::PolicyRule> rules;
  bool customer_assignable = true;  // false: service-linked roles only (rules not published)
  std::string Arn(std::string_view partition = "aws") const;
};

// Every policy EKS lists, documented rules where AWS publishes them.
const std::vector<AccessPolicy>& PolicyCatalog();
// By name or by ARN (arn:<partition>:eks::aws:cluster-access-policy/<Name>).
const AccessPolicy* FindPolicy(std::string_view name_or_arn);

struct AccessScope {
  std::string type = "cluster";         // "cluster" or "namespace"
  std::vector<std::string> namespaces;  // namespace scope: names or patterns with '*'
  bool operator==(const AccessScope&) const = default;
};

struct AssociatedPolicy {
  std::string policy;  // name or ARN
  AccessScope scope;
  TimePoint associated_at{}, modified_at{};
  bool operator==(const AssociatedPolicy&) const = default;
};

struct PolicyDecision {
  bool allowed = false;
  std::string reason;  // `allowed by access policy AmazonEKSViewPolicy (namespace scope: dev-*)`
};

// Union of the associated policies. A namespace scope grants only requests whose namespace
// matches one of its patterns (like a RoleBinding to a ClusterRole): no cluster-scoped resources,
// no non-resource URLs.
// `any_namespace`: a namespace scope counts whatever the request's namespace (who-can -A).
PolicyDecision AuthorizeWithPolicies(const std::vector<AssociatedPolicy>& policies, const rbac::Attributes& a,
                                     bool any_namespace = false);

// "AmazonEKSViewPolicy (namespace scope: dev-*)", "AmazonEKSClusterAdminPolicy (cluster scope)".
std::string DescribeAssociation(const AssociatedPolicy& p);

}  // namespace kubeiam::eks
