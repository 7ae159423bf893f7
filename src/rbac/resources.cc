#include "rbac/resources.h"

#include "util/strings.h"

namespace kubeiam::rbac {
namespace {

struct Entry {
  const char* resource;
  const char* group;
  bool namespaced;
  std::vector<const char*> aliases;  // singular and short names
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> t = {
      {"pods", "", true, {"pod", "po"}},
      {"services", "", true, {"service", "svc"}},
      {"configmaps", "", true, {"configmap", "cm"}},
      {"secrets", "", true, {"secret"}},
      {"serviceaccounts", "", true, {"serviceaccount", "sa"}},
      {"endpoints", "", true, {"endpoint", "ep"}},
      {"events", "", true, {"event", "ev"}},
      {"persistentvolumeclaims", "", true, {"persistentvolumeclaim", "pvc"}},
      {"replicationcontrollers", "", true, {"replicationcontroller", "rc"}},
      {"limitranges", "", true, {"limitrange", "limits"}},
      {"resourcequotas", "", true, {"resourcequota", "quota"}},
      {"podtemplates", "", true, {"podtemplate"}},
      {"bindings", "", true, {"binding"}},
      {"namespaces", "", false, {"namespace", "ns"}},
      {"nodes", "", false, {"node", "no"}},
      {"persistentvolumes", "", false, {"persistentvolume", "pv"}},
      {"componentstatuses", "", false, {"componentstatus", "cs"}},
      {"users", "", false, {"user"}},
      {"groups", "", false, {"group"}},
      {"deployments", "apps", true, {"deployment", "deploy"}},
      {"replicasets", "apps", true, {"replicaset", "rs"}},
      {"statefulsets", "apps", true, {"statefulset", "sts"}},
      {"daemonsets", "apps", true, {"daemonset", "ds"}},
      {"controllerrevisions", "apps", true, {"controllerrevision"}},
      {"jobs", "batch", true, {"job"}},
      {"cronjobs", "batch", true, {"cronjob", "cj"}},
      {"horizontalpodautoscalers", "autoscaling", true, {"horizontalpodautoscaler", "hpa"}},
      {"ingresses", "networking.k8s.io", true, {"ingress", "ing"}},
      {"networkpolicies", "networking.k8s.io", true, {"networkpolicy", "netpol"}},
      {"ingressclasses", "networking.k8s.io", false, {"ingressclass"}},
      {"poddisruptionbudgets", "policy", true, {"poddisruptionbudget", "pdb"}},
      {"roles", "rbac.authorization.k8s.io", true, {"role"}},
      {"rolebindings", "rbac.authorization.k8s.io", true, {"rolebinding"}},
      {"clusterroles", "rbac.authorization.k8s.io", false, {"clusterrole"}},
      {"clusterrolebindings", "rbac.authorization.k8s.io", false, {"clusterrolebinding"}},
      {"storageclasses", "storage.k8s.io", false, {"storageclass", "sc"}},
      {"csidrivers", "storage.k8s.io", false, {"csidriver"}},
      {"csinodes", "storage.k8s.io", false, {"csinode"}},
      {"csistoragecapacities", "storage.k8s.io", true, {"csistoragecapacity"}},
      {"volumeattachments", "storage.k8s.io", false, {"volumeattachment"}},
      {"customresourcedefinitions", "apiextensions.k8s.io", false, {"customresourcedefinition", "crd", "crds"}},
      {"apiservices", "apiregistration.k8s.io", false, {"apiservice"}},
      {"leases", "coordination.k8s.io", true, {"lease"}},
      {"endpointslices", "discovery.k8s.io", true, {"endpointslice"}},
      {"certificatesigningrequests", "certificates.k8s.io", false, {"certificatesigningrequest", "csr"}},
      {"priorityclasses", "scheduling.k8s.io", false, {"priorityclass", "pc"}},
      {"runtimeclasses", "node.k8s.io", false, {"runtimeclass"}},
      {"mutatingwebhookconfigurations", "admissionregistration.k8s.io", false, {"mutatingwebhookconfiguration"}},
      {"validatingwebhookconfigurations", "admissionregistration.k8s.io", false, {"validatingwebhookconfiguration"}},
      {"tokenreviews", "authentication.k8s.io", false, {"tokenreview"}},
      {"selfsubjectreviews", "authentication.k8s.io", false, {"selfsubjectreview"}},
      {"subjectaccessreviews", "authorization.k8s.io", false, {"subjectaccessreview"}},
      {"selfsubjectaccessreviews", "authorization.k8s.io", false, {"selfsubjectaccessreview"}},
      {"selfsubjectrulesreviews", "authorization.k8s.io", false, {"selfsubjectrulesreview"}},
      {"localsubjectaccessreviews", "authorization.k8s.io", true, {"localsubjectaccessreview"}},
      {"flowschemas", "flowcontrol.apiserver.k8s.io", false, {"flowschema"}},
      {"prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io", false, {"prioritylevelconfiguration"}},
  };
  return t;
}

}  // namespace

const std::vector<ResourceType>& StandardResources() {
  static const std::vector<ResourceType> out = [] {
    std::vector<ResourceType> v;
    for (const auto& e : Table()) v.push_back({e.resource, e.group, e.namespaced});
    return v;
  }();
  return out;
}

std::optional<ResourceType> ResolveResourceType(std::string_view typed) {
  if (typed == "*") return ResourceType{"*", "", true};
  std::string lower = ToLower(typed);
  // name[.version].group: the first label is the resource, the last ones the group.
  std::string name = lower, group;
  bool group_given = false;
  if (size_t dot = lower.find('.'); dot != std::string::npos) {
    name = lower.substr(0, dot);
    group = lower.substr(dot + 1);
    group_given = true;
    // deployments.v1.apps: drop a version label.
    if (size_t d2 = group.find('.'); d2 != std::string::npos && group[0] == 'v' && std::isdigit(static_cast<unsigned char>(group[1]))) {
      group = group.substr(d2 + 1);
    }
  }
  for (const auto& e : Table()) {
    bool named = name == e.resource;
    for (const char* a : e.aliases) named |= name == a;
    if (named && (!group_given || group == e.group)) return ResourceType{e.resource, e.group, e.namespaced};
  }
  if (group_given) return ResourceType{name, group, true};  // e.g. crontabs.stable.example.com
  return std::nullopt;
}

}  // namespace kubeiam::rbac
