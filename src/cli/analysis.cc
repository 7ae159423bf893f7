#include "cli/analysis.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "authz/chain.h"
#include "aws/client_config.h"
#include "authz/impersonation.h"
#include "eks/access_entries.h"
#include "identity/access_entry_table.h"
#include "identity/aws_auth.h"
#include "identity/dynamic_file.h"
#include "cli/aws_auth_location.h"
#include "cli/eks_client.h"
#include "cli/live_eks_access.h"
#include "kubeclient/cluster_reader.h"
#include "kubeclient/cluster_source.h"
#include "rbac/bootstrap.h"
#include "rbac/resources.h"
#include "config/config.h"
#include "server/startup.h"
#include "state/sources.h"
#include "store/kv_access_store.h"
#include "store/sqlite_kv.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/table.h"

namespace kubeiam::cli {

namespace {

// KUBECONFIG's files (any that exists), else ~/.kube/config: where kubectl would look.
bool KubeconfigPresent() {
  std::string list = GetEnv("KUBECONFIG");
  if (!list.empty()) {
    for (auto path : Split(list, ':')) {
      if (!path.empty() && std::filesystem::exists(std::string(path))) return true;
    }
    return false;
  }
  std::string home = GetEnv("HOME");
  return !home.empty() && std::filesystem::exists(home + "/.kube/config");
}

}  // namespace

void AddStateOptions(CLI::App* cmd, StateOptions& o) {
  cmd->add_option("--rbac", o.rbac, "RBAC manifests: file or folder (repeatable)");
  cmd->add_flag("--no-bootstrap", o.no_bootstrap, "Leave out Kubernetes' default roles and bindings");
  cmd->add_option("--config", o.config, "kubeiam server config whose mappings apply");
  cmd->add_option("--aws-auth", o.aws_auth, "aws-auth ConfigMap manifest whose mappings apply");
  cmd->add_option("--access-entries", o.access_entries,
                  "Access entries (YAML or JSON, shaped like aws eks describe-access-entry) whose mappings and policies apply");
  cmd->add_option("--store", o.store, "Access-entry store (SQLite file) whose entries, policies and mode apply");
  cmd->add_option("--authentication-mode", o.authentication_mode, "CONFIG_MAP, API_AND_CONFIG_MAP or API")
      ->check(CLI::IsMember({"CONFIG_MAP", "API_AND_CONFIG_MAP", "API"}));
  cmd->add_option("--kubeconfig", o.kubeconfig, "Read RBAC and aws-auth from this kubeconfig's cluster (its current context)");
  cmd->add_option("--context", o.context, "Read RBAC and aws-auth from this kubeconfig context's cluster");
  AddInsecureSkipTlsVerify(cmd, o.insecure_skip_tls_verify);
  cmd->add_option("--cluster-name", o.cluster_name,
                  "Read this EKS cluster's access entries and authentication mode from the EKS API (default: the "
                  "context's aws eks get-token --cluster-name)");
  cmd->add_option("--region", o.region, "The EKS cluster's region (default: the context's, else AWS_REGION ...)");
  cmd->add_option("--eks-endpoint-url", o.eks_endpoint, "EKS API endpoint (default: AWS_ENDPOINT_URL_EKS, or the region's)");
  cmd->footer("With no source named (--rbac, --config, --aws-auth, --access-entries, --store, --kubeconfig, --context, "
              "--cluster-name), the current kubeconfig context's cluster, when there is a kubeconfig.");
  cmd->parse_complete_callback([&o] {
    bool named = !o.rbac.empty() || !o.config.empty() || !o.aws_auth.empty() || !o.access_entries.empty() ||
                 !o.store.empty() || !o.kubeconfig.empty() || !o.context.empty() || !o.cluster_name.empty();
    o.current_context = !named && KubeconfigPresent();
  });
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

Result<ResolvedUser> ResolveUser(const WhoOptions& who, const StateOptions& state, const rbac::Authorizer& policy) {
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
    return Fail(ErrorCode::kInvalidArgument, "--arn needs --config, --aws-auth, --access-entries and/or --store to map it");
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

namespace {

Result<StoreToRead> ReadKv(std::shared_ptr<store::KvStore> kv, const std::string& cluster, const std::string& name) {
  auto opened = store::KvAccessStore::OpenExisting(kv, cluster);
  if (!opened && opened.error().code == ErrorCode::kNotFound) return StoreToRead{kv, nullptr};
  if (!opened) return std::unexpected(opened.error().Wrap(name));
  return StoreToRead{kv, std::shared_ptr<store::AccessStore>(std::move(*opened))};
}

}  // namespace

Result<StoreToRead> OpenStoreToRead(const std::string& path, const std::string& cluster) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return StoreToRead{};
  auto kv = store::SqliteKv::Open(path);
  if (!kv) return std::unexpected(kv.error());
  return ReadKv(*kv, cluster, path);
}

Result<StoreToRead> OpenConfigStoreToRead(const config::Config& config) {
  if (!config.etcd_store) return OpenStoreToRead(config.access_entries_store, config.cluster_id);
  auto kv = server::OpenKv(config);
  if (!kv) return std::unexpected(kv.error());
  return ReadKv(*kv, config.cluster_id, server::StoreName(config));
}

namespace {

void AddBackend(state::SourceSettings& s, std::string_view backend) {
  if (std::find(s.backend_modes.begin(), s.backend_modes.end(), backend) == s.backend_modes.end()) {
    s.backend_modes.emplace_back(backend);
  }
}

// --config's sources (its store opened to read: access entries, and the objects its front keeps),
// or none.
Result<std::pair<state::SourceSettings, std::optional<config::Config>>> ConfigSources(const std::string& path) {
  if (path.empty()) return std::make_pair(state::SourceSettings{}, std::optional<config::Config>());
  auto cfg = config::LoadConfig(path);
  if (!cfg) return std::unexpected(cfg.error());
  StoreToRead store;
  if (!cfg->access_entries_store.empty() || cfg->etcd_store) {
    auto opened = OpenConfigStoreToRead(*cfg);
    if (!opened) return std::unexpected(opened.error());
    store = std::move(*opened);
  }
  auto cluster = kubeclient::ReadClusterOf(*cfg);
  if (!cluster) return std::unexpected(cluster.error());
  auto settings = state::SettingsOf(*cfg, store.access, store.kv, *cluster);
  if (!settings) return std::unexpected(settings.error());
  return std::make_pair(std::move(*settings), std::optional<config::Config>(std::move(*cfg)));
}

struct LiveCluster {
  std::shared_ptr<state::ClusterObjects> objects;
  std::optional<kubeclient::EksClusterHint> eks;  // from the context's exec plugin
};

// Opened once per command: the RBAC and the mappings read it with one credential.
Result<const LiveCluster*> OpenLive(const StateOptions& o) {
  static std::map<std::pair<std::string, std::string>, LiveCluster> opened;
  auto& live = opened[{o.kubeconfig, o.context}];
  if (live.objects) return &live;
  auto context = kubeclient::LoadKubeContext({o.kubeconfig, o.context, PeerAsked(o.insecure_skip_tls_verify)});
  if (!context) return std::unexpected(context.error());
  live.eks = kubeclient::EksClusterOf(*context);
  auto client = kubeclient::KubeClient::Open(std::move(*context));
  if (!client) return std::unexpected(client.error());
  live.objects = kubeclient::ReadClusterObjects(std::move(*client));
  return &live;
}

// --cluster-name's (else the live context's) EKS access entries and mode, or null for none.
Result<std::shared_ptr<store::AccessStore>> LiveEksAccess(const StateOptions& o) {
  std::string name = o.cluster_name, region = o.region;
  if (name.empty() && o.LiveCluster()) {
    auto live = OpenLive(o);
    if (!live) return std::unexpected(live.error());
    if ((*live)->eks) name = (*live)->eks->name;
    if ((*live)->eks && region.empty()) region = (*live)->eks->region;
  }
  if (name.empty()) return std::shared_ptr<store::AccessStore>();
  auto cfg = aws::ResolveClientConfig({"", region, ""});
  if (!cfg) return std::unexpected(cfg.error());
  auto url = aws::ResolveEksUrl(cfg->region, o.eks_endpoint, cfg->shared, cfg->profile);
  if (!url) return std::unexpected(url.error());
  auto client = EksClient::Open(EksTarget{.endpoint = *url, .region = cfg->region});
  if (!client) return std::unexpected(client.error());
  auto access = ReadLiveEksAccess(*client, name);
  if (!access) return std::unexpected(access.error().Wrap("EKS cluster " + name));
  return *access;
}

}  // namespace

Result<std::shared_ptr<state::ClusterObjects>> OpenLiveCluster(const StateOptions& o) {
  auto live = OpenLive(o);
  if (!live) return std::unexpected(live.error());
  return (*live)->objects;
}

Result<state::SourceSettings> SettingsOfFlags(const StateOptions& o, StatePart part) {
  auto base = ConfigSources(o.config);
  if (!base) return std::unexpected(base.error());
  auto& [s, cfg] = *base;
  if (o.LiveCluster()) {
    auto cluster = OpenLiveCluster(o);
    if (!cluster) return std::unexpected(cluster.error());
    s.cluster = *cluster;
    s.cluster_rbac = s.cluster_aws_auth = true;
    AddBackend(s, identity::kEksConfigMap);
  }
  if (part == StatePart::kRbac) {
    // RBAC alone: a broken mapping source must not stop a question about a Kubernetes user.
    state::SourceSettings rbac;
    rbac.rbac = true;
    rbac.rbac_paths = o.rbac.empty() ? s.rbac_paths : o.rbac;
    rbac.bootstrap_policy = s.bootstrap_policy && !o.no_bootstrap;
    if (o.rbac.empty()) rbac.objects = s.objects;  // RBAC the front keeps (the default policy among it)
    rbac.cluster = s.cluster;
    rbac.cluster_rbac = s.cluster_rbac;
    return rbac;
  }
  std::optional<eks::AuthenticationMode> mode;
  if (cfg) mode = cfg->authentication_mode;
  if (!o.aws_auth.empty()) {
    s.aws_auth_file = o.aws_auth;
    AddBackend(s, identity::kEksConfigMap);
  }
  bool entries_by_flag = !o.access_entries.empty() || !o.store.empty();
  if (!o.access_entries.empty()) {
    s.access_entries_file = o.access_entries;
    s.store = nullptr;
  }
  if (!o.store.empty()) {
    auto opened = OpenStoreToRead(o.store, cfg ? cfg->cluster_id : "");
    if (!opened) return std::unexpected(opened.error());
    s.store = opened->access;
    s.access_entries_file.clear();
  }
  auto eks = o.access_entries.empty() && o.store.empty() ? LiveEksAccess(o) : std::shared_ptr<store::AccessStore>();
  if (!eks) return std::unexpected(eks.error());
  if (*eks) {
    s.store = *eks;
    s.access_entries_file.clear();
    entries_by_flag = true;
  }
  if (entries_by_flag) {
    // Where EKS puts them: before aws-auth (the mode drops either as it says).
    auto& b = s.backend_modes;
    if (std::find(b.begin(), b.end(), identity::kAccessEntry) == b.end()) {
      b.insert(std::find(b.begin(), b.end(), identity::kEksConfigMap), std::string(identity::kAccessEntry));
    }
    if (cfg && cfg->access_entries_file.empty() && cfg->access_entries_store.empty()) mode.reset();  // default below
  }
  bool has_entries = !s.access_entries_file.empty() || s.store || entries_by_flag;
  s.authentication_mode =
      mode.value_or(has_entries ? eks::AuthenticationMode::kApiAndConfigMap : eks::AuthenticationMode::kConfigMap);
  if (!o.authentication_mode.empty()) {
    auto parsed = eks::ParseAuthenticationMode(o.authentication_mode);
    if (!parsed) return std::unexpected(parsed.error());
    s.authentication_mode = *parsed;
    s.store_sets_mode = false;
  }
  s.rbac = false;
  return std::move(s);
}

Result<rbac::Authorizer> LoadPolicy(const StateOptions& o, std::vector<std::string>& warnings) {
  auto settings = SettingsOfFlags(o, StatePart::kRbac);
  if (!settings) return std::unexpected(settings.error());
  settings->on_problem = [&](const std::string& source, const std::string& problem) {
    if (source == "rbac") warnings.push_back(problem);
  };
  auto sources = state::Sources::Open(std::move(*settings));
  if (!sources) return std::unexpected(sources.error());
  return *(*sources)->snapshot()->rbac;
}

std::optional<rbac::Authorizer> LoadPolicyOrReport(const StateOptions& o) {
  std::vector<std::string> warnings;
  auto policy = LoadPolicy(o, warnings);
  for (const auto& w : warnings) std::cerr << "Warning: " << w << "\n";
  if (!policy) {
    std::cerr << "kubeiam: " << policy.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*policy);
}

Result<state::Snapshot> LoadMappings(const StateOptions& o) {
  auto settings = SettingsOfFlags(o, StatePart::kMappings);
  if (!settings) return std::unexpected(settings.error());
  bool none = settings->backend_modes.empty();
  auto sources = state::Sources::Open(std::move(*settings));
  if (!sources) return std::unexpected(sources.error());
  state::Snapshot snap = *(*sources)->snapshot();
  // A chain of empty tables (CONFIG_MAP dropping the only source) still counts as "given".
  if (none) snap.chain.clear();
  return snap;
}

size_t AdministratorsOutsideAwsAuth(const std::string& config, const std::string& store) {
  if (config.empty() && store.empty()) return 0;
  StateOptions state;
  state.config = config;
  state.store = store;
  auto snap = LoadMappings(state);
  if (!snap) return 0;
  return state::AdministratorsOutsideAwsAuth(*snap);
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
