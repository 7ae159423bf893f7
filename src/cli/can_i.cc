// kubeiam can-i VERB (TYPE | TYPE/NAME | /URL) [--subresource S] [-n NS | -A]
//   (--as USER [--as-group G]... | --arn ARN) [--list] [--explain] [--role-ref KIND/NAME]
// kubectl auth can-i's syntax and output, answered offline from manifests (--rbac), the built-in
// default policy, and for --arn the same identity mapping as the server (--config, --aws-auth).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <map>
#include <set>

#include "authz/chain.h"
#include "authz/escalation.h"
#include "authz/forbidden.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "identity/aws_auth.h"
#include "identity/mapper_chain.h"
#include "kubeapi/subject_access_review.h"
#include "rbac/bootstrap.h"
#include "rbac/resources.h"
#include "config/config.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct CanIOptions {
  RequestOptions req;
  WhoOptions who;
  std::string output;
  StateOptions state;
  bool list = false, explain = false, quiet = false, no_headers = false;
  std::string role_ref;  // create/update of a (Cluster)RoleBinding: the role it would grant
};

// "clusterrole/view" or "role/pod-reader" (kind in any case).
Result<rbac::RoleRef> ParseRoleRef(const std::string& text) {
  size_t slash = text.find('/');
  std::string kind = ToLower(text.substr(0, slash));
  if (slash == std::string::npos || slash + 1 == text.size() || (kind != "clusterrole" && kind != "role")) {
    return Fail(ErrorCode::kInvalidArgument, "--role-ref: expected clusterrole/NAME or role/NAME, got \"" + text + "\"");
  }
  return rbac::RoleRef{"rbac.authorization.k8s.io", kind == "role" ? "Role" : "ClusterRole", text.substr(slash + 1)};
}

