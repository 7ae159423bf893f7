// EKS's access API (REST-JSON, API version 2017-11-01; spec/eks-access.md §2.5) for the access
// entries of this cluster: create/describe/update/delete/list access entries,
// associate/disassociate/list associated access policies, list access policies, describe and
// list clusters, update-cluster-config (authenticationMode). Shapes, status codes and error
// types as EKS's, so the real `aws eks ... --endpoint-url` drives it.
//
// Callers authenticate with SigV4 (service "eks") against the local STS's principals, or with a
// kubeiam token (`Authorization: Bearer k8s-aws-v1...`) verified like /authenticate, which is how
// callers with real IAM credentials reach it. Reads need a verified caller; writes need
// cluster-admin rights through the current mappings (system:masters, an access entry with
// AmazonEKSClusterAdminPolicy at cluster scope, or an RBAC cluster-admin binding). A write that
// would leave the cluster with no administrator is refused.
#pragma once

#include <functional>
#include <memory>

#include "server/authenticator.h"
#include "store/access_store.h"
#include "sts/local_sts.h"

namespace kubeiam::server {

class EksApi {
 public:
  // `local_sts` may be null (only Bearer tokens then). The authenticator verifies tokens, maps
  // callers and is told to reload after each write so the next request sees it.
  EksApi(std::shared_ptr<store::AccessStore> store, std::shared_ptr<const sts::LocalSts> local_sts, Authenticator* auth);

  // For a local operator working on the store file directly (`kubeiam access-entry --store`):
  // no caller to authenticate, every operation allowed; `mapped_admins(mode)` says how many
  // administrators other mappings give, for the lock-out guard (none when null).
  EksApi(std::shared_ptr<store::AccessStore> store, std::function<size_t(eks::AuthenticationMode)> mapped_admins);

  http::HttpResponse Handle(const http::HttpRequest& request);

  // Where the cluster's API server is, as DescribeCluster answers it (`aws eks update-kubeconfig`
  // writes these into a kubeconfig): the Kubernetes front's URL and its CA bundle (PEM).
  struct Endpoint {
    std::string url;
    std::string ca_pem;
  };
  void SetEndpoint(Endpoint endpoint) { endpoint_ = std::move(endpoint); }

 private:
  struct Call;
  // Authenticates the caller (its ARN into `caller_arn`) and routes the call.
  http::HttpResponse Authenticated(const http::HttpRequest& request, std::string& caller_arn);
  http::HttpResponse Route(Call& call);
  std::shared_ptr<store::AccessStore> store_;
  std::shared_ptr<const sts::LocalSts> local_sts_;
  Authenticator* auth_ = nullptr;  // null: the trusted local use
  std::function<size_t(eks::AuthenticationMode)> mapped_admins_;
  Endpoint endpoint_;
};

}  // namespace kubeiam::server
