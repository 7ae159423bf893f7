#include "cli/analysis.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <set>

#include "authz/authorizer.h"
#include "authz/impersonation.h"
#include "eks/access_entries.h"
#include "identity/access_entries.h"
#include "identity/aws_auth.h"
#include "identity/dynamic_file.h"
#include "rbac/bootstrap.h"
#include "rbac/resources.h"
#include "server/config.h"
#include "util/file.h"
#include "util/table.h"

namespace kubeiam::cli {

void AddStateOptions(CLI::App* cmd, StateOptions& o) {
  cmd->add_option("--rbac", o.rbac, "RBAC manifests: file or folder (repeatable)");
  cmd->add_flag("--no-bootstrap", o.no_bootstrap, "Leave out Kubernetes' default roles and bindings");
  cmd->add_option("--config", o.config, "kubeiam server config whose mappings apply");
  cmd->add_option("--aws-auth", o.aws_auth, "aws-auth ConfigMap manifest whose mappings apply");
  cmd->add_option("--access-entries", o.access_entries,
                  "Access entries (YAML or JSON, shaped like aws eks describe-access-entry) whose mappings and policies apply");
  cmd->add_option("--authentication-mode", o.authentication_mode, "CONFIG_MAP, API_AND_CONFIG_MAP or API")
      ->check(CLI::IsMember({"CONFIG_MAP", "API_AND_CONFIG_MAP", "API"}));
}

void AddWhoOptions(CLI::App* cmd, WhoOptions& o) {
  cmd->add_option("--as", o.as, "Kubernetes user to check (with --arn: the user the ARN impersonates)");
  cmd->add_option("--as-group", o.as_groups, "Group of that user (repeatable)");
  cmd->add_option("--arn", o.arn, "IAM principal ARN to map (through --config / --aws-auth / --access-entries) and check");
}

Result<identity::UserInfo> MapArn(const std::string& arn, const state::Snapshot& mappings) {
  auto id = identity::IdentityFromArn(arn);
  if (!id) return Fail(ErrorCode::kPermissionDenied, "--arn: " + id.error().message);
  return identity::MapIdentity(mappings.chain, *id, nullptr);
}

Result<ResolvedUser> ResolveUser(const WhoOptions& who, const StateOptions& state, const rbac::Policy& policy) {
  if (who.as.empty() && who.arn.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "name who is asking: --as USER [--as-group GROUP]... or --arn ARN");
  }
  if (who.as.empty() && !who.as_groups.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "--as-group needs --as (groups cannot be impersonated without a user)");
  }
  ResolvedUser out;
  if (who.arn.empty()) {
    out.user = {who.as, authz::WithImpliedGroups(who.as, who.as_groups)};
    return out;
  }
  if (!state.HasMappings()) {
    return Fail(ErrorCode::kInvalidArgument, "--arn needs --config, --aws-auth and/or --access-entries to map it");
  }
  auto mappings = LoadMappings(state);
  if (!mappings) return Fail(ErrorCode::kFormat, mappings.error().message);
  auto mapped = MapArn(who.arn, *mappings);
  if (!mapped) return std::unexpected(mapped.error());
  out.user = {mapped->username, authz::WithImpliedGroups(mapped->username, mapped->groups)};
  out.note = who.arn + " -> " + mapped->username + " " + ListCell(mapped->groups) + " (mapped by " + mapped->backend + ")";
  if (const auto* policies = mappings->PoliciesFor(*mapped)) out.policies = *policies;
  out.rules_incomplete = eks::UsesAccessEntries(mappings->authentication_mode);
  if (who.as.empty()) return out;
  // --arn with --as: the ARN's identity impersonates, as kubectl --as would make it.
  auto as = authz::Impersonate(policy, out.user, out.policies ? &*out.policies : nullptr, {who.as, who.as_groups, "", {}});
  if (!as && as.error().code != ErrorCode::kPermissionDenied) return std::unexpected(as.error());
  if (!as) {
    out.impersonation_forbidden = as.error().message;
    return out;
  }
  out.note += "; impersonating " + who.as;
  out.impersonator = out.user;
  out.user = as->user;
  out.policies.reset();  // an impersonated request loses the caller's access policies
  return out;
}

void AddRequestOptions(CLI::App* cmd, RequestOptions& o, const char* all_namespaces_help) {
  cmd->add_option("args", o.args, "VERB (TYPE | TYPE/NAME | /URL)");
  cmd->add_option("--subresource", o.subresource, "Subresource, e.g. log");
  cmd->add_option("-n,--namespace", o.ns, "Namespace")->capture_default_str();
  cmd->add_flag("-A,--all-namespaces", o.all_namespaces, all_namespaces_help);
}

