// What the analysis commands (can-i, who-can, ...) share: the flags naming the cluster state
// (--rbac, --no-bootstrap, --config, --aws-auth, --access-entries, --store,
// --authentication-mode, and a live cluster's --kubeconfig/--context), loading it through the same Sources as the server, and reading a
// request target the way kubectl auth can-i does.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "identity/mapper_chain.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"
#include "state/source_settings.h"
#include "util/error.h"

namespace kubeiam::cli {

struct StateOptions {
  std::vector<std::string> rbac;
  bool no_bootstrap = false;
  std::string config, aws_auth, access_entries, store, authentication_mode;
  std::string kubeconfig, context;  // a live cluster: its RBAC and aws-auth through its API server
  bool insecure_skip_tls_verify = false;  // its API server's certificate not checked (as kubectl's flag)
  // A live EKS cluster's access entries and mode (default: the context's `get-token` arguments).
  std::string cluster_name, region, eks_endpoint;
  // No source named and a kubeconfig at hand: its current context, as rbac-tool and
  // kubectl-who-can do (set when the command line is parsed).
  bool current_context = false;
  bool LiveCluster() const { return !kubeconfig.empty() || !context.empty() || current_context; }
  bool HasMappings() const {
    return !config.empty() || !aws_auth.empty() || !access_entries.empty() || !store.empty() || LiveCluster() ||
           !cluster_name.empty();
  }
};

void AddStateOptions(CLI::App* cmd, StateOptions& o);

// The live cluster --kubeconfig/--context name, opened once per command (the RBAC and the
// mappings read it with one credential). Errors: the kubeconfig's.
Result<std::shared_ptr<state::ClusterObjects>> OpenLiveCluster(const StateOptions& o);

// VERB (TYPE | TYPE/NAME | /URL) [--subresource S] [-n NS | -A]
struct RequestOptions {
  std::vector<std::string> args;
  std::string subresource, ns = "default";
  bool all_namespaces = false;
  std::string Namespace() const { return all_namespaces ? "" : ns; }
};

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, const char* all_namespaces_help);

// Who is asking: --as USER [--as-group G]... or --arn ARN (mapped through the state's mappings).
// Both: the ARN's identity impersonates USER, as `kubectl --as` does.
struct WhoOptions {
  std::string as, arn;
  std::vector<std::string> as_groups;
};

void AddWhoOptions(CLI::App* cmd, WhoOptions& o);

// An IAM ARN through the mappings (no implied groups added). Errors: why it does not map.
Result<identity::UserInfo> MapArn(const std::string& arn, const state::Snapshot& mappings);

struct ResolvedUser {
  rbac::UserInfo user;  // with the groups the API server implies
  std::string note;     // for --arn: "ARN -> user [groups] (mapped by Backend)"
  // The access entry's policies when the ARN was mapped by one (and not impersonating).
  std::optional<std::vector<eks::AssociatedPolicy>> policies;
  std::optional<rbac::UserInfo> impersonator;  // --arn with --as: who impersonates
  // The authentication mode has access entries, so the API server runs the access-policy
  // webhook, which cannot list rules: `can-i --list` is incomplete.
  bool rules_incomplete = false;
  // --arn with --as refused: the API server's Forbidden message (user is then the ARN's own).
  std::string impersonation_forbidden;
};

// Errors: kInvalidArgument for a usage problem (no --as and no --arn, --as-group without --as,
// --arn without mappings); kFormat when the mappings could not be loaded; kPermissionDenied with
// why the ARN could not be mapped ("identity is not mapped"). A refused
// impersonation is an answer, in impersonation_forbidden.
Result<ResolvedUser> ResolveUser(const WhoOptions& who, const StateOptions& state, const rbac::Authorizer& policy);

// Manifests (--rbac, else the --config's authorization.rbac) plus, unless --no-bootstrap or the
// config's bootstrapPolicy: false, Kubernetes' default policy, aggregated. Problems in the
// manifests are appended to `warnings`.
Result<rbac::Authorizer> LoadPolicy(const StateOptions& o, std::vector<std::string>& warnings);

// LoadPolicy for a command: warnings and errors go to stderr; nullopt when it failed.
std::optional<rbac::Authorizer> LoadPolicyOrReport(const StateOptions& o);

// The mappings the server would use, as a snapshot without RBAC: --config's backends, files and
// store, --aws-auth, --access-entries (a file) or --store, ordered by --authentication-mode (else
// the store's, else the config's, else API_AND_CONFIG_MAP when access entries are given, else
// CONFIG_MAP).
Result<state::Snapshot> LoadMappings(const StateOptions& o);

// The sources the flags name, as state::Sources reads them: --config's, with the other flags on
// top. kMappings: the mapper chain, access entries and mode (no RBAC); kRbac: the RBAC policy
// alone (--rbac, else the config's, plus the bootstrap policy), no mapping source opened.
enum class StatePart { kMappings, kRbac };
Result<state::SourceSettings> SettingsOfFlags(const StateOptions& o, StatePart part);

// An access-entry store to read: nothing when the file does not exist yet (no entries), or when
// it holds no state for `cluster` (empty: the only cluster it holds).
struct StoreToRead {
  std::shared_ptr<store::KvStore> kv;           // null when the file does not exist
  std::shared_ptr<store::AccessStore> access;   // null when it holds no such cluster
};
Result<StoreToRead> OpenStoreToRead(const std::string& path, const std::string& cluster);
// The store a config names (its SQLite file, or etcd), opened to read.
Result<StoreToRead> OpenConfigStoreToRead(const config::Config& config);

// Administrators a server config (and --store) give outside aws-auth: the config's own
// system:masters mappings and access entries with AmazonEKSClusterAdminPolicy at cluster scope.
// 0 without either.
size_t AdministratorsOutsideAwsAuth(const std::string& config, const std::string& store = "");

// VERB with TYPE, TYPE/NAME or /URL, as kubectl auth can-i reads them. Warnings for unknown
// types and verbs go to `warnings`; errors are usage errors.
Result<rbac::Attributes> ParseRequest(const std::string& verb, const std::string& target, const std::string& subresource,
                                      const std::string& ns, std::vector<std::string>& warnings);

// Rows in columns three spaces apart (the first row is the header), no trailing blanks; on a
// terminal, narrowed to its width.
void PrintTable(const std::vector<std::vector<std::string>>& rows);

// "[a b c]", as kubectl prints lists.
std::string ListCell(const std::vector<std::string>& v);

}  // namespace kubeiam::cli
