#include "eks/wire.h"

#include <boost/json/array.hpp>

namespace kubeiam::eks {
namespace {

boost::json::array Strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

double EpochSeconds(TimePoint t) {
  return double(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count()) / 1e6;
}

boost::json::object ScopeJson(const AccessScope& s) { return {{"type", s.type}, {"namespaces", Strings(s.namespaces)}}; }

boost::json::object AssociationJson(const AssociatedPolicy& p) {
  return {{"policyArn", p.policy},
          {"accessScope", ScopeJson(p.scope)},
          {"associatedAt", EpochSeconds(p.associated_at)},
          {"modifiedAt", EpochSeconds(p.modified_at)}};
}

boost::json::object EntryJson(const AccessEntry& e) {
  boost::json::object tags;
  for (const auto& [k, v] : e.tags) tags[k] = v;
  return {{"clusterName", e.cluster_name},
          {"principalArn", e.principal_arn},
          {"kubernetesGroups", Strings(e.kubernetes_groups)},
          {"accessEntryArn", e.access_entry_arn},
          {"createdAt", EpochSeconds(e.created_at)},
          {"modifiedAt", EpochSeconds(e.modified_at)},
          {"tags", std::move(tags)},
          {"username", e.username},
          {"type", e.type}};
}

}  // namespace kubeiam::eks
