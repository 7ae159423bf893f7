#include "cli/analysis.h"

#include <iostream>
#include <set>

#include "authz/authorizer.h"
#include "identity/aws_auth.h"
#include "rbac/bootstrap.h"
#include "rbac/resources.h"
#include "server/config.h"
#include "util/file.h"

namespace kubeiam::cli {

void AddStateOptions(CLI::App* cmd, StateOptions& o) {
  cmd->add_option("--rbac", o.rbac, "RBAC manifests: file or folder (repeatable)");
  cmd->add_flag("--no-bootstrap", o.no_bootstrap, "Leave out Kubernetes' default roles and bindings");
  cmd->add_option("--config", o.config, "kubeiam server config whose mappings apply");
  cmd->add_option("--aws-auth", o.aws_auth, "aws-auth ConfigMap manifest whose mappings apply");
}

void AddWhoOptions(CLI::App* cmd, WhoOptions& o) {
  cmd->add_option("--as", o.as, "Kubernetes user to check");
  cmd->add_option("--as-group", o.as_groups, "Group of that user (repeatable)");
  cmd->add_option("--arn", o.arn, "IAM principal ARN to map (through --config / --aws-auth) and check");
}

Result<identity::UserInfo> MapArn(const std::string& arn, const StateOptions& state) {
  auto id = identity::IdentityFromArn(arn);
  if (!id) return Fail(ErrorCode::kPermissionDenied, "--arn: " + id.error().message);
  auto chain = LoadMappings(state);
  if (!chain) return std::unexpected(chain.error());
  if (chain->empty()) return Fail(ErrorCode::kInvalidArgument, "--arn needs --config and/or --aws-auth to map it");
  return identity::MapIdentity(*chain, *id, nullptr);
}

Result<ResolvedUser> ResolveUser(const WhoOptions& who, const StateOptions& state) {
  if (who.as.empty() && who.arn.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "name who is asking: --as USER [--as-group GROUP]... or --arn ARN");
  }
  if (!who.as.empty() && !who.arn.empty()) return Fail(ErrorCode::kInvalidArgument, "--as and --arn are mutually exclusive");
  ResolvedUser out;
  if (!who.as.empty()) {
    out.user = {who.as, authz::WithImpliedGroups(who.as, who.as_groups)};
    return out;
  }
  auto mapped = MapArn(who.arn, state);
  if (!mapped) return std::unexpected(mapped.error());
  out.user = {mapped->username, authz::WithImpliedGroups(mapped->username, mapped->groups)};
  out.note = who.arn + " -> " + mapped->username + " " + ListCell(mapped->groups) + " (mapped by " + mapped->backend + ")";
  return out;
}

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, const char* all_namespaces_help) {
  cmd->add_option("args", o.args, "VERB (TYPE | TYPE/NAME | /URL)");
  cmd->add_option("--subresource", o.subresource, "Subresource, e.g. log");
  cmd->add_option("-n,--namespace", o.ns, "Namespace")->capture_default_str();
  cmd->add_flag("-A,--all-namespaces", o.all_namespaces, all_namespaces_help);
}

Result<rbac::Policy> LoadPolicy(const StateOptions& o, std::vector<std::string>& warnings) {
  rbac::Objects objects;
  for (const auto& path : o.rbac) {
    auto loaded = rbac::LoadManifests(path);
    if (!loaded) return std::unexpected(loaded.error());
    objects.Append(std::move(*loaded));
  }
  warnings.insert(warnings.end(), objects.problems.begin(), objects.problems.end());
  objects = rbac::WithBootstrap(std::move(objects), !o.no_bootstrap);
  return rbac::Policy(objects.roles, objects.cluster_roles, objects.role_bindings, objects.cluster_role_bindings);
}

std::optional<rbac::Policy> LoadPolicyOrReport(const StateOptions& o) {
  std::vector<std::string> warnings;
  auto policy = LoadPolicy(o, warnings);
  for (const auto& w : warnings) std::cerr << "Warning: " << w << "\n";
  if (!policy) {
    std::cerr << "error: " << policy.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*policy);
}

Result<std::vector<identity::Backend>> LoadMappings(const StateOptions& o) {
  std::vector<identity::Backend> chain;
  if (!o.config.empty()) {
    auto cfg = server::LoadConfig(o.config);
    if (!cfg) return std::unexpected(cfg.error());
    auto table = identity::BuildFileTable(cfg->map_roles, cfg->map_users, cfg->map_accounts);
    if (!table) return std::unexpected(table.error());
    chain.push_back({std::string(identity::kMountedFile), std::make_shared<const identity::MappingTable>(std::move(*table)),
                     cfg->ReservedPrefixesFor(identity::kMountedFile)});
  }
  if (!o.aws_auth.empty()) {
    auto text = ReadFile(o.aws_auth);
    if (!text) return std::unexpected(text.error());
    auto parsed = identity::ParseAwsAuthConfigMap(*text);
    if (!parsed) return std::unexpected(parsed.error().Wrap(o.aws_auth));
    chain.push_back({std::string(identity::kEksConfigMap),
                     std::make_shared<const identity::MappingTable>(identity::BuildConfigMapTable(*parsed)), {}});
  }
  return chain;
}

Result<rbac::Attributes> ParseRequest(const std::string& verb, const std::string& target, const std::string& subresource,
                                      const std::string& ns, std::vector<std::string>& warnings) {
  rbac::Attributes a;
  a.verb = verb;
  if (target.starts_with("/")) {
    if (!subresource.empty()) return Fail(ErrorCode::kInvalidArgument, "--subresource can not be used with NonResourceURL");
    a.resource_request = false;
    a.path = target;
  } else {
    std::string type = target, name;
    if (size_t slash = target.find('/'); slash != std::string::npos) {
      type = target.substr(0, slash);
      name = target.substr(slash + 1);
    }
    auto resolved = rbac::ResolveResourceType(type);
    if (!resolved) {
      warnings.push_back("the server doesn't have a resource type '" + type + "'");
      resolved = rbac::ResourceType{type, "", true};
    } else if (!resolved->namespaced && !ns.empty() && ns != "default") {
      warnings.push_back("resource '" + resolved->resource + "' is not namespace scoped");
    }
    a.resource = resolved->resource;
    a.api_group = resolved->group;
    a.subresource = subresource;
    a.name = name;
    a.namespace_ = ns;
  }
  static const std::set<std::string> kVerbs = {"get", "list", "watch", "create", "update", "patch", "delete",
                                               "deletecollection", "use", "bind", "impersonate", "*", "approve",
                                               "sign", "escalate", "attest", "proxy", "post", "put", "head", "options"};
  if (!kVerbs.contains(verb)) warnings.push_back("verb '" + verb + "' is not a known verb");
  return a;
}

void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += r[i] + std::string(width[i] - r[i].size() + 3, ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
}

std::string ListCell(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
  return out + "]";
}

}  // namespace kubeiam::cli
