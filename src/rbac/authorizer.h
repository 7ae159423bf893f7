// The RBAC authorizer over an immutable, indexed set of objects (spec/rbac.md §3.4-§3.7).
//
// Bindings are indexed by the subjects that can match them (user names, including service-account
// usernames, and group names), per namespace for RoleBindings, so a decision visits only bindings
// that name this user or one of its groups, in the order they were loaded: the reasons and
// errors are those of a walk over every binding.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "rbac/objects.h"
#include "util/error.h"

namespace kubeiam::rbac {

struct Decision {
  bool allowed = false;  // false means NoOpinion: RBAC never denies
  std::string reason;    // "RBAC: allowed by ..." or "RBAC: <errors>" or ""
};

struct RulesResult {
  std::vector<PolicyRule> rules;
  std::vector<std::string> errors;
};

// A binding whose role has a rule allowing a request: who it names and through what.
struct Grant {
  std::string binding_kind, binding_name, namespace_;  // namespace_ empty for ClusterRoleBindings
  RoleRef role_ref;
  std::vector<Subject> subjects;
};

class Authorizer {
 public:
  Authorizer(std::vector<Role> roles, std::vector<ClusterRole> cluster_roles, std::vector<RoleBinding> role_bindings,
         std::vector<ClusterRoleBinding> cluster_role_bindings);

  Decision Authorize(const Attributes& a) const;
  // Every rule from every binding that applies to `user` in `ns` (ClusterRoleBindings first).
  RulesResult RulesFor(const UserInfo& user, std::string_view ns) const;
  // "Who can": Group system:masters, the super user if any, then every subject of every binding
  // with a rule allowing `a` (unfiltered, in order).
  std::vector<Subject> AllowedSubjects(const Attributes& a, std::string_view super_user,
                                       std::vector<std::string>* errors = nullptr) const;

  // Every binding granting `a`: ClusterRoleBindings, then RoleBindings in a's namespace, or in
  // every namespace when `all_namespaces` (each then counts only within its own namespace).
  std::vector<Grant> Grants(const Attributes& a, bool all_namespaces) const;

  const std::vector<ClusterRoleBinding>& cluster_role_bindings() const { return crbs_; }
  const std::vector<ClusterRole>& cluster_roles() const { return cluster_roles_; }
  const std::vector<Role>& roles() const { return roles_; }
  const std::vector<RoleBinding>& role_bindings() const { return rbs_; }
  const ClusterRole* FindClusterRole(std::string_view name) const;
  const Role* FindRole(std::string_view ns, std::string_view name) const;

 private:
  // Lookups by string_view without building a std::string per request.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Map = std::unordered_map<std::string, std::vector<size_t>, Hash, std::equal_to<>>;
  struct Index {
    Map users;   // user names, including service-account usernames -> bindings
    Map groups;  // group names -> bindings
  };
  struct Namespace {
    std::vector<size_t> bindings;  // indexes into rbs_, in order
    Index by_subject;
  };
  // The rules a roleRef names, or an error in the reference's words.
  Result<const std::vector<PolicyRule>*> Resolve(const RoleRef& ref, std::string_view ns) const;
  // Bindings in `index` that may apply to `user`, in load order, into `out` (cleared first).
  static void Candidates(const Index& index, const UserInfo& user, std::vector<size_t>& out);
  // Calls visit(source, rule) for each applicable rule until it returns true; collects errors.
  template <typename Visit>
  void VisitRulesFor(const UserInfo& user, std::string_view ns, std::vector<std::string>& errors, Visit visit) const;

  std::vector<Role> roles_;
  std::vector<ClusterRole> cluster_roles_;
  std::vector<RoleBinding> rbs_;
  std::vector<ClusterRoleBinding> crbs_;
  std::unordered_map<std::string, size_t> cluster_role_by_name_;
  std::unordered_map<std::string, size_t> role_by_key_;  // ns + "/" + name
  Index crb_index_;
  std::unordered_map<std::string, Namespace, Hash, std::equal_to<>> namespaces_;
};

}  // namespace kubeiam::rbac
