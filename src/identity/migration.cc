#include "identity/migration.h"

#include <algorithm>
#include <map>

#include "aws/arn.h"
#include "eks/access_policies.h"
#include "util/strings.h"

namespace kubeiam::identity {

MigrationPlan PlanMigration(const AwsAuthManifest& manifest, const std::set<std::string>& existing_lower_arns,
                            const eks::ClusterInfo& cluster) {
  MigrationPlan plan;
  std::vector<AwsAuthRow> rows = manifest.roles;
  rows.insert(rows.end(), manifest.users.begin(), manifest.users.end());
  // The authenticator keeps the last row per ARN: earlier ones never applied.
  std::map<std::string, size_t> last;
  for (size_t i = 0; i < rows.size(); ++i) last[ToLower(rows[i].arn)] = i;
  auto skip = [&](const AwsAuthRow& row, std::string note, bool blocks) {
    plan.steps.push_back({row, false, {}, "", std::move(note), blocks});
    plan.blocks_api |= blocks;
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const AwsAuthRow& row = rows[i];
    if (last[ToLower(row.arn)] != i) {
      skip(row, "shadowed by a later row for the same ARN (it never applied)", false);
      continue;
    }
    if (existing_lower_arns.contains(ToLower(row.arn))) {
      skip(row, "already has an access entry", false);
      continue;
    }
    auto arn = aws::ParseArn(row.arn);
    if (!arn) {
      skip(row, "not an ARN: " + arn.error().message, true);
      continue;
    }
    if (row.role && arn->resource.starts_with("role/aws-service-role/")) {
      skip(row, "a service-linked role: EKS manages its access", true);
      continue;
    }
    if (row.role && std::count(arn->resource.begin(), arn->resource.end(), '/') > 1) {
      skip(row, "a role path in aws-auth never matched; create the entry by hand if the role needs access", false);
      continue;
    }
    MigrationStep step{row, true, {row.arn, "STANDARD", row.username, {}, {}}, "", "", false};
    bool windows = std::find(row.groups.begin(), row.groups.end(), "eks:kube-proxy-windows") != row.groups.end();
    if (row.username == "system:node:{{EC2PrivateDNSName}}") {
      step.entry = {row.arn, windows ? "EC2_WINDOWS" : "EC2_LINUX", "", {}, {}};
      step.note = "node role";
    } else {
      std::string blocked;
      for (const auto& g : row.groups) {
        if (g == "system:masters") {
          step.policy_arn = eks::FindPolicy("AmazonEKSClusterAdminPolicy")->Arn(cluster.partition);
          step.note = "system:masters becomes AmazonEKSClusterAdminPolicy (cluster scope)";
        } else if (g.starts_with("system:")) {
          blocked = g;
        } else {
          step.entry.kubernetes_groups.push_back(g);
        }
      }
      if (!blocked.empty()) {
        skip(row, "group " + blocked + " cannot be given to an access entry (system: groups are reserved)", true);
        continue;
      }
    }
    // Whatever EKS would refuse (usernames without ':' before {{SessionName}}, reserved prefixes...).
    if (auto made = eks::MakeAccessEntry(step.entry, cluster, "plan", TimePoint{}); !made) {
      skip(row, made.error().message, true);
      continue;
    }
    plan.steps.push_back(std::move(step));
  }
  for (const auto& a : manifest.accounts) {
    skip({false, a, "", {}}, "mapAccounts has no access-entry equivalent (an entry per principal is needed)", true);
  }
  return plan;
}

}  // namespace kubeiam::identity
