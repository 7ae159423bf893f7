#include "rbac/aggregation.h"

#include <algorithm>

namespace kubeiam::rbac {

bool Matches(const LabelSelector& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& [k, v] : selector.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& e : selector.match_expressions) {
    auto it = labels.find(e.key);
    bool present = it != labels.end();
    bool in = present && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
    if (e.op == "In" && !in) return false;
    if (e.op == "NotIn" && in) return false;
    if (e.op == "Exists" && !present) return false;
    if (e.op == "DoesNotExist" && present) return false;
    if (e.op != "In" && e.op != "NotIn" && e.op != "Exists" && e.op != "DoesNotExist") return false;
  }
  return true;
}

void AggregateClusterRoles(std::vector<ClusterRole>& roles) {
  std::vector<size_t> by_name(roles.size());
  for (size_t i = 0; i < roles.size(); ++i) by_name[i] = i;
  std::sort(by_name.begin(), by_name.end(), [&](size_t a, size_t b) { return roles[a].name < roles[b].name; });
  // Each pass can move rules one step down a chain; chains are at most as long as the list.
  for (size_t pass = 0; pass <= roles.size(); ++pass) {
    bool changed = false;
    for (auto& r : roles) {
      if (r.aggregation_selectors.empty()) continue;
      std::vector<PolicyRule> next;
      for (const auto& selector : r.aggregation_selectors) {
        for (size_t i : by_name) {
          const ClusterRole& c = roles[i];
          if (c.name == r.name || !Matches(selector, c.labels)) continue;
          for (const auto& rule : c.rules) {
            if (std::find(next.begin(), next.end(), rule) == next.end()) next.push_back(rule);
          }
        }
      }
      if (next != r.rules) {
        r.rules = std::move(next);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

}  // namespace kubeiam::rbac
