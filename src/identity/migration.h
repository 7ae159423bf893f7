// aws-auth to access entries (eksctl's migrate-to-access-entry rules, spec/eks-access.md §6.6):
// node rows become EC2_LINUX (EC2_WINDOWS with eks:kube-proxy-windows) entries, system:masters
// rows STANDARD entries with AmazonEKSClusterAdminPolicy at cluster scope, other rows STANDARD
// entries with their groups and username. Rows with other system: groups, service-linked roles,
// accounts, role paths that never matched and usernames EKS refuses are skipped with the reason;
// such skips block a move to API. Shadowed duplicates give way to the last row, as the
// authenticator reads them. Pure.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eks/access_entry.h"
#include "identity/aws_auth_manifest.h"

namespace kubeiam::identity {

struct MigrationStep {
  AwsAuthRow row;            // as written in aws-auth (for accounts: arn holds the account)
  bool create = false;       // false: skipped, see note
  eks::NewAccessEntry entry;
  std::string policy_arn;    // associated at cluster scope when set
  std::string note;
  bool blocks_api = false;   // skipped in a way that aws-auth would still be needed
};

struct MigrationPlan {
  std::vector<MigrationStep> steps;
  bool blocks_api = false;
};

// `existing`: principal ARNs (any case) that already have entries (skipped, not blocking).
MigrationPlan PlanMigration(const AwsAuthManifest& manifest, const std::set<std::string>& existing_lower_arns,
                            const eks::ClusterInfo& cluster);

}  // namespace kubeiam::identity
