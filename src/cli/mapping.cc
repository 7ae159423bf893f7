// kubeiam mapping create|get|delete: eksctl's iamidentitymapping (spec/eks-access.md §6) on the
// cluster's kube-system/aws-auth through the Kubernetes API, or on a manifest file (--aws-auth):
// the same flags, checks, duplicate and shadowing rules, log lines and table. Writes keep every
// other key and refuse to remove the last system:masters mapping (the server's admission does
// so for the cluster).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "cli/analysis.h"
#include "cli/aws_auth_location.h"
#include "cli/commands.h"
#include "identity/identity_mapping.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct Options {
  std::string op, aws_auth, kubeconfig, context, cluster, arn, username, account, output = "table", config, store;
  bool insecure_skip_tls_verify = false;
  std::vector<std::string> groups;
  bool no_duplicate_arns = false, all = false;
};

size_t Masters(const identity::AwsAuthManifest& m) {
  size_t n = 0;
  for (const auto* list : {&m.roles, &m.users}) {
    for (const auto& r : *list) n += std::count(r.groups.begin(), r.groups.end(), "system:masters");
  }
  return n;
}

int Get(const identity::AwsAuthManifest& m, const Options& o) {
  std::vector<const identity::AwsAuthRow*> rows;
  for (const auto* list : {&m.roles, &m.users}) {
    for (const auto& r : *list) {
      if (o.arn.empty() || r.arn == o.arn) rows.push_back(&r);
    }
  }
  bool accounts = o.arn.empty() && !m.accounts.empty();
  if (!o.arn.empty() && rows.empty()) {
    std::cerr << "kubeiam: no iamidentitymapping with arn \"" << o.arn << "\" found\n";
    return 1;
  }
  if (o.output == "json") {
    boost::json::array out;
    for (const auto* r : rows) {
      boost::json::object x{{r->role ? "rolearn" : "userarn", r->arn}};
      if (!r->username.empty()) x["username"] = r->username;
      if (!r->groups.empty()) {
        boost::json::array g;
        for (const auto& s : r->groups) g.emplace_back(s);
        x["groups"] = std::move(g);
      }
      out.push_back(std::move(x));
    }
    if (accounts) {
      for (const auto& a : m.accounts) out.push_back(boost::json::object{{"account", a}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  if (rows.empty() && !accounts) {
    std::cout << "No iamidentitymappings found\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table = {{"ARN", "USERNAME", "GROUPS", "ACCOUNT"}};
  for (const auto* r : rows) {
    std::string groups;
    for (const auto& g : r->groups) groups += (groups.empty() ? "" : ",") + g;
    table.push_back({r->arn, r->username, groups, ""});
  }
  if (accounts) {
    for (const auto& a : m.accounts) table.push_back({"", "", "", a});
  }
  PrintTable(table);
  return 0;
}

// The edit `o` asks for, applied to `manifest`. Ok(false): nothing to write (a duplicate
// create that eksctl also skips). Errors carry the exit code in their code.
Result<bool> Edit(identity::AwsAuthManifest& manifest, const Options& o, identity::EditLog& log) {
  if (o.op == "create") {
    return identity::CreateIdentityMapping(manifest, {o.arn, o.username, o.groups, o.account, o.no_duplicate_arns}, log);
  }
  if (auto ok = identity::DeleteIdentityMapping(manifest, o.arn, o.account, o.all, log); !ok) return std::unexpected(ok.error());
  return true;
}

int Report(const Error& e) {
  std::cerr << "kubeiam: " << e.message << "\n";
  return e.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

// One get-edit-write round. kConflict: the ConfigMap changed meanwhile; the caller starts again.
Result<WriteOutcome> Round(AwsAuthLocation& where, const Options& o, int* exit_code) {
  auto text = where.Read();
  if (!text && text.error().code == ErrorCode::kNotFound && o.op == "create") text = std::string();
  if (!text) return std::unexpected(text.error());
  auto manifest = identity::AwsAuthManifest::Parse(*text, where.Name());
  if (!manifest) return std::unexpected(manifest.error());
  if (o.op == "get") {
    *exit_code = Get(*manifest, o);
    return WriteOutcome::kWritten;
  }
  size_t masters_before = Masters(*manifest);
  identity::EditLog log;
  auto write = Edit(*manifest, o, log);
  if (!write) return std::unexpected(write.error());
  // Through the API, the server's aws-auth admission refuses a lock-out with its own reasons.
  if (!o.aws_auth.empty() && masters_before > 0 && Masters(*manifest) == 0 &&
      AdministratorsOutsideAwsAuth(o.config, o.store) == 0) {
    return Fail(ErrorCode::kPermissionDenied, "refusing to remove the last system:masters mapping from " + o.aws_auth +
                                                  ": the cluster would have no administrator through aws-auth");
  }
  for (const auto& w : log.warnings) std::cerr << "warning: " << w << "\n";
  if (*write) {
    auto outcome = where.Write(manifest->Serialize());
    if (!outcome || *outcome == WriteOutcome::kConflict) return outcome;
  }
  for (const auto& i : log.info) std::cerr << i << "\n";
  *exit_code = 0;
  return WriteOutcome::kWritten;
}

constexpr int kAttempts = 10;

Result<std::unique_ptr<AwsAuthLocation>> Locate(const Options& o) {
  if (!o.aws_auth.empty()) return AwsAuthFile(o.aws_auth);
  return AwsAuthInCluster({o.kubeconfig, o.context, o.cluster, o.insecure_skip_tls_verify});
}

int Run(const Options& o) {
  auto where = Locate(o);
  if (!where) return Report(where.error());
  int exit_code = 1;
  // As eksctl (client-go's RetryOnConflict): read again after a conflict, with a growing,
  // jittered pause so that writers racing each other spread out.
  std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto outcome = Round(**where, o, &exit_code);
    if (!outcome) return Report(outcome.error());
    if (*outcome == WriteOutcome::kWritten) return exit_code;
    int ceiling_ms = std::min(500, 10 << attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, ceiling_ms)(jitter)));
  }
  std::cerr << "kubeiam: " << (*where)->Name() << " kept changing: " << kAttempts << " updates conflicted; try again\n";
  return 1;
}

}  // namespace

Runner AddMappingCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("mapping", "eksctl iamidentitymapping on the cluster's aws-auth ConfigMap (or a manifest file)");
  cmd->require_subcommand(1);
  for (const char* name : {"create", "get", "delete"}) {
    auto* sub = cmd->add_subcommand(name, std::string(name) + " IAM identity mappings");
    sub->callback([o, n = std::string(name)] { o->op = n; });
    auto* file = sub->add_option("--aws-auth", o->aws_auth, "An aws-auth ConfigMap manifest to edit instead of the cluster's");
    sub->add_option("--kubeconfig", o->kubeconfig, "Kubeconfig of the cluster (default: KUBECONFIG, ~/.kube/config)")
        ->excludes(file);
    sub->add_option("--context", o->context, "Kubeconfig context (default: the current one)")->excludes(file);
    AddInsecureSkipTlsVerify(sub, o->insecure_skip_tls_verify)->excludes(file);
    sub->add_option("--cluster,--cluster-name", o->cluster,
                    "EKS cluster name: the kubeconfig context that reaches it (ignored with --aws-auth)");
    sub->add_option("--arn,--role", o->arn, "IAM user or role ARN");
    sub->add_option("--config", o->config, "Server config whose other administrators count against a lock-out");
    sub->add_option("--store", o->store, "Access-entry store whose cluster administrators count against a lock-out");
    std::string n = name;
    if (n == "create") {
      sub->add_option("--username", o->username, "Kubernetes username");
      sub->add_option("--group", o->groups, "Kubernetes group (repeatable or comma-separated)")->delimiter(',');
      sub->add_option("--account", o->account, "An account whose principals map to their ARN");
      sub->add_flag("--no-duplicate-arns", o->no_duplicate_arns, "Refuse a second mapping for the same ARN");
    } else if (n == "delete") {
      sub->add_option("--account", o->account, "An account to remove");
      sub->add_flag("--all", o->all, "Delete every mapping with the ARN");
    } else {
      sub->add_option("-o,--output", o->output, "table or json")->check(CLI::IsMember({"table", "json"}));
    }
  }
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
