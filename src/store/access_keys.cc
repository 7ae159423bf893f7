#include "store/access_keys.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/key_segment.h"
#include "util/strings.h"

namespace kubeiam::store {
namespace {

namespace json = boost::json;

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Typed reads of a stored object; a wrong type is a kFormat error naming the field.
struct Reader {
  const json::object& o;
  std::string what;
  std::optional<Error> error;

  void Bad(std::string_view field, std::string_view rule) {
    if (!error) error = Error{ErrorCode::kFormat, what + ": " + std::string(field) + ": " + std::string(rule)};
  }
  std::string Text(std::string_view field) {
    const json::value* v = o.if_contains(field);
    if (!v) return {};
    if (!v->is_string()) Bad(field, "must be a string");
    return v->is_string() ? std::string(v->as_string()) : std::string();
  }
  int64_t Int(std::string_view field) {
    const json::value* v = o.if_contains(field);
    if (!v) return 0;
    if (!v->is_int64()) Bad(field, "must be an integer");
    return v->is_int64() ? v->as_int64() : 0;
  }
  std::vector<std::string> List(const json::value* v, std::string_view field) {
    std::vector<std::string> out;
    if (!v) return out;
    if (!v->is_array()) Bad(field, "must be a list of strings");
    if (!v->is_array()) return out;
    for (const auto& x : v->as_array()) {
      if (!x.is_string()) Bad(field, "must be a list of strings");
      if (x.is_string()) out.emplace_back(x.as_string());
    }
    return out;
  }
};

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Fail(ErrorCode::kFormat, std::string(what) + ": not a JSON object");
  return std::move(v.as_object());
}

}  // namespace

std::string ClustersPrefix() { return "clusters/"; }
std::string ClusterPrefix(std::string_view cluster) { return ClustersPrefix() + KeySegment(cluster) + "/"; }
std::string AccessPrefix(std::string_view cluster) { return ClusterPrefix(cluster) + "access/"; }
std::string AccessConfigKey(std::string_view cluster) { return AccessPrefix(cluster) + "config"; }
std::string AccessEntriesPrefix(std::string_view cluster) { return AccessPrefix(cluster) + "entries/"; }
std::string AccessEntryKey(std::string_view cluster, std::string_view principal_arn) {
  return AccessEntriesPrefix(cluster) + KeySegment(ToLower(principal_arn));
}

std::string EncodeAccessConfig(const eks::ClusterAccess& c) {
  json::object o{{"name", c.cluster.name},
                 {"accountId", c.cluster.account_id},
                 {"region", c.cluster.region},
                 {"partition", c.cluster.partition},
                 {"authenticationMode", eks::ToString(c.mode)},
                 {"bootstrapClusterCreatorAdminPermissions", c.bootstrap_admin},
                 {"createdAt", ToUnixMicros(c.created_at)},
                 {"writes", int64_t(c.revision)}};
  return json::serialize(o);
}

Status DecodeAccessConfig(std::string_view text, eks::ClusterAccess& c) {
  auto o = ParseObject(text, "access config");
  if (!o) return std::unexpected(o.error());
  Reader r{*o, "access config", {}};
  c.cluster = {r.Text("name"), r.Text("accountId"), r.Text("region"), r.Text("partition")};
  auto mode = eks::ParseAuthenticationMode(r.Text("authenticationMode"));
  if (!mode) r.Bad("authenticationMode", mode.error().message);
  if (mode) c.mode = *mode;
  const json::value* bootstrap = o->if_contains("bootstrapClusterCreatorAdminPermissions");
  c.bootstrap_admin = bootstrap && bootstrap->is_bool() && bootstrap->as_bool();
  c.created_at = FromUnixMicros(r.Int("createdAt"));
  c.revision = uint64_t(std::max<int64_t>(0, r.Int("writes")));
  if (r.error) return std::unexpected(*r.error);
  return {};
}

std::string EncodeAccessEntry(const eks::AccessEntry& e) {
  json::object tags;
  for (const auto& [k, v] : e.tags) tags[k] = v;
  json::array policies;
  for (const auto& p : e.policies) {
    policies.push_back(json::object{{"policyArn", p.policy},
                                    {"scope", json::object{{"type", p.scope.type}, {"namespaces", Strings(p.scope.namespaces)}}},
                                    {"associatedAt", ToUnixMicros(p.associated_at)},
                                    {"modifiedAt", ToUnixMicros(p.modified_at)}});
  }
  json::object o{{"clusterName", e.cluster_name},
                 {"principalArn", e.principal_arn},
                 {"type", e.type},
                 {"username", e.username},
                 {"kubernetesGroups", Strings(e.kubernetes_groups)},
                 {"tags", std::move(tags)},
                 {"accessEntryArn", e.access_entry_arn},
                 {"principalId", e.principal_id},
                 {"createdAt", ToUnixMicros(e.created_at)},
                 {"modifiedAt", ToUnixMicros(e.modified_at)},
                 {"clientRequestToken", e.client_request_token},
                 {"policies", std::move(policies)}};
  return json::serialize(o);
}

Result<eks::AccessEntry> DecodeAccessEntry(std::string_view text) {
  auto o = ParseObject(text, "access entry");
  if (!o) return std::unexpected(o.error());
  Reader r{*o, "access entry", {}};
  eks::AccessEntry e;
  e.cluster_name = r.Text("clusterName");
  e.principal_arn = r.Text("principalArn");
  e.type = r.Text("type");
  e.username = r.Text("username");
  e.kubernetes_groups = r.List(o->if_contains("kubernetesGroups"), "kubernetesGroups");
  if (const json::value* tags = o->if_contains("tags"); tags && tags->is_object()) {
    for (const auto& kv : tags->as_object()) {
      if (kv.value().is_string()) e.tags[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  e.access_entry_arn = r.Text("accessEntryArn");
  e.principal_id = r.Text("principalId");
  e.created_at = FromUnixMicros(r.Int("createdAt"));
  e.modified_at = FromUnixMicros(r.Int("modifiedAt"));
  e.client_request_token = r.Text("clientRequestToken");
  if (const json::value* policies = o->if_contains("policies"); policies && policies->is_array()) {
    for (const auto& p : policies->as_array()) {
      if (!p.is_object()) continue;
      Reader pr{p.as_object(), "access entry " + e.principal_arn + ": policies", {}};
      eks::AssociatedPolicy a;
      a.policy = pr.Text("policyArn");
      if (const json::value* scope = p.as_object().if_contains("scope"); scope && scope->is_object()) {
        Reader sr{scope->as_object(), pr.what + ": scope", {}};
        a.scope = {sr.Text("type"), sr.List(scope->as_object().if_contains("namespaces"), "namespaces")};
        if (sr.error) return std::unexpected(*sr.error);
      }
      a.associated_at = FromUnixMicros(pr.Int("associatedAt"));
      a.modified_at = FromUnixMicros(pr.Int("modifiedAt"));
      if (pr.error) return std::unexpected(*pr.error);
      e.policies.push_back(std::move(a));
    }
  }
  if (e.principal_arn.empty()) r.Bad("principalArn", "is required");
  if (r.error) return std::unexpected(*r.error);
  return e;
}

}  // namespace kubeiam::store
