#include "eks/access_entry.h"

#include <algorithm>

#include "aws/arn.h"

namespace kubeiam::eks {
namespace {

constexpr std::string_view kReservedPrefixes[] = {"system:", "eks:", "aws:", "amazon:", "iam:"};

bool IsNodeType(std::string_view type) { return type != "STANDARD" && type != "EC2"; }

// "user" or "role" with the name (path kept), or nullopt for anything else IAM-shaped.
struct PrincipalParts {
  aws::Arn arn;
  bool role = false;
  std::string name;  // last path segment
};

ApiResult<PrincipalParts> ParsePrincipal(std::string_view principal_arn) {
  auto bad = [] { return std::unexpected(InvalidParameter("The principalArn parameter format is not valid")); };
  auto arn = aws::ParseArn(principal_arn);
  if (!arn || arn->service != "iam" || !arn->region.empty() || arn->account.size() != 12 ||
      !std::all_of(arn->account.begin(), arn->account.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  PrincipalParts out{*arn, false, ""};
  std::string_view resource = arn->resource;
  if (resource.starts_with("role/")) {
    out.role = true;
  } else if (!resource.starts_with("user/")) {
    return bad();
  }
  size_t slash = resource.rfind('/');
  out.name = std::string(resource.substr(slash + 1));
  if (out.name.empty()) return bad();
  return out;
}

}  // namespace

ApiError InvalidParameter(std::string message) { return {"InvalidParameterException", 400, std::move(message)}; }
ApiError InvalidRequest(std::string message) { return {"InvalidRequestException", 400, std::move(message)}; }
ApiError ResourceNotFound(std::string message) { return {"ResourceNotFoundException", 404, std::move(message)}; }
ApiError ResourceInUse(std::string message) { return {"ResourceInUseException", 409, std::move(message)}; }

const std::vector<std::string>& EntryTypes() {
  static const std::vector<std::string> types = {"STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX",
                                                 "EC2",      "HYBRID_LINUX", "HYPERPOD_LINUX"};
  return types;
}

std::string DefaultUsername(std::string_view principal_arn, std::string_view type) {
  if (type == "EC2_LINUX" || type == "EC2_WINDOWS" || type == "EC2") return "system:node:{{EC2PrivateDNSName}}";
  if (type != "STANDARD") return "system:node:{{SessionName}}";
  auto p = ParsePrincipal(principal_arn);
  if (!p || !p->role) return std::string(principal_arn);
  return "arn:" + p->arn.partition + ":sts::" + p->arn.account + ":assumed-role/" + p->name + "/{{SessionName}}";
}

std::vector<std::string> DefaultGroups(std::string_view type) {
  if (type == "EC2_WINDOWS") return {"system:nodes", "eks:kube-proxy-windows"};
  if (type == "FARGATE_LINUX") return {"system:node-proxier", "system:nodes"};
  if (type == "STANDARD") return {};
  return {"system:nodes"};
}

std::optional<ApiError> CheckUsername(std::string_view username) {
  for (auto prefix : kReservedPrefixes) {
    if (username.starts_with(prefix)) {
      return InvalidParameter("The username " + std::string(username) + " is invalid, it cannot start with " +
                              std::string(prefix));
    }
  }
  for (std::string_view macro : {"{{SessionName}}", "{{SessionNameRaw}}"}) {
    size_t at = username.find(macro);
    if (at != std::string_view::npos && username.substr(0, at).find(':') == std::string_view::npos) {
      return InvalidParameter("The username " + std::string(username) + " is invalid, a ':' must come before " +
                              std::string(macro));
    }
  }
  if (username.size() > 512) return InvalidParameter("The username is invalid, it must be at most 512 characters");
  return std::nullopt;
}

namespace {

std::optional<ApiError> CheckGroups(const std::vector<std::string>& groups) {
  for (const auto& g : groups) {
    if (g.empty()) return InvalidParameter("The kubernetes group name is invalid, it cannot be empty");
    if (g.starts_with("system:")) {
      return InvalidParameter("The kubernetes group name " + g + " is invalid, it cannot start with system:");
    }
  }
  return std::nullopt;
}

std::optional<ApiError> CheckTags(const std::map<std::string, std::string>& tags) {
  if (tags.size() > 50) return InvalidParameter("tags: at most 50 tags are allowed");
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) return InvalidParameter("tags: a tag key must be 1 to 128 characters: " + k);
    if (v.size() > 256) return InvalidParameter("tags: the value of tag " + k + " must be at most 256 characters");
    if (k.starts_with("aws:")) return InvalidParameter("tags: the aws: prefix is reserved for AWS use: " + k);
  }
  return std::nullopt;
}

}  // namespace

ApiResult<AccessEntry> MakeAccessEntry(const NewAccessEntry& request, const ClusterInfo& cluster, std::string uuid,
                                       TimePoint now) {
  if (request.principal_arn.empty()) return std::unexpected(InvalidParameter("principalArn is required"));
  auto principal = ParsePrincipal(request.principal_arn);
  if (!principal) return std::unexpected(principal.error());
  if (principal->role && std::string_view(principal->arn.resource).starts_with("role/aws-service-role/")) {
    return std::unexpected(
        InvalidParameter("The principalArn parameter is not valid: a service-linked role cannot be an access entry principal"));
  }
  AccessEntry e;
  e.type = request.type.empty() ? "STANDARD" : request.type;
  const auto& types = EntryTypes();
  if (std::find(types.begin(), types.end(), e.type) == types.end()) {
    return std::unexpected(InvalidParameter("The type " + e.type +
                                            " is invalid, valid types are STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, "
                                            "EC2, HYBRID_LINUX and HYPERPOD_LINUX"));
  }
  if (e.type != "STANDARD") {
    if (!principal->role) {
      return std::unexpected(InvalidParameter("The principalArn of an access entry of type " + e.type + " must be an IAM role"));
    }
    if (!cluster.account_id.empty() && principal->arn.account != cluster.account_id) {
      return std::unexpected(InvalidParameter("The principalArn of an access entry of type " + e.type +
                                              " must be in the cluster's account " + cluster.account_id));
    }
  }
  if (IsNodeType(e.type) && (!request.kubernetes_groups.empty() || !request.username.empty())) {
    return std::unexpected(InvalidParameter("kubernetesGroups and username can only be set on access entries of type STANDARD"));
  }
  if (auto bad = CheckGroups(request.kubernetes_groups)) return std::unexpected(*bad);
  if (!request.username.empty()) {
    if (auto bad = CheckUsername(request.username)) return std::unexpected(*bad);
  }
  if (auto bad = CheckTags(request.tags)) return std::unexpected(*bad);
  e.cluster_name = cluster.name;
  e.principal_arn = request.principal_arn;
  e.username = request.username.empty() ? DefaultUsername(request.principal_arn, e.type) : request.username;
  e.kubernetes_groups = request.kubernetes_groups.empty() ? DefaultGroups(e.type) : request.kubernetes_groups;
  e.tags = request.tags;
  e.access_entry_arn = "arn:" + cluster.partition + ":eks:" + cluster.region + ":" +
                       (cluster.account_id.empty() ? principal->arn.account : cluster.account_id) + ":access-entry/" +
                       cluster.name + "/" + (principal->role ? "role" : "user") + "/" + principal->arn.account + "/" +
                       principal->name + "/" + uuid;
  e.created_at = e.modified_at = now;
  return e;
}

ApiResult<AccessEntry> UpdateAccessEntry(AccessEntry entry, const std::optional<std::vector<std::string>>& groups,
                                         const std::optional<std::string>& username, TimePoint now) {
  if (IsNodeType(entry.type) && (groups || username)) {
    return std::unexpected(InvalidParameter("kubernetesGroups and username can only be set on access entries of type STANDARD"));
  }
  if (groups) {
    if (auto bad = CheckGroups(*groups)) return std::unexpected(*bad);
    entry.kubernetes_groups = *groups;
  }
  if (username) {
    if (username->empty()) {
      entry.username = DefaultUsername(entry.principal_arn, entry.type);
    } else {
      if (auto bad = CheckUsername(*username)) return std::unexpected(*bad);
      entry.username = *username;
    }
  }
  entry.modified_at = now;
  return entry;
}

bool IsClusterAdmin(const AccessEntry& e) {
  for (const auto& p : e.policies) {
    const AccessPolicy* policy = FindPolicy(p.policy);
    if (policy && policy->name == "AmazonEKSClusterAdminPolicy" && p.scope.type == "cluster") return true;
  }
  return false;
}

ApiResult<AccessScope> ValidateScope(const AccessScope& scope) {
  if (scope.type == "cluster") {
    if (!scope.namespaces.empty()) {
      return std::unexpected(InvalidParameter("accessScope.namespaces must be empty when accessScope.type is cluster"));
    }
    return scope;
  }
  if (scope.type != "namespace") {
    return std::unexpected(InvalidParameter("accessScope.type " + scope.type + " is invalid, it must be cluster or namespace"));
  }
  if (scope.namespaces.empty() || scope.namespaces.size() > 100) {
    return std::unexpected(
        InvalidParameter("accessScope.namespaces must name 1 to 100 namespaces when accessScope.type is namespace"));
  }
  for (const auto& n : scope.namespaces) {
    bool ok = !n.empty() && n.size() <= 63 && std::all_of(n.begin(), n.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '*';
    });
    if (!ok) {
      return std::unexpected(InvalidParameter("accessScope.namespaces: " + n +
                                              " is invalid, a namespace is 1 to 63 lower-case letters, digits and '-', "
                                              "with '*' as a wildcard"));
    }
  }
  return scope;
}

