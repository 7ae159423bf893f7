#include "rbac/covers.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace kubeiam::rbac {
namespace {

bool Has(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool HasOrStar(const std::vector<std::string>& list, const std::string& v) { return Has(list, "*") || Has(list, v); }

bool ResourceCovered(const std::vector<std::string>& owner, const std::string& resource) {
  if (HasOrStar(owner, resource)) return true;
  size_t slash = resource.find('/');
  return slash != std::string::npos && Has(owner, "*" + resource.substr(slash));
}

bool UrlCovered(const std::vector<std::string>& owner, const std::string& url) {
  for (const auto& o : owner) {
    if (o == url) return true;
    if (o.ends_with("*")) {
      std::string prefix = o.substr(0, o.find_last_not_of('*') + 1);
      if (url.starts_with(prefix)) return true;
    }
  }
  return false;
}

struct Atom {
  std::string group, resource, verb, name, url;
};

bool Covered(const PolicyRule& o, const Atom& a) {
  if (!HasOrStar(o.verbs, a.verb)) return false;
  if (!a.url.empty()) return UrlCovered(o.non_resource_urls, a.url);
  if (!HasOrStar(o.api_groups, a.group) || !ResourceCovered(o.resources, a.resource)) return false;
  return o.resource_names.empty() || (!a.name.empty() && Has(o.resource_names, a.name));
}

std::string Quoted(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " \"" : "\"") + v[i] + "\"";
  return out + "]";
}

}  // namespace

std::vector<PolicyRule> Uncovered(const std::vector<PolicyRule>& owner, const std::vector<PolicyRule>& servant) {
  // Missing atoms grouped by everything but the verb, so that they re-compact.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::set<std::string>> missing;
  auto check = [&](const Atom& a) {
    for (const auto& o : owner) {
      if (Covered(o, a)) return;
    }
    missing[{a.group, a.resource, a.name, a.url}].insert(a.verb);
  };
  for (const auto& s : servant) {
    for (const auto& verb : s.verbs) {
      for (const auto& url : s.non_resource_urls) check({"", "", verb, "", url});
      for (const auto& group : s.api_groups) {
        for (const auto& resource : s.resources) {
          if (s.resource_names.empty()) check({group, resource, verb, "", ""});
          for (const auto& name : s.resource_names) check({group, resource, verb, name, ""});
        }
      }
    }
  }
  std::vector<PolicyRule> out;
  for (const auto& [key, verbs] : missing) {
    const auto& [group, resource, name, url] = key;
    PolicyRule r;
    r.verbs.assign(verbs.begin(), verbs.end());
    if (!url.empty()) {
      r.non_resource_urls = {url};
    } else {
      r.api_groups = {group};
      r.resources = {resource};
      if (!name.empty()) r.resource_names = {name};
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string CompactString(const PolicyRule& r) {
  std::vector<std::string> parts;
  if (!r.api_groups.empty()) parts.push_back("APIGroups:" + Quoted(r.api_groups));
  if (!r.resources.empty()) parts.push_back("Resources:" + Quoted(r.resources));
  if (!r.non_resource_urls.empty()) parts.push_back("NonResourceURLs:" + Quoted(r.non_resource_urls));
  if (!r.resource_names.empty()) parts.push_back("ResourceNames:" + Quoted(r.resource_names));
  parts.push_back("Verbs:" + Quoted(r.verbs));
  std::string out = "{";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + "}";
}

std::string EscalationMessage(const UserInfo& user, const std::vector<PolicyRule>& missing) {
  std::vector<std::string> lines;
  for (const auto& r : missing) lines.push_back(CompactString(r));
  std::sort(lines.begin(), lines.end());
  std::string out = "user \"" + user.name + "\" (groups=" + Quoted(user.groups) +
                    ") is attempting to grant RBAC permissions not currently held:";
  for (const auto& l : lines) out += "\n" + l;
  return out;
}

}  // namespace kubeiam::rbac
