// aws-auth manifests the tests share.
#pragma once

#include <string>

namespace kubeiam::testing {

// The data section of a healthy aws-auth: a node role and an administrator role.
inline const std::string kNodeAndAdminData = R"(  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/NodeRole
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::111122223333:role/Admin
      username: "admin:{{SessionName}}"
      groups: [system:masters]
)";

// A kube-system/aws-auth ConfigMap manifest around `data` lines.
inline std::string AwsAuthManifest(const std::string& data) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n" + data;
}

}  // namespace kubeiam::testing
