// An aws-auth ConfigMap manifest as tools edit it (eksctl iamidentitymapping, kubeiam migrate;
// spec/eks-access.md §6): the rows in the order written, duplicates included, and the manifest
// written back with every other key kept and mapRoles/mapUsers re-serialised as eksctl does
// (keys sorted: groups, rolearn|userarn, username; empty ones left out). Comments are not kept.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::identity {

struct AwsAuthRow {
  bool role = true;  // mapRoles (rolearn) or mapUsers (userarn)
  std::string arn, username;
  std::vector<std::string> groups;
  bool operator==(const AwsAuthRow&) const = default;
};

class AwsAuthManifest {
 public:
  // Empty text gives a new, empty kube-system/aws-auth. Errors: not YAML, not a ConfigMap, a data
  // value that is not a string, or a section that does not parse (as eksctl, nothing is edited
  // then: `unmarshalling "mapRoles": ...`). Each starts with `name` and the position at fault:
  // "aws-auth.yaml:7:13: data.mapRoles: must be a string ...".
  static Result<AwsAuthManifest> Parse(std::string_view text, std::string_view name = "aws-auth");

  std::vector<AwsAuthRow> roles, users;
  std::vector<std::string> accounts;

  std::string Serialize() const;

 private:
  std::string original_;
};

}  // namespace kubeiam::identity
