#include "rbac/authorizer.h"

#include <algorithm>

#include "rbac/rules.h"

namespace kubeiam::rbac {
namespace {

template <typename Map>
void Add(Map& map, const std::string& key, size_t position) {
  auto& list = map[key];
  if (list.empty() || list.back() != position) list.push_back(position);
}

// Files a binding under every user or group name that can match it. ServiceAccount subjects
// match on the service account's username; subjects that can never match are not filed.
template <typename Index, typename Binding>
void IndexBinding(Index& index, const Binding& b, size_t position, std::string_view ns) {
  for (const auto& s : b.subjects) {
    if (s.kind == "User") {
      Add(index.users, s.name, position);
    } else if (s.kind == "Group") {
      Add(index.groups, s.name, position);
    } else if (s.kind == "ServiceAccount") {
      std::string sa_ns = s.namespace_.empty() ? std::string(ns) : s.namespace_;
      if (!sa_ns.empty()) Add(index.users, "system:serviceaccount:" + sa_ns + ":" + s.name, position);
    }
  }
}

// Go's aggregate error text: one error as itself, several as "[a, b]".
std::string Aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors[0];
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) out += (i ? ", " : "") + errors[i];
  return out + "]";
}

}  // namespace

Authorizer::Authorizer(std::vector<Role> roles, std::vector<ClusterRole> cluster_roles, std::vector<RoleBinding> role_bindings,
               std::vector<ClusterRoleBinding> cluster_role_bindings)
    : roles_(std::move(roles)),
      cluster_roles_(std::move(cluster_roles)),
      rbs_(std::move(role_bindings)),
      crbs_(std::move(cluster_role_bindings)) {
  for (size_t i = 0; i < cluster_roles_.size(); ++i) cluster_role_by_name_.emplace(cluster_roles_[i].name, i);
  for (size_t i = 0; i < roles_.size(); ++i) role_by_key_.emplace(roles_[i].namespace_ + "/" + roles_[i].name, i);
  for (size_t i = 0; i < crbs_.size(); ++i) IndexBinding(crb_index_, crbs_[i], i, "");
  for (size_t i = 0; i < rbs_.size(); ++i) {
    Namespace& ns = namespaces_[rbs_[i].namespace_];
    ns.bindings.push_back(i);
    IndexBinding(ns.by_subject, rbs_[i], i, rbs_[i].namespace_);
  }
}

const ClusterRole* Authorizer::FindClusterRole(std::string_view name) const {
  auto it = cluster_role_by_name_.find(std::string(name));
  return it == cluster_role_by_name_.end() ? nullptr : &cluster_roles_[it->second];
}

const Role* Authorizer::FindRole(std::string_view ns, std::string_view name) const {
  auto it = role_by_key_.find(std::string(ns) + "/" + std::string(name));
  return it == role_by_key_.end() ? nullptr : &roles_[it->second];
}

Result<const std::vector<PolicyRule>*> Authorizer::Resolve(const RoleRef& ref, std::string_view ns) const {
  if (ref.kind == "Role") {
    if (const Role* r = FindRole(ns, ref.name)) return &r->rules;
    return Fail(ErrorCode::kNotFound, "role.rbac.authorization.k8s.io \"" + ref.name + "\" not found");
  }
  if (ref.kind == "ClusterRole") {
    if (const ClusterRole* r = FindClusterRole(ref.name)) return &r->rules;
    return Fail(ErrorCode::kNotFound, "clusterrole.rbac.authorization.k8s.io \"" + ref.name + "\" not found");
  }
  return Fail(ErrorCode::kInvalidArgument, "unsupported role reference kind: \"" + ref.kind + "\"");
}

