#include "rbac/resources.h"

#include "util/strings.h"

namespace kubeiam::rbac {
namespace {

struct Entry {
  const char* resource;
  const char* group;
  bool namespaced;
  const char* kind;
  std::vector<const char*> aliases;  // singular and short names
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry> t = {
      {"pods", "", true, "Pod", {"pod", "po"}},
      {"services", "", true, "Service", {"service", "svc"}},
      {"configmaps", "", true, "ConfigMap", {"configmap", "cm"}},
      {"secrets", "", true, "Secret", {"secret"}},
      {"serviceaccounts", "", true, "ServiceAccount", {"serviceaccount", "sa"}},
      {"endpoints", "", true, "Endpoints", {"endpoint", "ep"}},
      {"events", "", true, "Event", {"event", "ev"}},
      {"persistentvolumeclaims", "", true, "PersistentVolumeClaim", {"persistentvolumeclaim", "pvc"}},
      {"replicationcontrollers", "", true, "ReplicationController", {"replicationcontroller", "rc"}},
      {"limitranges", "", true, "LimitRange", {"limitrange", "limits"}},
      {"resourcequotas", "", true, "ResourceQuota", {"resourcequota", "quota"}},
      {"podtemplates", "", true, "PodTemplate", {"podtemplate"}},
      {"bindings", "", true, "Binding", {"binding"}},
      {"namespaces", "", false, "Namespace", {"namespace", "ns"}},
      {"nodes", "", false, "Node", {"node", "no"}},
      {"persistentvolumes", "", false, "PersistentVolume", {"persistentvolume", "pv"}},
      {"componentstatuses", "", false, "ComponentStatus", {"componentstatus", "cs"}},
      {"users", "", false, "User", {"user"}},
      {"groups", "", false, "Group", {"group"}},
      {"deployments", "apps", true, "Deployment", {"deployment", "deploy"}},
      {"replicasets", "apps", true, "ReplicaSet", {"replicaset", "rs"}},
      {"statefulsets", "apps", true, "StatefulSet", {"statefulset", "sts"}},
      {"daemonsets", "apps", true, "DaemonSet", {"daemonset", "ds"}},
      {"controllerrevisions", "apps", true, "ControllerRevision", {"controllerrevision"}},
      {"jobs", "batch", true, "Job", {"job"}},
      {"cronjobs", "batch", true, "CronJob", {"cronjob", "cj"}},
      {"horizontalpodautoscalers", "autoscaling", true, "HorizontalPodAutoscaler", {"horizontalpodautoscaler", "hpa"}},
      {"ingresses", "networking.k8s.io", true, "Ingress", {"ingress", "ing"}},
      {"networkpolicies", "networking.k8s.io", true, "NetworkPolicy", {"networkpolicy", "netpol"}},
      {"ingressclasses", "networking.k8s.io", false, "IngressClass", {"ingressclass"}},
      {"poddisruptionbudgets", "policy", true, "PodDisruptionBudget", {"poddisruptionbudget", "pdb"}},
      {"roles", "rbac.authorization.k8s.io", true, "Role", {"role"}},
      {"rolebindings", "rbac.authorization.k8s.io", true, "RoleBinding", {"rolebinding"}},
      {"clusterroles", "rbac.authorization.k8s.io", false, "ClusterRole", {"clusterrole"}},
      {"clusterrolebindings", "rbac.authorization.k8s.io", false, "ClusterRoleBinding", {"clusterrolebinding"}},
      {"storageclasses", "storage.k8s.io", false, "StorageClass", {"storageclass", "sc"}},
      {"csidrivers", "storage.k8s.io", false, "CSIDriver", {"csidriver"}},
      {"csinodes", "storage.k8s.io", false, "CSINode", {"csinode"}},
      {"csistoragecapacities", "storage.k8s.io", true, "CSIStorageCapacity", {"csistoragecapacity"}},
      {"volumeattachments", "storage.k8s.io", false, "VolumeAttachment", {"volumeattachment"}},
      {"customresourcedefinitions", "apiextensions.k8s.io", false, "CustomResourceDefinition", {"customresourcedefinition", "crd", "crds"}},
      {"apiservices", "apiregistration.k8s.io", false, "APIService", {"apiservice"}},
      {"leases", "coordination.k8s.io", true, "Lease", {"lease"}},
      {"endpointslices", "discovery.k8s.io", true, "EndpointSlice", {"endpointslice"}},
      {"certificatesigningrequests", "certificates.k8s.io", false, "CertificateSigningRequest", {"certificatesigningrequest", "csr"}},
      {"priorityclasses", "scheduling.k8s.io", false, "PriorityClass", {"priorityclass", "pc"}},
      {"runtimeclasses", "node.k8s.io", false, "RuntimeClass", {"runtimeclass"}},
      {"mutatingwebhookconfigurations", "admissionregistration.k8s.io", false, "MutatingWebhookConfiguration", {"mutatingwebhookconfiguration"}},
      {"validatingwebhookconfigurations", "admissionregistration.k8s.io", false, "ValidatingWebhookConfiguration", {"validatingwebhookconfiguration"}},
      {"tokenreviews", "authentication.k8s.io", false, "TokenReview", {"tokenreview"}},
      {"selfsubjectreviews", "authentication.k8s.io", false, "SelfSubjectReview", {"selfsubjectreview"}},
      {"subjectaccessreviews", "authorization.k8s.io", false, "SubjectAccessReview", {"subjectaccessreview"}},
      {"selfsubjectaccessreviews", "authorization.k8s.io", false, "SelfSubjectAccessReview", {"selfsubjectaccessreview"}},
      {"selfsubjectrulesreviews", "authorization.k8s.io", false, "SelfSubjectRulesReview", {"selfsubjectrulesreview"}},
      {"localsubjectaccessreviews", "authorization.k8s.io", true, "LocalSubjectAccessReview", {"localsubjectaccessreview"}},
      {"flowschemas", "flowcontrol.apiserver.k8s.io", false, "FlowSchema", {"flowschema"}},
      {"prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io", false, "PriorityLevelConfiguration", {"prioritylevelconfiguration"}},
  };
  return t;
}

}  // namespace

const std::vector<ResourceType>& StandardResources() {
  static const std::vector<ResourceType> out = [] {
    std::vector<ResourceType> v;
    for (const auto& e : Table()) {
      ResourceType t{e.resource, e.group, e.namespaced, e.kind};
      t.singular = e.aliases.empty() ? "" : e.aliases[0];
      if (t.group == "autoscaling") t.version = "v2";
      // Short names are the aliases that are not the singular (the first alias).
      for (size_t i = 1; i < e.aliases.size(); ++i) t.short_names.emplace_back(e.aliases[i]);
      t.served = !(t.group.empty() && (t.resource == "users" || t.resource == "groups"));
      v.push_back(std::move(t));
    }
    return v;
  }();
  return out;
}

std::optional<ResourceType> ResolveResourceType(std::string_view typed) {
  if (typed == "*") return ResourceType{"*", "", true, ""};
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
    if (named && (!group_given || group == e.group)) return ResourceType{e.resource, e.group, e.namespaced, e.kind};
  }
  if (group_given) return ResourceType{name, group, true, ""};  // e.g. crontabs.stable.example.com
  return std::nullopt;
}

}  // namespace kubeiam::rbac
