// kubeiam mapping create|get|delete --aws-auth FILE ...: eksctl's iamidentitymapping on an
// aws-auth ConfigMap manifest (spec/eks-access.md §6): the same flags, checks, duplicate and
// shadowing rules, log lines and table. Writes keep every other key of the manifest and refuse
// to remove the last system:masters mapping.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "identity/identity_mapping.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct Options {
  std::string op, aws_auth, cluster, arn, username, account, output = "table", config, store;
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
    std::cerr << "Error: no iamidentitymapping with arn \"" << o.arn << "\" found\n";
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

int Run(const Options& o) {
  std::string text;
  if (auto read = ReadFile(o.aws_auth); read) {
    text = std::move(*read);
  } else if (read.error().code != ErrorCode::kNotFound || o.op != "create") {
    std::cerr << "Error: " << read.error().message << "\n";
    return 1;
  }
  auto manifest = identity::AwsAuthManifest::Parse(text);
  if (!manifest) {
    std::cerr << "Error: " << o.aws_auth << ": " << manifest.error().message << "\n";
    return 1;
  }
  if (o.op == "get") return Get(*manifest, o);
  size_t masters_before = Masters(*manifest);
  identity::EditLog log;
  bool write = true;
  if (o.op == "create") {
    auto created = identity::CreateIdentityMapping(*manifest, {o.arn, o.username, o.groups, o.account, o.no_duplicate_arns}, log);
    if (!created) {
      std::cerr << "Error: " << created.error().message << "\n";
      return created.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    write = *created;
  } else if (auto ok = identity::DeleteIdentityMapping(*manifest, o.arn, o.account, o.all, log); !ok) {
    std::cerr << "Error: " << ok.error().message << "\n";
    return ok.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (masters_before > 0 && Masters(*manifest) == 0 && AdministratorsOutsideAwsAuth(o.config, o.store) == 0) {
    std::cerr << "Error: refusing to remove the last system:masters mapping from " << o.aws_auth
              << ": the cluster would have no administrator through aws-auth\n";
    return 1;
  }
  for (const auto& w : log.warnings) std::cerr << "warning: " << w << "\n";
  if (!write) return 0;
  if (auto ok = WriteFileAtomic(o.aws_auth, manifest->Serialize(), 0644); !ok) {
    std::cerr << "Error: " << ok.error().message << "\n";
    return 1;
  }
  for (const auto& i : log.info) std::cerr << i << "\n";
  return 0;
}

}  // namespace

Runner AddMappingCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("mapping", "eksctl iamidentitymapping on an aws-auth ConfigMap manifest");
  cmd->require_subcommand(1);
  for (const char* name : {"create", "get", "delete"}) {
    auto* sub = cmd->add_subcommand(name, std::string(name) + " IAM identity mappings");
    sub->callback([o, n = std::string(name)] { o->op = n; });
    sub->add_option("--aws-auth", o->aws_auth, "The aws-auth ConfigMap manifest to edit")->required();
    sub->add_option("--cluster", o->cluster, "Cluster name (accepted for eksctl compatibility)");
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