void Authorizer::Candidates(const Index& index, const UserInfo& user, std::vector<size_t>& out) {
  out.clear();
  size_t lists = 0;
  auto add = [&](const Map& map, std::string_view key) {
    if (auto it = map.find(key); it != map.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      ++lists;
    }
  };
  add(index.users, user.name);
  for (const auto& g : user.groups) add(index.groups, g);
  // Each list is already in load order; only a merge of several needs sorting.
  if (lists > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

template <typename Visit>
void Authorizer::VisitRulesFor(const UserInfo& user, std::string_view ns, std::vector<std::string>& errors,
                           Visit visit) const {
  thread_local std::vector<size_t> candidates;
  Candidates(crb_index_, user, candidates);
  for (size_t i : candidates) {
    const ClusterRoleBinding& b = crbs_[i];
    auto subject = AppliesTo(user, b.subjects, "");
    if (!subject) continue;
    auto rules = Resolve(b.role_ref, "");
    if (!rules) {
      errors.push_back(rules.error().message);
      continue;
    }
    auto source = [&] {
      return "ClusterRoleBinding \"" + b.name + "\" of " + b.role_ref.kind + " \"" + b.role_ref.name + "\" to " +
             DescribeSubject(b.subjects[*subject], "");
    };
    for (const auto& rule : **rules) {
      if (visit(source, rule)) return;
    }
  }
  if (ns.empty()) return;
  auto it = namespaces_.find(ns);
  if (it == namespaces_.end()) return;
  Candidates(it->second.by_subject, user, candidates);
  for (size_t i : candidates) {
    const RoleBinding& b = rbs_[i];
    auto subject = AppliesTo(user, b.subjects, ns);
    if (!subject) continue;
    auto rules = Resolve(b.role_ref, ns);
    if (!rules) {
      errors.push_back(rules.error().message);
      continue;
    }
    auto source = [&] {
      return "RoleBinding \"" + b.name + "/" + b.namespace_ + "\" of " + b.role_ref.kind + " \"" + b.role_ref.name +
             "\" to " + DescribeSubject(b.subjects[*subject], ns);
    };
    for (const auto& rule : **rules) {
      if (visit(source, rule)) return;
    }
  }
}

Decision Authorizer::Authorize(const Attributes& a) const {
  std::vector<std::string> errors;
  Decision d;
  VisitRulesFor(a.user, a.namespace_, errors, [&](auto source, const PolicyRule& rule) {
    if (!RuleAllows(a, rule)) return false;
    d.allowed = true;
    d.reason = "RBAC: allowed by " + source();
    return true;
  });
  if (!d.allowed && !errors.empty()) d.reason = "RBAC: " + Aggregate(errors);
  return d;
}

RulesResult Authorizer::RulesFor(const UserInfo& user, std::string_view ns) const {
  RulesResult out;
  VisitRulesFor(user, ns, out.errors, [&](auto, const PolicyRule& rule) {
    out.rules.push_back(rule);
    return false;
  });
  return out;
}

std::vector<Subject> Authorizer::AllowedSubjects(const Attributes& a, std::string_view super_user,
                                             std::vector<std::string>* errors) const {
  std::vector<Subject> out = {{"Group", "system:masters", "", "rbac.authorization.k8s.io"}};
  if (!super_user.empty()) out.push_back({"User", std::string(super_user), "", "rbac.authorization.k8s.io"});
  auto consider = [&](const auto& binding, std::string_view ns) {
    auto rules = Resolve(binding.role_ref, ns);
    if (!rules) {
      if (errors) errors->push_back(rules.error().message);
      return;
    }
    if (std::any_of((*rules)->begin(), (*rules)->end(), [&](const PolicyRule& r) { return RuleAllows(a, r); })) {
      out.insert(out.end(), binding.subjects.begin(), binding.subjects.end());
    }
  };
  for (const auto& b : crbs_) consider(b, "");
  if (!a.namespace_.empty()) {
    if (auto it = namespaces_.find(a.namespace_); it != namespaces_.end()) {
      for (size_t i : it->second.bindings) consider(rbs_[i], a.namespace_);
    }
  }
  return out;
}

std::vector<Grant> Authorizer::Grants(const Attributes& a, bool all_namespaces) const {
  std::vector<Grant> out;
  auto allows = [&](const RoleRef& ref, std::string_view ns) {
    auto rules = Resolve(ref, ns);
    return rules && std::any_of((*rules)->begin(), (*rules)->end(), [&](const PolicyRule& r) { return RuleAllows(a, r); });
  };
  for (const auto& b : crbs_) {
    if (allows(b.role_ref, "")) out.push_back({"ClusterRoleBinding", b.name, "", b.role_ref, b.subjects});
  }
  for (const auto& b : rbs_) {
    if (!all_namespaces && b.namespace_ != a.namespace_) continue;
    if (a.namespace_.empty() && !all_namespaces) continue;
    if (allows(b.role_ref, b.namespace_)) out.push_back({"RoleBinding", b.name, b.namespace_, b.role_ref, b.subjects});
  }
  return out;
}

}  // namespace kubeiam::rbac