// kubectl's --list table: one row per resource (with group and names) or URL, verbs merged.
int PrintList(const rbac::RulesResult& rules, bool no_headers, bool json) {
  // Key: (no resource?, resource, url, names): resource rows sort before URL rows, as kubectl's.
  std::map<std::tuple<bool, std::string, std::string, std::string>, std::set<std::string>> rows;
  for (const auto& r : rules.rules) {
    for (const auto& res : r.resources) {
      std::string cell = res;
      std::string group = r.api_groups.empty() ? "" : r.api_groups[0];
      if (!group.empty()) {
        size_t slash = res.find('/');
        cell = slash == std::string::npos ? res + "." + group : res.substr(0, slash) + "." + group + res.substr(slash);
      }
      rows[{false, cell, "", ListCell(r.resource_names)}].insert(r.verbs.begin(), r.verbs.end());
    }
    for (const auto& url : r.non_resource_urls) rows[{true, "", url, "[]"}].insert(r.verbs.begin(), r.verbs.end());
  }
  if (json) {
    boost::json::array out;
    for (const auto& [k, verbs] : rows) {
      boost::json::array v;
      for (const auto& x : verbs) v.emplace_back(x);
      out.push_back(boost::json::object{{"resource", std::get<1>(k)}, {"nonResourceURL", std::get<2>(k)},
                                        {"resourceNames", std::get<3>(k)}, {"verbs", std::move(v)}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  size_t w0 = 9, w1 = 17, w2 = 14;
  for (const auto& [k, v] : rows) {
    w0 = std::max(w0, std::get<1>(k).size());
    w1 = std::max(w1, std::get<2>(k).size());
    w2 = std::max(w2, std::get<3>(k).size());
  }
  auto pad = [](const std::string& s, size_t w) { return s + std::string(w - s.size() + 3, ' '); };
  if (!no_headers) std::cout << pad("Resources", w0) << pad("Non-Resource URLs", w1) << pad("Resource Names", w2) << "Verbs\n";
  for (const auto& [k, verbs] : rows) {
    std::cout << pad(std::get<1>(k), w0) << pad(std::get<2>(k), w1) << pad(std::get<3>(k), w2)
              << ListCell(std::vector<std::string>(verbs.begin(), verbs.end())) << "\n";
  }
  return 0;
}

// Flag combinations kubectl refuses.
Status CheckUsage(const CanIOptions& o) {
  if (o.list && (!o.req.subresource.empty() || o.req.all_namespaces || o.quiet)) {
    return Fail(ErrorCode::kInvalidArgument, "--list is incompatible with --subresource, --all-namespaces and --quiet");
  }
  if (!o.list && o.req.args.size() != 2) {
    return Fail(ErrorCode::kInvalidArgument,
                "you must specify two arguments: verb resource or verb resource/resourceName");
  }
  return {};
}

// Says why the user could not be resolved: a usage error (exit 2), a failure, or for an ARN that
// does not map, the answer "no" (exit 1).
int ReportUnresolved(const Error& e, bool quiet) {
  if (e.code == ErrorCode::kInvalidArgument) {
    std::cerr << "kubeiam: " << e.message << "\n";
    return 2;
  }
  if (e.code != ErrorCode::kPermissionDenied) {
    std::cerr << "kubeiam: " << e.message << "\n";
    return 1;
  }
  if (!quiet) std::cout << "no - " << e.message << "\n";
  return 1;
}

const std::vector<eks::AssociatedPolicy>* EntryPolicies(const ResolvedUser& resolved) {
  return resolved.policies ? &*resolved.policies : nullptr;
}

// --list: warnings on what the rules do not show, then kubectl's table.
int RunList(const CanIOptions& o, const rbac::Authorizer& policy, const ResolvedUser& resolved) {
  const rbac::UserInfo& user = resolved.user;
  const auto* policies = EntryPolicies(resolved);
  if (std::find(user.groups.begin(), user.groups.end(), "system:masters") != user.groups.end()) {
    std::cerr << "Warning: system:masters is allowed everything, whatever the rules below say\n";
  }
  if (resolved.rules_incomplete) {
    std::cerr << "warning: the list may be incomplete: webhook authorizer does not support user rule resolution\n";
  }
  if (policies && !policies->empty()) {
    std::cerr << "Access policies of the access entry (not in the list, as on EKS):\n";
    for (const auto& p : *policies) std::cerr << "  " << eks::DescribeAssociation(p) << "\n";
  }
  return PrintList(policy.RulesFor(user, o.req.Namespace()), o.no_headers, o.output == "json");
}

// --role-ref: the API server's escalation check on the binding this request would write (§3.9
// bind), applied to the request's decision. Errors are usage errors.
Result<authz::Decision> WithBindCheck(const rbac::Authorizer& policy, const rbac::Attributes& a,
                                      const std::vector<eks::AssociatedPolicy>* policies, const std::string& role_ref,
                                      authz::Decision d) {
  auto ref = ParseRoleRef(role_ref);
  bool binding = a.api_group == "rbac.authorization.k8s.io" && (a.resource == "rolebindings" || a.resource == "clusterrolebindings");
  if (!ref || !binding || (a.verb != "create" && a.verb != "update" && a.verb != "patch")) {
    return Fail(ErrorCode::kInvalidArgument, ref ? "--role-ref applies to create, update or patch of rolebindings or clusterrolebindings"
                                                 : ref.error().message);
  }
  std::string binding_ns = a.resource == "rolebindings" ? a.namespace_ : "";
  if (!d.allowed) return d;
  if (auto ok = authz::ConfirmBind(policy, a.user, policies, *ref, binding_ns); !ok) {
    return authz::Decision{false, authz::Forbidden(a, ok.error().message)};
  }
  d.reason += "; and binding " + ref->kind + " " + ref->name + " passes the escalation check";
  return d;
}

boost::json::object DecisionJson(const rbac::Attributes& a, const authz::Decision& d, const std::string& mapping_note) {
  boost::json::array groups;
  for (const auto& g : a.user.groups) groups.emplace_back(g);
  boost::json::object out{{"allowed", d.allowed}, {"reason", d.reason}, {"user", a.user.name}, {"groups", std::move(groups)}};
  if (!mapping_note.empty()) out["mapping"] = mapping_note;
  // The attributes, as the SelfSubjectAccessReview kubectl would send carries them.
  kubeapi::PutAttributes(a, out);
  return out;
}

void PrintDecision(const CanIOptions& o, const rbac::Attributes& a, const authz::Decision& d, const std::string& mapping_note) {
  if (o.output == "json") {
    std::cout << boost::json::serialize(DecisionJson(a, d, mapping_note)) << "\n";
  } else if (!o.quiet) {
    std::cout << (d.allowed ? "yes" : "no") << "\n";
    if (o.explain) {
      if (!mapping_note.empty()) std::cout << "  identity: " << mapping_note << "\n";
      std::cout << "  user: " << a.user.name << " " << ListCell(a.user.groups) << "\n  " << d.reason << "\n";
    }
  }
}

// One request: yes or no (exit 0 or 1), with --role-ref's escalation check.
int RunCheck(const CanIOptions& o, const rbac::Authorizer& policy, const ResolvedUser& resolved) {
  std::vector<std::string> warnings;
  auto request = ParseRequest(o.req.args[0], o.req.args[1], o.req.subresource, o.req.Namespace(), warnings);
  for (const auto& w : warnings) std::cerr << "Warning: " << w << "\n";
  if (!request) {
    std::cerr << "kubeiam: " << request.error().message << "\n";
    return 2;
  }
  rbac::Attributes a = *request;
  a.user = resolved.user;
  const auto* policies = EntryPolicies(resolved);
  authz::Decision d = authz::Authorize(policy, a, policies);
  if (!o.role_ref.empty()) {
    auto checked = WithBindCheck(policy, a, policies, o.role_ref, std::move(d));
    if (!checked) {
      std::cerr << "kubeiam: " << checked.error().message << "\n";
      return 2;
    }
    d = std::move(*checked);
  }
  PrintDecision(o, a, d, resolved.note);
  return d.allowed ? 0 : 1;
}

int Run(const CanIOptions& o) {
  if (auto usage = CheckUsage(o); !usage) {
    std::cerr << "kubeiam: " << usage.error().message << "\n";
    return 2;
  }
  auto policy = LoadPolicyOrReport(o.state);
  if (!policy) return 1;
  auto resolved = ResolveUser(o.who, o.state, *policy);
  if (!resolved) return ReportUnresolved(resolved.error(), o.quiet);
  if (!resolved->impersonation_forbidden.empty()) {
    // As kubectl: a refused impersonation is the server's Forbidden error, not an answer.
    std::cerr << "Error from server (Forbidden): " << resolved->impersonation_forbidden << "\n";
    return 1;
  }
  return o.list ? RunList(o, *policy, *resolved) : RunCheck(o, *policy, *resolved);
}

}  // namespace

Runner AddCanICommand(CLI::App& app) {
  auto o = std::make_shared<CanIOptions>();
  auto* cmd = app.add_subcommand("can-i", "Check whether an identity may do something (kubectl auth can-i syntax)");
  AddRequestOptions(cmd, o->req, "All namespaces (only cluster-wide grants count)");
  AddWhoOptions(cmd, o->who);
  AddStateOptions(cmd, o->state);
  cmd->add_flag("--list", o->list, "List everything the identity may do in the namespace");
  cmd->add_flag("--explain", o->explain, "Say which binding, role and rule decided");
  cmd->add_flag("-q,--quiet", o->quiet, "No output, only the exit status");
  cmd->add_flag("--no-headers", o->no_headers, "With --list: no header row");
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  cmd->add_option("--role-ref", o->role_ref,
                  "With create/update rolebindings: the role granted (clusterrole/NAME or role/NAME); runs the "
                  "API server's escalation check");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
