#include "kubeapi/escalation_admission.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "authz/escalation.h"
#include "kubeapi/api_errors.h"
#include "kubeapi/object_meta.h"
#include "rbac/loader.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// An object's RBAC view, through the manifest loader the authorizer uses.
rbac::Objects Parsed(const json::object& object) {
  auto parsed = rbac::ParseManifests(json::serialize(object), "request");
  return parsed ? std::move(*parsed) : rbac::Objects();
}

// Only the garbage collector's fields changed.
bool OnlyGcFields(json::object now, json::object old) {
  for (auto* o : {&now, &old}) {
    json::object& meta = Metadata(*o);
    for (const char* f : {"finalizers", "ownerReferences", "resourceVersion", "managedFields"}) meta.erase(f);
  }
  return now == old;
}

bool Aggregates(const json::object* o) {
  if (!o) return false;
  const json::value* rule = o->if_contains("aggregationRule");
  if (!rule || !rule->is_object()) return false;
  const json::value* selectors = rule->as_object().if_contains("clusterRoleSelectors");
  return selectors && selectors->is_array() && !selectors->as_array().empty();
}

Status CheckRole(const StoredKind& kind, const json::object& object, const json::object* old, const std::string& ns,
                 const Caller& caller, const rbac::Authorizer& rbac) {
  rbac::Objects parsed = Parsed(object);
  std::string name = MetaString(object, "name");
  std::vector<rbac::PolicyRule> rules;
  if (kind.kind == "Role" && !parsed.roles.empty()) rules = parsed.roles.front().rules;
  if (kind.kind == "ClusterRole" && !parsed.cluster_roles.empty()) rules = parsed.cluster_roles.front().rules;
  // The name only helps updates: `escalate` limited to names cannot allow a create.
  std::string checked_name = old ? name : "";
  if (auto ok = authz::ConfirmEscalate(rbac, caller.user, caller.policies, ns, checked_name, rules); !ok) return ok;
  if (kind.kind == "ClusterRole" && (Aggregates(&object) || Aggregates(old))) {
    rbac::PolicyRule all_resources{{"*"}, {"*"}, {"*"}, {}, {}};
    rbac::PolicyRule all_urls{{"*"}, {}, {}, {}, {"*"}};
    if (!authz::ConfirmEscalate(rbac, caller.user, caller.policies, ns, checked_name, {all_resources, all_urls})) {
      return Fail(ErrorCode::kPermissionDenied, "must have cluster-admin privileges to use the aggregationRule");
    }
  }
  return {};
}

Status CheckBinding(const StoredKind& kind, const json::object& object, const std::string& ns, const Caller& caller,
                    const rbac::Authorizer& rbac) {
  rbac::Objects parsed = Parsed(object);
  rbac::RoleRef ref;
  if (kind.kind == "RoleBinding" && !parsed.role_bindings.empty()) ref = parsed.role_bindings.front().role_ref;
  if (kind.kind == "ClusterRoleBinding" && !parsed.cluster_role_bindings.empty()) ref = parsed.cluster_role_bindings.front().role_ref;
  return authz::ConfirmBind(rbac, caller.user, caller.policies, ref, ns);
}

}  // namespace

std::optional<http::HttpResponse> CheckEscalation(const StoredKind& kind, const json::object& object, const json::object* old,
                                                  const std::string& ns, const Caller& caller, const rbac::Authorizer& rbac) {
  if (kind.group != kRbacGroup) return std::nullopt;
  if (old && OnlyGcFields(object, *old)) return std::nullopt;
  bool role = kind.kind == "Role" || kind.kind == "ClusterRole";
  Status ok = role ? CheckRole(kind, object, old, ns, caller, rbac) : CheckBinding(kind, object, ns, caller, rbac);
  if (ok) return std::nullopt;
  const std::string& why = ok.error().message;
  std::string name = MetaString(object, "name");
  if (why.ends_with("\" not found")) {
    // The binding's role does not exist: its NotFound, as the API server answers.
    const StoredKind* target = FindStoredKind(kRbacGroup, why.starts_with("clusterroles") ? "clusterroles" : "roles");
    std::string missing = why.substr(why.find('"') + 1);
    return NotFound(*target, missing.substr(0, missing.rfind('"')));
  }
  return Forbidden(kind, name, why);
}

}  // namespace kubeiam::kubeapi
