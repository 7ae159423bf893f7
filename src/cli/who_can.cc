// kubeiam who-can VERB (TYPE | TYPE/NAME | /URL) [--subresource S] [-n NS | -A]
// Who may do it: every subject of every binding whose role allows it (with that binding), the
// always-allowed system:masters, and, when mappings are given (--config, --aws-auth,
// --access-entries), the IAM principals that map onto each subject; plus the access entries
// whose access policies allow it.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/commands.h"

namespace kubeiam::cli {
namespace {

struct WhoCanOptions {
  RequestOptions req;
  std::string output;
  StateOptions state;
};

struct Row {
  std::string subject, type, sa_namespace, via, binding_namespace;
  std::vector<std::string> principals;
};

// The mapped IAM principals (as written in the mappings) whose username is `user`, or whose
// groups include `group`. Templated usernames are shown as written.
std::vector<std::string> PrincipalsFor(const std::vector<identity::Backend>& chain, const rbac::Subject& s) {
  std::vector<std::string> out;
  auto consider = [&](const std::string& arn, const std::string& username, const std::vector<std::string>& groups) {
    bool hit = (s.kind == "User" && username == s.name) ||
               (s.kind == "Group" && std::find(groups.begin(), groups.end(), s.name) != groups.end());
    if (hit && std::find(out.begin(), out.end(), arn) == out.end()) out.push_back(arn);
  };
  for (const auto& b : chain) {
    for (const auto& r : b.table->roles_in_order()) consider(r.sso ? r.SsoArnLike() : r.rolearn, r.username, r.groups);
    for (const auto& u : b.table->users_in_order()) consider(u.userarn, u.username, u.groups);
    if (s.kind == "User") {
      for (const auto& a : b.table->accounts()) {
        if (s.name.starts_with("arn:") && s.name.find(":" + a + ":") != std::string::npos) consider(s.name, s.name, {});
      }
    }
  }
  return out;
}

int Run(const WhoCanOptions& o) {
  if (o.req.args.size() != 2) {
    std::cerr << "kubeiam: you must specify two arguments: verb and resource (or /URL)\n";
    return 2;
  }
  auto policy = LoadPolicyOrReport(o.state);
  if (!policy) return 1;
  std::vector<std::string> warnings;
  auto mappings = LoadMappings(o.state);
  if (!mappings) {
    std::cerr << "kubeiam: " << mappings.error().message << "\n";
    return 1;
  }
  const auto& chain = mappings->chain;
  auto request = ParseRequest(o.req.args[0], o.req.args[1], o.req.subresource, o.req.Namespace(), warnings);
  for (const auto& w : warnings) std::cerr << "Warning: " << w << "\n";
  if (!request) {
    std::cerr << "kubeiam: " << request.error().message << "\n";
    return 2;
  }
  std::vector<Row> rows;
  rbac::Subject masters{"Group", "system:masters", "", ""};
  rows.push_back({"system:masters", "Group", "", "always allowed (privileged group)", "", PrincipalsFor(chain, masters)});
  for (const auto& g : policy->Grants(*request, o.req.all_namespaces)) {
    std::string via = g.binding_kind + " " + (g.namespace_.empty() ? "" : g.namespace_ + "/") + g.binding_name + " -> " +
                      g.role_ref.kind + " " + g.role_ref.name;
    for (const auto& s : g.subjects) {
      std::string sa_ns = s.kind == "ServiceAccount" ? (s.namespace_.empty() ? g.namespace_ : s.namespace_) : "";
      rows.push_back({s.name, s.kind, sa_ns, via, g.namespace_, PrincipalsFor(chain, s)});
    }
  }
  if (eks::UsesAccessEntries(mappings->authentication_mode)) {
    for (const auto& e : mappings->access_entries->entries()) {
      for (const auto& assoc : e.policies) {
        if (!eks::AuthorizeWithPolicies({assoc}, *request, o.req.all_namespaces).allowed) continue;
        rows.push_back({e.username, "AccessEntry", "", "access policy " + eks::DescribeAssociation(assoc),
                        assoc.scope.type == "namespace" ? ListCell(assoc.scope.namespaces) : "", {e.principal_arn}});
      }
    }
  }
  if (o.output == "json") {
    boost::json::array out;
    for (const auto& r : rows) {
      boost::json::array p;
      for (const auto& x : r.principals) p.emplace_back(x);
      out.push_back(boost::json::object{{"subject", r.subject}, {"kind", r.type}, {"serviceAccountNamespace", r.sa_namespace},
                                        {"via", r.via}, {"namespace", r.binding_namespace}, {"iamPrincipals", std::move(p)}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> cells = {{"SUBJECT", "TYPE", "SA-NAMESPACE", "VIA", "IAM PRINCIPALS"}};
  for (const auto& r : rows) {
    std::string principals;
    for (const auto& p : r.principals) principals += (principals.empty() ? "" : ", ") + p;
    cells.push_back({r.subject, r.type, r.sa_namespace, r.via, principals});
  }
  PrintTable(cells);
  return 0;
}

}  // namespace

Runner AddWhoCanCommand(CLI::App& app) {
  auto o = std::make_shared<WhoCanOptions>();
  auto* cmd = app.add_subcommand("who-can", "List who may do something (kubectl-who-can syntax)");
  AddRequestOptions(cmd, o->req, "RoleBindings of every namespace too");
  AddStateOptions(cmd, o->state);
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
