// What the analysis commands (can-i, who-can, ...) share: the flags naming the cluster state
// (--rbac, --no-bootstrap, --config, --aws-auth), loading it, and reading a request target the
// way kubectl auth can-i does.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "identity/mapper_chain.h"
#include "rbac/authorizer.h"
#include "util/error.h"

namespace kubeiam::cli {

struct StateOptions {
  std::vector<std::string> rbac;
  bool no_bootstrap = false;
  std::string config, aws_auth;
};

void AddStateOptions(CLI::App* cmd, StateOptions& o);

// VERB (TYPE | TYPE/NAME | /URL) [--subresource S] [-n NS | -A]
struct RequestOptions {
  std::vector<std::string> args;
  std::string subresource, ns = "default";
  bool all_namespaces = false;
  std::string Namespace() const { return all_namespaces ? "" : ns; }
};

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, const char* all_namespaces_help);

// Who is asking: --as USER [--as-group G]... or --arn ARN (mapped through the state's mappings).
struct WhoOptions {
  std::string as, arn;
  std::vector<std::string> as_groups;
};

void AddWhoOptions(CLI::App* cmd, WhoOptions& o);

// An IAM ARN through the state's mappings (no implied groups added). Errors: kInvalidArgument
// when no mappings were given, else why it does not map.
Result<identity::UserInfo> MapArn(const std::string& arn, const StateOptions& state);

struct ResolvedUser {
  rbac::UserInfo user;  // with the groups the API server implies
  std::string note;     // for --arn: "ARN -> user [groups] (mapped by Backend)"
};

// Errors: kInvalidArgument for a usage problem (neither or both of --as and --arn); otherwise
// why the ARN could not be mapped ("identity is not mapped").
Result<ResolvedUser> ResolveUser(const WhoOptions& who, const StateOptions& state);

// Manifests plus (unless --no-bootstrap) Kubernetes' default policy, aggregated. Problems in the
// manifests are appended to `warnings`.
Result<rbac::Policy> LoadPolicy(const StateOptions& o, std::vector<std::string>& warnings);

// LoadPolicy for a command: warnings and errors go to stderr; nullopt when it failed.
std::optional<rbac::Policy> LoadPolicyOrReport(const StateOptions& o);

// The mapper chain the server would use: MountedFile from --config, EKSConfigMap from --aws-auth.
Result<std::vector<identity::Backend>> LoadMappings(const StateOptions& o);

// VERB with TYPE, TYPE/NAME or /URL, as kubectl auth can-i reads them. Warnings for unknown
// types and verbs go to `warnings`; errors are usage errors.
Result<rbac::Attributes> ParseRequest(const std::string& verb, const std::string& target, const std::string& subresource,
                                      const std::string& ns, std::vector<std::string>& warnings);

// Rows in columns three spaces apart (the first row is the header), no trailing blanks.
void PrintTable(const std::vector<std::vector<std::string>>& rows);

// "[a b c]", as kubectl prints lists.
std::string ListCell(const std::vector<std::string>& v);

}  // namespace kubeiam::cli
