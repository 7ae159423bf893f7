#include "state/doctor.h"

#include <map>
#include <set>

#include "aws/arn.h"
#include "eks/authentication_mode.h"
#include "identity/aws_auth_lint.h"
#include "util/strings.h"

namespace kubeiam::state {
namespace {

std::string EntryName(const eks::AccessEntry& e) { return "access entry " + e.principal_arn; }

// Recorded principal IDs against IAM's current ones.
void CheckPrincipalIds(const DoctorInput& in, std::vector<DoctorFinding>& out) {
  if (!in.principal_id) return;
  for (const auto& e : in.mappings.access_entries->entries()) {
    if (e.principal_id.empty()) continue;
    auto now = in.principal_id(e.principal_arn);
    if (!now && now.error().code == ErrorCode::kPermissionDenied) {
      out.push_back({EntryName(e), false, "principal ID not checked: " + now.error().message, ""});
      continue;
    }
    if (!now) {
      out.push_back({"access entries", false, "principal IDs not checked: " + now.error().message,
                     "run with credentials allowed iam:GetRole and iam:GetUser"});
      return;
    }
    if (!*now) {
      out.push_back({EntryName(e), true, "the principal no longer exists in IAM: the entry authenticates nobody",
                     "delete the access entry (or create the principal again, then the entry again)"});
    } else if (**now != e.principal_id) {
      out.push_back({EntryName(e), true,
                     "recorded principal ID " + e.principal_id + ", IAM's is now " + **now +
                         ": the principal was deleted and created again under the same ARN, and the entry no longer matches it",
                     "delete the access entry and create it again"});
    }
  }
}

// What the mode leaves out, and aws-auth rows an entry for the same principal comes before.
void CheckShadowing(const DoctorInput& in, const identity::AwsAuth* aws_auth, std::vector<DoctorFinding>& out) {
  const auto& entries = *in.mappings.access_entries;
  auto mode = in.mappings.authentication_mode;
  if (!eks::UsesAccessEntries(mode) && !entries.empty()) {
    out.push_back({"access entries", false,
                   std::to_string(entries.entries().size()) + " access entries are ignored: the authentication mode is CONFIG_MAP",
                   "aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP"});
  }
  if (!aws_auth) return;
  size_t rows = aws_auth->roles.size() + aws_auth->users.size() + aws_auth->accounts.size();
  if (mode == eks::AuthenticationMode::kApi && rows > 0) {
    out.push_back({in.aws_auth_name, false, "the authentication mode API ignores aws-auth: its " + std::to_string(rows) + " rows map nobody",
                   "create access entries for them (kubeiam migrate), then delete the ConfigMap"});
    return;
  }
  if (!eks::UsesAccessEntries(mode)) return;
  auto shadowed = [&](const std::string& arn, const std::string& kind) {
    auto stripped = aws::StripPath(arn);
    for (const auto& e : entries.entries()) {
      auto entry_stripped = aws::StripPath(e.principal_arn);
      if (EqualsIgnoreCase(e.principal_arn, arn) || (stripped && entry_stripped && EqualsIgnoreCase(*stripped, *entry_stripped))) {
        out.push_back({in.aws_auth_name, false, kind + " row " + arn + " is shadowed by the " + EntryName(e) +
                                                     ": access entries are asked first, so its username and groups never apply",
                       "delete the row, or the entry"});
        return;
      }
    }
  };
  for (const auto& r : aws_auth->roles) {
    if (!r.rolearn.empty()) shadowed(r.rolearn, "mapRoles");
  }
  for (const auto& u : aws_auth->users) shadowed(u.userarn, "mapUsers");
}

void CheckEntriesGrant(const DoctorInput& in, std::vector<DoctorFinding>& out) {
  if (!eks::UsesAccessEntries(in.mappings.authentication_mode)) return;
  for (const auto& e : in.mappings.access_entries->entries()) {
    if (e.type == "STANDARD" && e.kubernetes_groups.empty() && e.policies.empty()) {
      out.push_back({EntryName(e), false, "grants nothing: no Kubernetes groups and no access policy (it authenticates, and "
                                          "every request is then forbidden)",
                     "aws eks associate-access-policy, or update-access-entry --kubernetes-groups"});
    }
  }
}

// Groups the mappings give that no binding names. The system: groups are the API server's own
// (system:masters needs no binding; the Node authorizer serves system:nodes; EKS binds
// system:bootstrappers itself), so only the others are checked.
void CheckGroups(const DoctorInput& in, const identity::AwsAuth* aws_auth, std::vector<DoctorFinding>& out) {
  if (!in.rbac) return;
  std::map<std::string, std::set<std::string>> given;  // group -> who gives it
  auto give = [&](const std::vector<std::string>& groups, const std::string& who) {
    for (const auto& g : groups) given[g].insert(who);
  };
  for (const auto& b : in.mappings.chain) {
    if (!b.table || (aws_auth && b.name == "EKSConfigMap")) continue;
    for (const auto& r : b.table->roles_in_order()) give(r.groups, b.name + " " + (r.sso ? r.SsoArnLike() : r.rolearn));
    for (const auto& u : b.table->users_in_order()) give(u.groups, b.name + " " + u.userarn);
  }
  if (aws_auth) {
    for (const auto& r : aws_auth->roles) give(r.groups, "aws-auth " + (r.sso ? r.SsoArnLike() : r.rolearn));
    for (const auto& u : aws_auth->users) give(u.groups, "aws-auth " + u.userarn);
  }
  std::set<std::string> bound;
  auto note = [&](const std::vector<rbac::Subject>& subjects) {
    for (const auto& s : subjects) {
      if (s.kind == "Group") bound.insert(s.name);
    }
  };
  for (const auto& b : in.rbac->cluster_role_bindings()) note(b.subjects);
  for (const auto& b : in.rbac->role_bindings()) note(b.subjects);
  for (const auto& [group, who] : given) {
    if (group.starts_with("system:") || bound.contains(group) || group.find("{{") != std::string::npos) continue;
    out.push_back({"group " + group, false,
                   "no RoleBinding or ClusterRoleBinding names it: it grants nothing (given by " + *who.begin() +
                       (who.size() > 1 ? " and " + std::to_string(who.size() - 1) + " more" : "") + ")",
                   "kubectl create clusterrolebinding ... --group=" + group + ", or a RoleBinding"});
  }
}

}  // namespace

std::vector<DoctorFinding> Diagnose(const DoctorInput& in) {
  std::vector<DoctorFinding> out;
  std::optional<identity::AwsAuth> aws_auth;
  if (in.aws_auth) {
    if (auto parsed = identity::ParseAwsAuthConfigMap(*in.aws_auth)) aws_auth = std::move(*parsed);
    for (const auto& f : identity::LintAwsAuth(*in.aws_auth, AdministratorsOutsideAwsAuth(in.mappings))) {
      out.push_back({in.aws_auth_name + (f.line ? ":" + std::to_string(f.line) : ""), f.error, f.message, f.fix});
    }
  }
  const identity::AwsAuth* table = aws_auth ? &*aws_auth : nullptr;
  CheckPrincipalIds(in, out);
  CheckShadowing(in, table, out);
  CheckEntriesGrant(in, out);
  CheckGroups(in, table, out);
  return out;
}

}  // namespace kubeiam::state