Result<rbac::Policy> LoadPolicy(const StateOptions& o, std::vector<std::string>& warnings) {
  std::vector<std::string> paths = o.rbac;
  bool bootstrap = !o.no_bootstrap;
  if (!o.config.empty()) {
    auto cfg = server::LoadConfig(o.config);
    if (!cfg) return std::unexpected(cfg.error());
    if (paths.empty() && !cfg->authorization_rbac.empty()) paths.push_back(cfg->authorization_rbac);
    bootstrap = bootstrap && cfg->bootstrap_policy;
  }
  rbac::Objects objects;
  for (const auto& path : paths) {
    auto loaded = rbac::LoadManifests(path);
    if (!loaded) return std::unexpected(loaded.error());
    objects.Append(std::move(*loaded));
  }
  warnings.insert(warnings.end(), objects.problems.begin(), objects.problems.end());
  objects = rbac::WithBootstrap(std::move(objects), bootstrap);
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

Result<state::Snapshot> LoadMappings(const StateOptions& o) {
  state::Snapshot snap;
  state::MappingSources sources;
  std::vector<std::string> modes;
  std::string aws_auth = o.aws_auth, access_entries = o.access_entries;
  std::optional<eks::AuthenticationMode> mode;
  std::optional<server::Config> cfg;
  if (!o.config.empty()) {
    auto loaded = server::LoadConfig(o.config);
    if (!loaded) return std::unexpected(loaded.error());
    cfg = std::move(*loaded);
    auto table = identity::BuildFileTable(cfg->map_roles, cfg->map_users, cfg->map_accounts);
    if (!table) return std::unexpected(table.error());
    sources.mounted_file = std::make_shared<const identity::MappingTable>(std::move(*table));
    modes = cfg->backend_modes;
    if (aws_auth.empty()) aws_auth = cfg->aws_auth_file;
    if (access_entries.empty()) access_entries = cfg->access_entries_file;
    if (!cfg->dynamic_file.empty()) {
      auto text = ReadFile(cfg->dynamic_file);
      if (!text) return std::unexpected(text.error());
      auto parsed = identity::ParseDynamicFile(*text, cfg->dynamic_file_strict);
      if (!parsed) return std::unexpected(parsed.error().Wrap(cfg->dynamic_file));
      sources.dynamic_file = std::make_shared<const identity::MappingTable>(std::move(parsed->table));
    }
    mode = cfg->authentication_mode;
    snap.scrubbed_accounts = cfg->scrubbed_accounts;
  }
  auto add_mode = [&](std::string_view m) {
    if (std::find(modes.begin(), modes.end(), m) == modes.end()) modes.emplace_back(m);
  };
  if (!aws_auth.empty()) {
    auto text = ReadFile(aws_auth);
    if (!text) return std::unexpected(text.error());
    auto parsed = identity::ParseAwsAuthConfigMap(*text);
    if (!parsed) return std::unexpected(parsed.error().Wrap(aws_auth));
    sources.aws_auth = std::make_shared<const identity::MappingTable>(identity::BuildConfigMapTable(*parsed));
    add_mode(identity::kEksConfigMap);
  }
  if (!access_entries.empty()) {
    auto entries = eks::LoadAccessEntries(access_entries);
    if (!entries) return std::unexpected(entries.error());
    snap.access_entries = std::make_shared<const eks::AccessEntries>(std::move(*entries));
    sources.access_entries =
        std::make_shared<const identity::MappingTable>(identity::BuildAccessEntryTable(*snap.access_entries));
    add_mode(identity::kAccessEntry);
    if (!o.config.empty() && cfg->access_entries_file.empty()) mode.reset();  // entries given by flag: default mode below
  }
  if (!o.authentication_mode.empty()) {
    auto parsed = eks::ParseAuthenticationMode(o.authentication_mode);
    if (!parsed) return std::unexpected(parsed.error());
    mode = *parsed;
  }
  snap.authentication_mode =
      mode.value_or(access_entries.empty() ? eks::AuthenticationMode::kConfigMap : eks::AuthenticationMode::kApiAndConfigMap);
  snap.chain = state::BuildChain(modes, snap.authentication_mode, sources, [&](std::string_view m) {
    return cfg ? cfg->ReservedPrefixesFor(m) : std::vector<std::string>{};
  });
  // A chain of empty tables (CONFIG_MAP dropping the only source) still counts as "given".
  if (modes.empty()) snap.chain.clear();
  return snap;
}

size_t AdministratorsOutsideAwsAuth(const std::string& config) {
  if (config.empty()) return 0;
  StateOptions state;
  state.config = config;
  auto snap = LoadMappings(state);
  if (!snap) return 0;
  size_t n = state::MappedAdministrators(snap->chain, eks::AuthenticationMode::kApi);  // MountedFile only
  if (eks::UsesAccessEntries(snap->authentication_mode)) {
    for (const auto& e : snap->access_entries->entries()) n += eks::IsClusterAdmin(e);
  }
  return n;
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
  size_t columns = 0;
  if (isatty(STDOUT_FILENO)) {
    struct winsize ws {};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) columns = ws.ws_col;
  }
  std::cout << FormatTable(rows, columns);
}

std::string ListCell(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
  return out + "]";
}

}  // namespace kubeiam::cli
