// The collections that decide access on a cluster, shared by the one-shot reader and the
// watching mirror: the four RBAC kinds, and kube-system/aws-auth (a ConfigMap list narrowed to
// one name, as the reference's EKSConfigMap backend watches it).
#pragma once

#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "kubeclient/object_list.h"
#include "rbac/loader.h"

namespace kubeiam::kubeclient {

inline constexpr char kAwsAuthPath[] = "/api/v1/namespaces/kube-system/configmaps/aws-auth";

const std::vector<Collection>& RbacCollections();
Collection AwsAuthCollection();

// RBAC objects (each with its kind) as the RBAC loader reads a List; `where` names them in
// problems.
Result<rbac::Objects> ParseRbacItems(boost::json::array items, const std::string& where);

}  // namespace kubeiam::kubeclient
