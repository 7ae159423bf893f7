// kubeiam doctor [state flags] [-o json]: what is wrong with a cluster's access state, from the
// same sources as the analysis commands (a config, files, a store, a live cluster and live EKS):
// access entries whose principal was deleted or recreated (principal IDs checked against the
// local STS's principals offline, else IAM's GetRole/GetUser with your credentials), aws-auth
// rows shadowed by entries, sources the mode ignores, entries that grant nothing, groups no
// binding names, and lint's lock-out risks. Exit 1 when any finding is an error.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/principal_ids.h"
#include "state/doctor.h"
#include "state/stored_objects.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

struct DoctorOptions {
  StateOptions state;
  std::string output, iam_endpoint;
  bool no_iam = false;
};

// kube-system/aws-auth's manifest where the mappings read it: a file, the live cluster, the
// store the front keeps objects in; and what to call it.
Result<std::pair<std::optional<std::string>, std::string>> AwsAuthManifest(const state::SourceSettings& s) {
  using Found = std::pair<std::optional<std::string>, std::string>;
  if (!s.aws_auth_file.empty()) {
    auto text = ReadFile(s.aws_auth_file);
    if (!text) return std::unexpected(text.error());
    return Found{*text, s.aws_auth_file};
  }
  Result<std::optional<std::string>> text = std::optional<std::string>();
  if (s.cluster && s.cluster_aws_auth) {
    text = s.cluster->AwsAuth();
  } else if (s.objects.kv) {
    text = state::LoadStoredAwsAuth(s.objects);
  }
  if (!text) return std::unexpected(text.error());
  return Found{*text, "kube-system/aws-auth"};
}

// The RBAC policy when some source gives one (the default policy alone says nothing of groups).
Result<std::optional<rbac::Authorizer>> KnownPolicy(const StateOptions& o) {
  auto rbac = SettingsOfFlags(o, StatePart::kRbac);
  if (!rbac) return std::unexpected(rbac.error());
  bool known = !rbac->rbac_paths.empty() || rbac->objects.kv || (rbac->cluster && rbac->cluster_rbac);
  if (!known) return std::optional<rbac::Authorizer>();
  std::vector<std::string> warnings;
  auto policy = LoadPolicy(o, warnings);
  if (!policy) return std::unexpected(policy.error());
  return std::optional<rbac::Authorizer>(std::move(*policy));
}

int Print(const DoctorOptions& o, const std::vector<state::DoctorFinding>& findings) {
  bool errors = false;
  boost::json::array out;
  for (const auto& f : findings) {
    errors |= f.error;
    if (o.output == "json") {
      out.push_back(boost::json::object{{"about", f.about}, {"severity", f.error ? "error" : "warning"}, {"message", f.message},
                                        {"fix", f.fix}});
    } else {
      std::cout << f.about << ": " << (f.error ? "error" : "warning") << ": " << f.message << "\n";
      if (!f.fix.empty()) std::cout << "  fix: " << f.fix << "\n";
    }
  }
  if (o.output == "json") {
    std::cout << boost::json::serialize(out) << "\n";
  } else if (findings.empty()) {
    std::cout << "no problems found\n";
  }
  return errors ? 1 : 0;
}

Result<std::vector<state::DoctorFinding>> Diagnose(const DoctorOptions& o) {
  if (!o.state.HasMappings()) {
    return Fail(ErrorCode::kInvalidArgument, "give the state to examine: --config, --aws-auth, --access-entries, --store, "
                                             "--kubeconfig/--context or --cluster-name");
  }
  auto settings = SettingsOfFlags(o.state, StatePart::kMappings);
  if (!settings) return std::unexpected(settings.error());
  auto manifest = AwsAuthManifest(*settings);
  if (!manifest) return std::unexpected(manifest.error());
  auto mappings = LoadMappings(o.state);
  if (!mappings) return std::unexpected(mappings.error());
  auto policy = KnownPolicy(o.state);
  if (!policy) return std::unexpected(policy.error());
  state::DoctorInput in{*mappings, manifest->first, manifest->second, *policy ? &**policy : nullptr, nullptr};
  if (!o.no_iam) in.principal_id = PrincipalIdsFor(o.state.config, o.iam_endpoint);
  return state::Diagnose(in);
}

int Run(const DoctorOptions& o) {
  auto findings = Diagnose(o);
  if (!findings) {
    std::cerr << "kubeiam: " << findings.error().message << "\n";
    return 2;
  }
  return Print(o, *findings);
}

}  // namespace

Runner AddDoctorCommand(CLI::App& app) {
  auto o = std::make_shared<DoctorOptions>();
  auto* cmd = app.add_subcommand("doctor", "Find stale access entries, shadowed aws-auth rows, unbound groups and lock-out risks");
  AddStateOptions(cmd, o->state);
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  cmd->add_option("--iam-endpoint-url", o->iam_endpoint, "IAM endpoint for GetRole/GetUser (default: AWS_ENDPOINT_URL_IAM, "
                                                         "else IAM's global endpoint)");
  cmd->add_flag("--no-iam", o->no_iam, "Do not check access entries' principal IDs");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
