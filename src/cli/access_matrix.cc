// kubeiam access-matrix (--as USER [--as-group G]... | --arn ARN) [-n NS] [--verbs v,v]
// rakkess's matrix: resources x verbs for one identity. Resources are the API server's standard
// ones plus those the manifests name; with -n only namespaced resources, in that namespace.
#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <set>

#include "authz/chain.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "rbac/resources.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct MatrixOptions {
  WhoOptions who;
  StateOptions state;
  std::string ns, verbs = "list,create,update,delete", output;
};

// Standard resources, then any other (resource, group) the manifests' rules name.
std::vector<rbac::ResourceType> Resources(const rbac::Authorizer& p, bool namespaced_only) {
  std::vector<rbac::ResourceType> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : rbac::StandardResources()) {
    seen.insert({r.resource, r.group});  // known, even when filtered out below
    if (namespaced_only && !r.namespaced) continue;
    if (r.resource == "users" || r.resource == "groups") continue;
    out.push_back(r);
  }
  auto consider = [&](const std::vector<rbac::PolicyRule>& rules) {
    for (const auto& rule : rules) {
      for (const auto& res : rule.resources) {
        if (res == "*" || res.find('/') != std::string::npos) continue;
        for (const auto& g : rule.api_groups) {
          if (g == "*" || !seen.insert({res, g}).second) continue;
          out.push_back({res, g, true});  // unknown scope: shown either way
        }
      }
    }
  };
  for (const auto& c : p.cluster_roles()) consider(c.rules);
  for (const auto& r : p.roles()) consider(r.rules);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.resource, a.group) < std::tie(b.resource, b.group);
  });
  return out;
}

int Run(const MatrixOptions& o) {
  auto policy = LoadPolicyOrReport(o.state);
  if (!policy) return 1;
  auto resolved = ResolveUser(o.who, o.state, *policy);
  if (!resolved) {
    std::cerr << "kubeiam: " << resolved.error().message << "\n";
    return resolved.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (!resolved->impersonation_forbidden.empty()) {
    std::cerr << "Error from server (Forbidden): " << resolved->impersonation_forbidden << "\n";
    return 1;
  }
  const auto* policies = resolved->policies ? &*resolved->policies : nullptr;
  std::vector<std::string> verbs;
  for (auto v : Split(o.verbs, ',')) {
    if (v == "*" || v == "all") {
      verbs = {"create", "get", "list", "watch", "update", "patch", "delete", "deletecollection"};
      break;
    }
    if (!v.empty()) verbs.emplace_back(Trim(v));
  }
  if (verbs.empty()) {
    std::cerr << "kubeiam: --verbs must name at least one verb\n";
    return 2;
  }
  bool tty = isatty(STDOUT_FILENO);
  bool json = o.output == "json";
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header = {"NAME"};
  for (const auto& v : verbs) header.push_back(ToUpper(v));
  table.push_back(header);
  boost::json::array out;
  for (const auto& r : Resources(*policy, !o.ns.empty())) {
    std::string name = r.group.empty() ? r.resource : r.resource + "." + r.group;
    std::vector<std::string> row = {name};
    boost::json::object cells;
    for (const auto& v : verbs) {
      rbac::Attributes a;
      a.user = resolved->user;
      a.verb = v;
      a.api_group = r.group;
      a.resource = r.resource;
      a.namespace_ = r.namespaced ? o.ns : "";
      bool allowed = authz::Authorize(*policy, a, policies).allowed;
      cells[v] = allowed;
      row.push_back(tty ? (allowed ? "\u2714" : "\u2716") : (allowed ? "yes" : "no"));
    }
    table.push_back(std::move(row));
    out.push_back(boost::json::object{{"resource", r.resource}, {"group", r.group}, {"verbs", std::move(cells)}});
  }
  if (json) {
    std::cout << boost::json::serialize(out) << "\n";
  } else {
    if (!resolved->note.empty()) std::cout << resolved->note << "\n";
    PrintTable(table);
  }
  return 0;
}

}  // namespace

Runner AddAccessMatrixCommand(CLI::App& app) {
  auto o = std::make_shared<MatrixOptions>();
  auto* cmd = app.add_subcommand("access-matrix", "Resources x verbs an identity may use (rakkess layout)");
  AddWhoOptions(cmd, o->who);
  AddStateOptions(cmd, o->state);
  cmd->add_option("-n,--namespace", o->ns, "Namespace (namespaced resources only); cluster-wide when omitted");
  cmd->add_option("--verbs", o->verbs, "Comma-separated verbs, or all")->capture_default_str();
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
