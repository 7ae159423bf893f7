#include "kubeapi/audit_policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "util/strings.h"
#include "util/tree_view.h"

namespace kubeiam::kubeapi {
namespace {

constexpr const char* kLevels[] = {"None", "Metadata", "Request", "RequestResponse"};
constexpr const char* kStages[] = {"RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"};

bool Has(const std::vector<std::string>& list, const std::string& v) { return std::find(list.begin(), list.end(), v) != list.end(); }

// Set lists must contain the value; an empty list matches anything.
bool Allows(const std::vector<std::string>& list, const std::string& v) { return list.empty() || Has(list, v); }

// As kube-apiserver's ruleMatchesResource: no resources means the whole group (names ignored);
// "*", "resource/subresource", "*/subresource" (with a subresource) and "resource/*" (the
// resource and any of its subresources) match, each only for the listed names when there are.
bool ResourceMatches(const AuditPolicy::GroupResources& g, const AuditRequest& r) {
  if (g.group != r.api_group) return false;
  if (g.resources.empty()) return true;
  if (!g.resource_names.empty() && !Has(g.resource_names, r.name)) return false;
  std::string full = r.subresource.empty() ? r.resource : r.resource + "/" + r.subresource;
  for (const auto& want : g.resources) {
    if (want == "*" || want == full) return true;
    if (!r.subresource.empty() && want.starts_with("*/") && want.substr(2) == r.subresource) return true;
    if (want.ends_with("/*") && want.substr(0, want.size() - 2) == r.resource) return true;
  }
  return false;
}

bool PathMatches(const std::vector<std::string>& urls, const std::string& path) {
  for (const auto& u : urls) {
    if (u == path || (u.ends_with("*") && path.starts_with(u.substr(0, u.size() - 1)))) return true;
  }
  return false;
}

struct Reader {
  std::string file;
  std::vector<std::string> problems;
  // "FILE:LINE:COLUMN: path: rule", at the value at fault (or the rule that lacks it).
  void Problem(const YAML::Node& at, const std::string& path, const std::string& rule) {
    problems.push_back(PositionOf(at).In(file) + ": " + path + ": " + rule);
  }
  std::vector<std::string> Strings(const YAML::Node& n, const char* key, const std::string& at) {
    std::vector<std::string> out;
    YAML::Node v = n[key];
    if (!v || v.IsNull()) return out;
    if (!v.IsSequence()) {
      Problem(v, at + "." + key, "must be a list of strings");
      return out;
    }
    for (const auto& item : v) {
      if (item.IsScalar()) out.push_back(item.Scalar());
      else Problem(item, at + "." + key, "must be a list of strings");
    }
    return out;
  }
  std::vector<AuditStage> Stages(const YAML::Node& n, const std::string& at) {
    std::vector<AuditStage> out;
    for (const auto& s : Strings(n, "omitStages", at)) {
      auto it = std::find(std::begin(kStages), std::end(kStages), s);
      if (it == std::end(kStages)) {
        Problem(n["omitStages"], at + ".omitStages", "unknown stage \"" + s + "\"");
      } else {
        out.push_back(static_cast<AuditStage>(it - std::begin(kStages)));
      }
    }
    return out;
  }
};

AuditPolicy::Rule ReadRule(Reader& r, const YAML::Node& n, const std::string& at) {
  AuditPolicy::Rule rule;
  std::string level = n["level"] && n["level"].IsScalar() ? n["level"].Scalar() : "";
  auto it = std::find(std::begin(kLevels), std::end(kLevels), level);
  if (it == std::end(kLevels)) {
    r.Problem(n["level"] ? n["level"] : n, at + ".level", "must be one of None, Metadata, Request, RequestResponse");
  } else {
    rule.level = static_cast<AuditLevel>(it - std::begin(kLevels));
  }
  rule.users = r.Strings(n, "users", at);
  rule.user_groups = r.Strings(n, "userGroups", at);
  rule.verbs = r.Strings(n, "verbs", at);
  rule.namespaces = r.Strings(n, "namespaces", at);
  rule.non_resource_urls = r.Strings(n, "nonResourceURLs", at);
  rule.omit_stages = r.Stages(n, at);
  if (YAML::Node res = n["resources"]; res && res.IsSequence()) {
    for (size_t i = 0; i < res.size(); ++i) {
      std::string here = at + ".resources[" + std::to_string(i) + "]";
      if (!res[i].IsMap()) {
        r.Problem(res[i], here, "must be a mapping with group and resources");
        continue;
      }
      AuditPolicy::GroupResources g;
      g.group = res[i]["group"] && res[i]["group"].IsScalar() ? res[i]["group"].Scalar() : "";
      g.resources = r.Strings(res[i], "resources", here);
      g.resource_names = r.Strings(res[i], "resourceNames", here);
      rule.resources.push_back(std::move(g));
    }
  }
  if (!rule.resources.empty() && !rule.non_resource_urls.empty()) {
    r.Problem(n, at, "resources and nonResourceURLs cannot be combined");
  }
  return rule;
}

}  // namespace

const char* AuditLevelName(AuditLevel level) { return kLevels[static_cast<int>(level)]; }
const char* AuditStageName(AuditStage stage) { return kStages[static_cast<int>(stage)]; }

bool AuditPolicy::Rule::Matches(const AuditRequest& r) const {
  if (!Allows(users, r.user) || !Allows(verbs, r.verb)) return false;
  if (!user_groups.empty() && std::none_of(r.groups.begin(), r.groups.end(), [&](const std::string& g) { return Has(user_groups, g); })) {
    return false;
  }
  if (!r.resource_request) return (resources.empty() && namespaces.empty()) && (non_resource_urls.empty() || PathMatches(non_resource_urls, r.path));
  if (!non_resource_urls.empty()) return false;
  if (!namespaces.empty() && !Has(namespaces, r.namespace_)) return false;
  return resources.empty() || std::any_of(resources.begin(), resources.end(), [&](const GroupResources& g) { return ResourceMatches(g, r); });
}

Result<AuditPolicy> AuditPolicy::Parse(std::string_view yaml, const std::string& file) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(e.mark).In(file) + ": not valid YAML: " + e.msg);
  }
  if (!doc.IsMap() || !doc["kind"] || doc["kind"].as<std::string>("") != "Policy") {
    return Fail(ErrorCode::kInvalidArgument, file + ": kind: must be Policy (apiVersion audit.k8s.io/v1)");
  }
  try {
    return ParseRules(doc, file);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, file + ": not an audit policy kubeiam can read: " + e.msg);
  }
}

Result<AuditPolicy> AuditPolicy::ParseRules(const YAML::Node& doc, const std::string& file) {
  Reader r{file, {}};
  AuditPolicy policy;
  policy.omit_stages_ = r.Stages(doc, "policy");
  YAML::Node rules = doc["rules"];
  if (!rules || !rules.IsSequence()) return Fail(ErrorCode::kInvalidArgument, PositionOf(rules).In(file) + ": rules: must be a list");
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].IsMap()) {
      r.Problem(rules[i], "rules[" + std::to_string(i) + "]", "must be a mapping");
      continue;
    }
    policy.rules_.push_back(ReadRule(r, rules[i], "rules[" + std::to_string(i) + "]"));
  }
  if (!r.problems.empty()) return Fail(ErrorCode::kInvalidArgument, Join(r.problems, "\n"));
  return policy;
}

AuditDecision AuditPolicy::Evaluate(const AuditRequest& request) const {
  for (const auto& rule : rules_) {
    if (!rule.Matches(request)) continue;
    AuditDecision d{rule.level, omit_stages_};
    d.omit_stages.insert(d.omit_stages.end(), rule.omit_stages.begin(), rule.omit_stages.end());
    return d;
  }
  return {};
}

}  // namespace kubeiam::kubeapi
