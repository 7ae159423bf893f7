// EKS access entries (spec/eks-access.md §2): an IAM principal's grant to a cluster, its
// defaults, and every validation rule of §2.4 with EKS's exception type and message. Pure: times
// and the cluster's identity are passed in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eks/access_policies.h"
#include "util/time.h"

namespace kubeiam::eks {

// An EKS API error: the exception type (its `__type`), the HTTP status it travels with, and the
// message, e.g. {"InvalidParameterException", 400, "The principalArn parameter format is not valid"}.
struct ApiError {
  std::string type;
  int status = 400;
  std::string message;
};

template <typename T>
using ApiResult = std::expected<T, ApiError>;

ApiError InvalidParameter(std::string message);
ApiError InvalidRequest(std::string message);
ApiError ResourceNotFound(std::string message);
ApiError ResourceInUse(std::string message);

// STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, HYPERPOD_LINUX.
const std::vector<std::string>& EntryTypes();

struct AccessEntry {
  std::string cluster_name;
  std::string principal_arn;  // IAM user or role ARN, role path kept
  std::string type = "STANDARD";
  std::string username;       // defaulted when empty (DefaultUsername)
  std::vector<std::string> kubernetes_groups;
  std::map<std::string, std::string> tags;
  std::string access_entry_arn;
  // The principal's unique ID (AIDA.../AROA...) when known: a principal deleted and recreated
  // under the same ARN gets a new ID and no longer matches (§2.1).
  std::string principal_id;
  TimePoint created_at{}, modified_at{};
  std::vector<AssociatedPolicy> policies;
  // The clientRequestToken the entry was created with: a retry with the same token gets the
  // entry back instead of ResourceInUseException (the SDKs retry creates on timeouts).
  std::string client_request_token;
  bool operator==(const AccessEntry&) const = default;
};

// What a create request asks for, before defaults.
struct NewAccessEntry {
  std::string principal_arn;
  std::string type;  // empty: STANDARD
  std::string username;
  std::vector<std::string> kubernetes_groups;
  std::map<std::string, std::string> tags;
};

struct ClusterInfo {
  std::string name;
  std::string account_id;  // empty: not known, cross-account checks skipped
  std::string region = "us-east-1";
  std::string partition = "aws";
};

// The username EKS fills in (§2.3): the user ARN; for a STANDARD role
// arn:<p>:sts::<acct>:assumed-role/<name>/{{SessionName}} (path removed); node types
// system:node:{{EC2PrivateDNSName}} or system:node:{{SessionName}}.
std::string DefaultUsername(std::string_view principal_arn, std::string_view type);
// The groups EKS manages for node types (EC2_LINUX: system:nodes); none for STANDARD.
std::vector<std::string> DefaultGroups(std::string_view type);

// Validates and fills in defaults; `uuid` makes the entry's ARN unique. InvalidParameterException
// for every rule of §2.4.
ApiResult<AccessEntry> MakeAccessEntry(const NewAccessEntry& request, const ClusterInfo& cluster, std::string uuid,
                                       TimePoint now);

// UpdateAccessEntry: groups replaced wholesale when given, username when given (STANDARD only).
ApiResult<AccessEntry> UpdateAccessEntry(AccessEntry entry, const std::optional<std::vector<std::string>>& groups,
                                         const std::optional<std::string>& username, TimePoint now);

// AssociateAccessPolicy: an upsert keyed by policy ARN (a new scope replaces the old one and bumps
// modifiedAt). Errors: not STANDARD, unknown or service-only policy, bad scope.
ApiResult<AccessEntry> AssociatePolicy(AccessEntry entry, std::string_view policy_arn, const AccessScope& scope,
                                       std::string_view partition, TimePoint now);

// Whether the entry makes its principal a cluster administrator: AmazonEKSClusterAdminPolicy
// associated at cluster scope.
bool IsClusterAdmin(const AccessEntry& e);

// The scope rules: type "cluster" (no namespaces) or "namespace" (1 to 100 names or patterns of
// lower-case letters, digits, '-' and '*', at most 63 characters).
ApiResult<AccessScope> ValidateScope(const AccessScope& scope);

// The username rules of §2.3 (reserved prefixes, ':' before {{SessionName}}).
std::optional<ApiError> CheckUsername(std::string_view username);

}  // namespace kubeiam::eks
