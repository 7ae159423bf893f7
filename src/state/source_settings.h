// What a Sources reads and builds: where each source is, the mapper chain's order, whether to
// build RBAC. A server config gives all of it (SettingsOf); analysis commands start from a config
// or from nothing, and add what their flags name.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "eks/authentication_mode.h"
#include "identity/mapping_table.h"
#include "config/config.h"
#include "state/cluster_objects.h"
#include "state/stored_objects.h"
#include "store/access_store.h"

namespace kubeiam::state {

// Where each source is and what to build; SettingsOf makes them from a server config.
struct SourceSettings {
  std::vector<std::string> backend_modes;               // the mapper chain, in order
  std::shared_ptr<const identity::MappingTable> mounted_file;  // the config's own mapRoles/mapUsers/mapAccounts
  std::string aws_auth_file, dynamic_file, access_entries_file;
  bool dynamic_file_strict = false;
  std::shared_ptr<store::AccessStore> store;  // entries and the mode, when they live in a store
  // The objects the Kubernetes front keeps (kv null: none). When set, its RBAC objects (the
  // default policy among them) authorize beside rbac_paths, and its kube-system/aws-auth is the
  // EKSConfigMap source unless aws_auth_file names a file.
  StoredObjects objects;
  // A live cluster read through its API server (null: none). When set and cluster_rbac, its
  // RBAC replaces the bootstrap policy (the cluster has its own); when cluster_aws_auth, its
  // aws-auth is the EKSConfigMap source unless aws_auth_file names a file. Read again when its
  // Generation moves (a watched cluster), else on full loads only (commands read it once).
  std::shared_ptr<ClusterObjects> cluster;
  bool cluster_rbac = true, cluster_aws_auth = true;
  eks::AuthenticationMode authentication_mode = eks::AuthenticationMode::kConfigMap;
  bool store_sets_mode = true;  // the store's mode wins over authentication_mode (as in the server)
  std::set<std::string> scrubbed_accounts;
  std::function<std::vector<std::string>(std::string_view backend)> reserved_prefixes;
  bool rbac = false;  // build the RBAC policy (from rbac_paths, plus the bootstrap policy)
  std::vector<std::string> rbac_paths;
  bool bootstrap_policy = true;
  bool webhook_full_chain = false;
  // Problems that do not fail a load (an aws-auth row or an RBAC object ignored) go here; the
  // server logs them, commands print them.
  std::function<void(const std::string& source, const std::string& problem)> on_problem;
};

// The sources a server config names; `store` is the opened access-entry store when the config
// keeps entries in one, `kv` the store under it (the Kubernetes objects are read from it when
// the config's front serves them). Errors: the config's own mappings do not build (names the file).
// `cluster` is the cluster the config names (server.kubeconfig, authorization.rbac), opened.
Result<SourceSettings> SettingsOf(const config::Config& config, std::shared_ptr<store::AccessStore> store,
                                  std::shared_ptr<store::KvStore> kv = nullptr,
                                  std::shared_ptr<ClusterObjects> cluster = nullptr);

// Whether a config's Kubernetes front keeps objects in the store (kubeAPI without an upstream).
bool ServesStoredObjects(const config::Config& config);

}  // namespace kubeiam::state
