#include "rbac/rules.h"

#include <algorithm>

namespace kubeiam::rbac {
namespace {

bool Has(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool VerbMatches(const PolicyRule& r, std::string_view verb) { return Has(r.verbs, "*") || Has(r.verbs, verb); }

bool GroupMatches(const PolicyRule& r, std::string_view group) {
  return Has(r.api_groups, "*") || Has(r.api_groups, group);
}

bool ResourceMatches(const PolicyRule& r, const std::string& combined, std::string_view subresource) {
  for (const auto& res : r.resources) {
    if (res == "*" || res == combined) return true;
    // "*/sub" matches any resource's subresource `sub`.
    if (!subresource.empty() && res.size() == subresource.size() + 2 && res.starts_with("*/") &&
        res.ends_with(subresource)) {
      return true;
    }
  }
  return false;
}

bool NameMatches(const PolicyRule& r, std::string_view name) {
  return r.resource_names.empty() || Has(r.resource_names, name);
}

bool UrlMatches(const PolicyRule& r, std::string_view path) {
  for (const auto& url : r.non_resource_urls) {
    if (url == "*" || url == path) return true;
    if (!url.empty() && url.back() == '*') {
      std::string_view prefix(url);
      while (!prefix.empty() && prefix.back() == '*') prefix.remove_suffix(1);
      if (path.starts_with(prefix)) return true;
    }
  }
  return false;
}

}  // namespace

bool RuleAllows(const Attributes& a, const PolicyRule& rule) {
  if (!a.resource_request) return VerbMatches(rule, a.verb) && UrlMatches(rule, a.path);
  std::string combined = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  return VerbMatches(rule, a.verb) && GroupMatches(rule, a.api_group) && ResourceMatches(rule, combined, a.subresource) &&
         NameMatches(rule, a.name);
}

std::optional<size_t> AppliesTo(const UserInfo& user, const std::vector<Subject>& subjects,
                                std::string_view binding_namespace) {
  for (size_t i = 0; i < subjects.size(); ++i) {
    const Subject& s = subjects[i];
    if (s.kind == "User") {
      if (user.name == s.name) return i;
    } else if (s.kind == "Group") {
      if (Has(user.groups, s.name)) return i;
    } else if (s.kind == "ServiceAccount") {
      std::string_view ns = s.namespace_.empty() ? binding_namespace : std::string_view(s.namespace_);
      if (ns.empty()) continue;
      std::string expected = "system:serviceaccount:" + std::string(ns) + ":" + s.name;
      if (user.name == expected) return i;
    }
  }
  return std::nullopt;
}

std::string DescribeSubject(const Subject& s, std::string_view binding_namespace) {
  if (s.kind == "ServiceAccount") {
    std::string ns = s.namespace_.empty() ? std::string(binding_namespace) : s.namespace_;
    return "ServiceAccount \"" + s.name + "/" + ns + "\"";
  }
  return s.kind + " \"" + s.name + "\"";
}

}  // namespace kubeiam::rbac
