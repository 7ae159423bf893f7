// The kube-system/aws-auth ConfigMap (spec/authenticator.md §3.4): its mapRoles, mapUsers and
// mapAccounts strings, parsed leniently as EKS does (bad entries are dropped and reported, the
// rest is used), into a MappingTable whose role ARNs are not canonicalised.
#pragma once

#include <string>
#include <vector>

#include "identity/mapping.h"
#include "identity/mapping_table.h"

namespace kubeiam::identity {

struct AwsAuth {
  std::vector<RoleMapping> roles;
  std::vector<UserMapping> users;
  std::vector<std::string> accounts;
  std::vector<std::string> problems;  // entries dropped, with the reason
};

// Parses a ConfigMap manifest (YAML or JSON). Errors only for documents that are not a ConfigMap
// at all or whose data values are not strings (Kubernetes itself would refuse those); they start
// with the document's name and the position at fault: "aws-auth.yaml:7:13: data.mapRoles: ...".
Result<AwsAuth> ParseAwsAuthConfigMap(std::string_view manifest, std::string_view name = "aws-auth");
// Where a data string starts in its manifest, so that a dropped entry is reported with its line:
// "mapRoles[1] (line 7): ...". A block (`mapRoles: |`) has one entry line per manifest line; a
// one-line string (JSON) puts every entry on its own line.
struct DataLine {
  int line = 0;  // 1-based; 0: not from a file
  bool block = true;
};
struct AwsAuthLines {
  DataLine map_roles, map_users, map_accounts;
};
// Parses the three data strings directly (any may be empty).
AwsAuth ParseAwsAuthData(std::string_view map_roles, std::string_view map_users, std::string_view map_accounts,
                         const AwsAuthLines& lines = {});

MappingTable BuildConfigMapTable(const AwsAuth& data);

// MountedFile: role ARNs are canonicalised (an assumed-role ARN becomes its role), user ARNs
// lower-cased and canonicalised. Errors name the entry ("mapRoles[2]: ...").
Result<MappingTable> BuildFileTable(const std::vector<RoleMapping>& roles, const std::vector<UserMapping>& users,
                                    const std::vector<std::string>& accounts);

}  // namespace kubeiam::identity
