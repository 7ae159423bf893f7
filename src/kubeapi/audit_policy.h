// kube-apiserver's audit policy (--audit-policy-file, audit.k8s.io/v1 Policy): rules tried in
// order, the first that matches a request gives its level (None, Metadata, Request,
// RequestResponse); no rule matching means None. A rule matches when each of its lists that is
// set contains the request's user, one of its groups, its verb, its resource (group, resource or
// resource/subresource, "*" and "resource/*" allowed, resourceNames), its namespace ("" for
// cluster-scoped), or its path for nonResourceURLs (a trailing "*" is a prefix). Stages listed
// in the policy's or the rule's omitStages are not written.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace YAML {
class Node;
}

namespace kubeiam::kubeapi {

enum class AuditLevel { kNone, kMetadata, kRequest, kRequestResponse };
enum class AuditStage { kRequestReceived, kResponseStarted, kResponseComplete, kPanic };

const char* AuditLevelName(AuditLevel level);
const char* AuditStageName(AuditStage stage);

struct AuditRequest {
  std::string user;
  std::vector<std::string> groups;
  std::string verb;
  bool resource_request = false;
  std::string api_group, resource, subresource, namespace_, name, path;
};

struct AuditDecision {
  AuditLevel level = AuditLevel::kNone;
  std::vector<AuditStage> omit_stages;
};

class AuditPolicy {
 public:
  // Errors (kInvalidArgument) name the file, the rule and the field: "policy.yaml: rules[2].level:
  // must be one of None, Metadata, Request, RequestResponse".
  static Result<AuditPolicy> Parse(std::string_view yaml, const std::string& file);
  AuditDecision Evaluate(const AuditRequest& request) const;

  struct GroupResources {
    std::string group;
    std::vector<std::string> resources, resource_names;
  };
  struct Rule {
    AuditLevel level = AuditLevel::kNone;
    std::vector<std::string> users, user_groups, verbs, namespaces, non_resource_urls;
    std::vector<GroupResources> resources;
    std::vector<AuditStage> omit_stages;
    bool Matches(const AuditRequest& request) const;
  };

 private:
  static Result<AuditPolicy> ParseRules(const YAML::Node& doc, const std::string& file);
  std::vector<Rule> rules_;
  std::vector<AuditStage> omit_stages_;
};

}  // namespace kubeiam::kubeapi
