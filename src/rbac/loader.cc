#include "rbac/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "util/file.h"
#include "util/utf8.h"

namespace kubeiam::rbac {
namespace {

constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

struct Reader {
  std::string where;  // "file: document N (Kind name)"
  std::vector<std::string>* problems;
  void Problem(const std::string& field, const std::string& rule) { problems->push_back(where + ": " + field + ": " + rule); }
};

// yaml-cpp throws when a missing node is indexed, so every lookup checks for a map first.
std::string Str(const YAML::Node& n, const char* key) {
  if (!n || !n.IsMap()) return "";
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

std::vector<std::string> Strings(const YAML::Node& n, const char* key, Reader& r, const std::string& path) {
  std::vector<std::string> out;
  if (!n || !n.IsMap()) return out;
  YAML::Node v = n[key];
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) {
    r.Problem(path + "." + key, "must be a list of strings");
    return out;
  }
  for (const auto& item : v) {
    if (item.IsScalar()) out.push_back(item.Scalar());
  }
  return out;
}

bool ValidPathSegment(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('%') == std::string::npos;
}

std::vector<PolicyRule> Rules(const YAML::Node& doc, Reader& r, bool namespaced) {
  std::vector<PolicyRule> out;
  YAML::Node rules = doc["rules"];
  if (!rules || rules.IsNull()) return out;
  if (!rules.IsSequence()) {
    r.Problem("rules", "must be a list");
    return out;
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string path = "rules[" + std::to_string(i) + "]";
    if (!rules[i].IsMap()) {
      r.Problem(path, "must be a mapping");
      continue;
    }
    PolicyRule p{Strings(rules[i], "verbs", r, path), Strings(rules[i], "apiGroups", r, path),
                 Strings(rules[i], "resources", r, path), Strings(rules[i], "resourceNames", r, path),
                 Strings(rules[i], "nonResourceURLs", r, path)};
    if (p.verbs.empty()) r.Problem(path + ".verbs", "at least one verb is required");
    if (!p.non_resource_urls.empty()) {
      if (namespaced) r.Problem(path + ".nonResourceURLs", "namespaced rules cannot apply to non-resource URLs");
      if (!p.api_groups.empty() || !p.resources.empty() || !p.resource_names.empty()) {
        r.Problem(path, "rules cannot apply to both regular resources and non-resource URLs");
      }
    } else {
      if (p.api_groups.empty()) r.Problem(path + ".apiGroups", "resource rules must supply at least one api group");
      if (p.resources.empty()) r.Problem(path + ".resources", "resource rules must supply at least one resource");
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Subject> Subjects(const YAML::Node& doc, Reader& r, bool cluster) {
  std::vector<Subject> out;
  YAML::Node subjects = doc["subjects"];
  if (!subjects || subjects.IsNull()) return out;
  if (!subjects.IsSequence()) {
    r.Problem("subjects", "must be a list");
    return out;
  }
  for (size_t i = 0; i < subjects.size(); ++i) {
    std::string path = "subjects[" + std::to_string(i) + "]";
    const YAML::Node s = subjects[i];
    Subject sub{Str(s, "kind"), Str(s, "name"), Str(s, "namespace"), Str(s, "apiGroup")};
    if (sub.name.empty()) r.Problem(path + ".name", "is required");
    if (sub.kind == "ServiceAccount") {
      if (!sub.api_group.empty()) r.Problem(path + ".apiGroup", "must be \"\" for ServiceAccount");
      if (cluster && sub.namespace_.empty()) r.Problem(path + ".namespace", "is required for a ServiceAccount");
    } else if (sub.kind == "User" || sub.kind == "Group") {
      if (sub.api_group != kRbacGroup) r.Problem(path + ".apiGroup", std::string("must be ") + kRbacGroup);
    } else {
      r.Problem(path + ".kind", "must be User, Group or ServiceAccount, not \"" + sub.kind + "\"");
    }
    out.push_back(std::move(sub));
  }
  return out;
}

RoleRef Ref(const YAML::Node& doc, Reader& r, bool cluster) {
  YAML::Node ref = doc["roleRef"];
  RoleRef out{Str(ref, "apiGroup"), Str(ref, "kind"), Str(ref, "name")};
  if (out.api_group != kRbacGroup) r.Problem("roleRef.apiGroup", std::string("must be ") + kRbacGroup);
  if (cluster ? out.kind != "ClusterRole" : (out.kind != "Role" && out.kind != "ClusterRole")) {
    r.Problem("roleRef.kind", cluster ? "must be ClusterRole" : "must be Role or ClusterRole");
  }
  if (!ValidPathSegment(out.name)) r.Problem("roleRef.name", "must be a valid path segment");
  return out;
}

void Document(const YAML::Node& doc, const std::string& where, Objects& out) {
  if (!doc.IsMap()) return;
  std::string kind = Str(doc, "kind");
  if (kind == "List" || (kind.ends_with("List") && doc["items"])) {
    YAML::Node items = doc["items"];
    for (size_t i = 0; items && items.IsSequence() && i < items.size(); ++i) {
      Document(items[i], where + " items[" + std::to_string(i) + "]", out);
    }
    return;
  }
  if (kind != "Role" && kind != "ClusterRole" && kind != "RoleBinding" && kind != "ClusterRoleBinding") return;
  std::string api = Str(doc, "apiVersion");
  YAML::Node meta = doc["metadata"];
  std::string name = Str(meta, "name"), ns = Str(meta, "namespace");
  Reader r{where + " (" + kind + " " + (name.empty() ? "<no name>" : name) + ")", &out.problems};
  if (!api.empty() && !api.starts_with(std::string(kRbacGroup) + "/")) {
    r.Problem("apiVersion", std::string("must be ") + kRbacGroup + "/v1");
  }
  if (!ValidPathSegment(name)) {
    r.Problem("metadata.name", "is required and must be a valid path segment; object skipped");
    return;
  }
  bool namespaced = kind == "Role" || kind == "RoleBinding";
  if (namespaced && ns.empty()) ns = "default";  // as kubectl apply would place it
  if (kind == "Role") {
    out.roles.push_back({ns, name, Rules(doc, r, true)});
  } else if (kind == "ClusterRole") {
    ClusterRole c{name, {}, Rules(doc, r, false), {}};
    YAML::Node labels = meta && meta.IsMap() ? meta["labels"] : YAML::Node();
    if (labels && labels.IsMap()) {
      for (auto it = labels.begin(); it != labels.end(); ++it) c.labels[it->first.Scalar()] = it->second.Scalar();
    }
    YAML::Node agg = doc["aggregationRule"];
    YAML::Node sel = agg && agg.IsMap() ? agg["clusterRoleSelectors"] : YAML::Node();
    if (sel && sel.IsSequence()) {
      for (const auto& s : sel) {
        LabelSelector ls;
        if (!s.IsMap()) continue;
        if (YAML::Node ml = s["matchLabels"]; ml && ml.IsMap()) {
          for (auto it = ml.begin(); it != ml.end(); ++it) ls.match_labels[it->first.Scalar()] = it->second.Scalar();
        }
        if (YAML::Node me = s["matchExpressions"]; me && me.IsSequence()) {
          for (const auto& e : me) {
            LabelSelectorRequirement req{Str(e, "key"), Str(e, "operator"), {}};
            if (YAML::Node vals = e["values"]; vals && vals.IsSequence()) {
              for (const auto& v : vals) req.values.push_back(v.Scalar());
            }
            ls.match_expressions.push_back(std::move(req));
          }
        }
        c.aggregation_selectors.push_back(std::move(ls));
      }
    }
    out.cluster_roles.push_back(std::move(c));
  } else if (kind == "RoleBinding") {
    out.role_bindings.push_back({ns, name, Subjects(doc, r, false), Ref(doc, r, false)});
  } else {
    out.cluster_role_bindings.push_back({name, Subjects(doc, r, true), Ref(doc, r, true)});
  }
}

}  // namespace

void Objects::Append(Objects o) {
  auto move = [](auto& to, auto& from) { to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end())); };
  move(roles, o.roles);
  move(cluster_roles, o.cluster_roles);
  move(role_bindings, o.role_bindings);
  move(cluster_role_bindings, o.cluster_role_bindings);
  move(problems, o.problems);
}

Result<Objects> ParseManifests(std::string_view text, const std::string& file_name) {
  if (auto ok = ValidateUtf8(text, file_name); !ok) return std::unexpected(ok.error());
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, file_name + ": not valid YAML or JSON: " + e.msg);
  }
  Objects out;
  for (size_t i = 0; i < docs.size(); ++i) {
    try {
      Document(docs[i], file_name + ": document " + std::to_string(i + 1), out);
    } catch (const YAML::Exception& e) {
      out.problems.push_back(file_name + ": document " + std::to_string(i + 1) + ": " + e.msg);
    }
  }
  return out;
}

Result<Objects> LoadManifests(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    Objects all;
    for (const auto& f : files) {
      auto one = LoadManifests(f);
      if (!one) return one;
      all.Append(std::move(*one));
    }
    return all;
  }
  auto text = ReadFile(path, 256u << 20);
  if (!text) return std::unexpected(text.error());
  return ParseManifests(*text, path);
}

}  // namespace kubeiam::rbac
