// kubeiam lookup [SUBJECT] [-e REGEX] [--not] [--arn ARN]: rbac-tool lookup's table of which
// roles each binding subject gets. With --arn, the subjects are the user and groups that the ARN
// maps to through --config / --aws-auth.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <regex>

#include "cli/analysis.h"
#include "cli/commands.h"

namespace kubeiam::cli {
namespace {

struct LookupOptions {
  std::string subject, regex, arn, output;
  bool invert = false;
  StateOptions state;
};

int Run(const LookupOptions& o) {
  auto policy = LoadPolicyOrReport(o.state);
  if (!policy) return 1;
  std::optional<std::regex> re;
  if (!o.regex.empty()) {
    try {
      re.emplace(o.regex);
    } catch (const std::regex_error& e) {
      std::cerr << "kubeiam: -e: not a valid regular expression: " << e.what() << "\n";
      return 2;
    }
  }
  // With --arn: the names the ARN maps to (its username and groups).
  std::vector<std::string> mapped;
  if (!o.arn.empty()) {
    if (!o.state.HasMappings()) {
      std::cerr << "kubeiam: --arn needs --config, --aws-auth and/or --access-entries to map it\n";
      return 2;
    }
    auto mappings = LoadMappings(o.state);
    auto user = mappings ? MapArn(o.arn, *mappings) : Result<identity::UserInfo>(std::unexpected(mappings.error()));
    if (!user) {
      std::cerr << "kubeiam: " << o.arn << ": " << user.error().message << "\n";
      return user.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
    }
    mapped.push_back(user->username);
    mapped.insert(mapped.end(), user->groups.begin(), user->groups.end());
  }
  auto wanted = [&](const rbac::Subject& s) {
    bool hit;
    if (!mapped.empty()) {
      hit = std::find(mapped.begin(), mapped.end(), s.name) != mapped.end();
    } else if (re) {
      hit = std::regex_search(s.name, *re);
    } else if (!o.subject.empty()) {
      hit = s.name == o.subject;
    } else {
      hit = true;
    }
    return hit != o.invert;
  };
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const auto& binding, const std::string& ns, const std::string& binding_name) {
    const rbac::RoleRef& ref = binding.role_ref;
    bool exists = ref.kind == "ClusterRole" ? policy->FindClusterRole(ref.name) != nullptr
                                            : ref.kind == "Role" && policy->FindRole(ns, ref.name) != nullptr;
    if (!exists) return;
    for (const auto& s : binding.subjects) {
      if (wanted(s)) rows.push_back({s.name, s.kind, ref.kind, ns, ref.name, binding_name});
    }
  };
  for (const auto& b : policy->cluster_role_bindings()) add(b, "", b.name);
  for (const auto& b : policy->role_bindings()) add(b, b.namespace_, b.name);

  if (o.output == "json") {
    boost::json::array out;
    for (const auto& r : rows) {
      out.push_back(boost::json::object{{"subject", r[0]}, {"subjectType", r[1]}, {"scope", r[2]},
                                        {"namespace", r[3]}, {"role", r[4]}, {"binding", r[5]}});
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }
  rows.insert(rows.begin(), {"SUBJECT", "SUBJECT TYPE", "SCOPE", "NAMESPACE", "ROLE", "BINDING"});
  PrintTable(rows);
  return 0;
}

}  // namespace

Runner AddLookupCommand(CLI::App& app) {
  auto o = std::make_shared<LookupOptions>();
  auto* cmd = app.add_subcommand("lookup", "Which roles a user, group or service account gets, and through which binding");
  cmd->add_option("subject", o->subject, "Subject name (exact); all subjects when omitted");
  cmd->add_option("-e,--regex", o->regex, "Match subject names with a regular expression");
  cmd->add_flag("--not", o->invert, "Invert the match");
  cmd->add_option("--arn", o->arn, "IAM principal: look up the user and groups it maps to");
  AddStateOptions(cmd, o->state);
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