ApiResult<AccessEntry> AssociatePolicy(AccessEntry entry, std::string_view policy_arn, const AccessScope& scope,
                                       std::string_view partition, TimePoint now) {
  const AccessPolicy* policy = policy_arn.starts_with("arn:") ? FindPolicy(policy_arn) : nullptr;
  if (!policy) {
    return std::unexpected(InvalidParameter("The policyArn " + std::string(policy_arn) + " is not a valid access policy ARN"));
  }
  bool auto_node = entry.type == "EC2" && policy->name == "AmazonEKSAutoNodePolicy";
  if (entry.type != "STANDARD" && !auto_node) {
    return std::unexpected(
        InvalidParameter("This operation can only be performed on Access Entries with a type of \"STANDARD\"."));
  }
  if (!policy->customer_assignable && !auto_node) {
    return std::unexpected(InvalidParameter("The access policy " + policy->name +
                                            " can only be associated with roles that EKS manages"));
  }
  auto valid = ValidateScope(scope);
  if (!valid) return std::unexpected(valid.error());
  std::string arn = policy->Arn(partition);
  for (auto& p : entry.policies) {
    if (p.policy == arn) {
      p.scope = *valid;
      p.modified_at = now;
      return entry;
    }
  }
  entry.policies.push_back({arn, *valid, now, now});
  return entry;
}

}  // namespace kubeiam::eks
