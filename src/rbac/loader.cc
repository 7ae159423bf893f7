#include "rbac/loader.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <filesystem>

#include "util/file.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::rbac {
namespace {

constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

struct Reader {
  std::string file;   // the file's name
  std::string where;  // "document N (Kind name)"
  std::vector<std::string>* problems;
  // "FILE:LINE:COLUMN: document N (Kind name): field: rule", `at` being the node at fault (or the
  // one that lacks it).
  void Problem(TextPosition at, const std::string& field, const std::string& rule) {
    problems->push_back(at.In(file) + ": " + where + ": " + field + ": " + rule);
  }
};

template <typename View>
std::string Str(const View& n, const char* key) {
  return n.Get(key).Scalar();
}

template <typename View>
std::vector<std::string> Strings(const View& n, const char* key, Reader& r, const std::string& path) {
  std::vector<std::string> out;
  View v = n.Get(key);
  if (v.IsNull()) return out;
  if (!v.IsSeq()) {
    r.Problem(v.Position(), path + "." + key, "must be a list of strings");
    return out;
  }
  for (size_t i = 0; i < v.Size(); ++i) {
    View item = v.At(i);
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      r.Problem(item.Position(), path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
    }
  }
  return out;
}

bool ValidPathSegment(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('%') == std::string::npos;
}

template <typename View>
std::vector<PolicyRule> Rules(const View& doc, Reader& r, bool namespaced) {
  std::vector<PolicyRule> out;
  View rules = doc.Get("rules");
  if (rules.IsNull()) return out;
  if (!rules.IsSeq()) {
    r.Problem(rules.Position(), "rules", "must be a list");
    return out;
  }
  for (size_t i = 0; i < rules.Size(); ++i) {
    std::string path = "rules[" + std::to_string(i) + "]";
    View rule = rules.At(i);
    if (!rule.IsMap()) {
      r.Problem(rule.Position(), path, "must be a mapping");
      continue;
    }
    PolicyRule p{Strings(rule, "verbs", r, path), Strings(rule, "apiGroups", r, path), Strings(rule, "resources", r, path),
                 Strings(rule, "resourceNames", r, path), Strings(rule, "nonResourceURLs", r, path)};
    auto at = [&](const char* key) { return rule.Get(key).IsNull() ? rule.Position() : rule.Get(key).Position(); };
    if (p.verbs.empty()) r.Problem(at("verbs"), path + ".verbs", "at least one verb is required");
    if (!p.non_resource_urls.empty()) {
      if (namespaced) r.Problem(at("nonResourceURLs"), path + ".nonResourceURLs", "namespaced rules cannot apply to non-resource URLs");
      if (!p.api_groups.empty() || !p.resources.empty() || !p.resource_names.empty()) {
        r.Problem(rule.Position(), path, "rules cannot apply to both regular resources and non-resource URLs");
      }
    } else {
      if (p.api_groups.empty()) r.Problem(at("apiGroups"), path + ".apiGroups", "resource rules must supply at least one api group");
      if (p.resources.empty()) r.Problem(at("resources"), path + ".resources", "resource rules must supply at least one resource");
    }
    out.push_back(std::move(p));
  }
  return out;
}

template <typename View>
std::vector<Subject> Subjects(const View& doc, Reader& r, bool cluster) {
  std::vector<Subject> out;
  View subjects = doc.Get("subjects");
  if (subjects.IsNull()) return out;
  if (!subjects.IsSeq()) {
    r.Problem(subjects.Position(), "subjects", "must be a list");
    return out;
  }
  for (size_t i = 0; i < subjects.Size(); ++i) {
    std::string path = "subjects[" + std::to_string(i) + "]";
    View s = subjects.At(i);
    Subject sub{Str(s, "kind"), Str(s, "name"), Str(s, "namespace"), Str(s, "apiGroup")};
    auto at = [&](const char* key) { return s.Get(key).IsNull() ? s.Position() : s.Get(key).Position(); };
    View name = s.Get("name");
    if (sub.name.empty()) r.Problem(at("name"), path + ".name", name.IsNull() || name.IsScalar() ? "is required" : "must be a string");
    if (sub.kind == "ServiceAccount") {
      if (!sub.api_group.empty()) r.Problem(at("apiGroup"), path + ".apiGroup", "must be \"\" for ServiceAccount");
      if (cluster && sub.namespace_.empty()) r.Problem(at("namespace"), path + ".namespace", "is required for a ServiceAccount");
    } else if (sub.kind == "User" || sub.kind == "Group") {
      if (sub.api_group != kRbacGroup) r.Problem(at("apiGroup"), path + ".apiGroup", std::string("must be ") + kRbacGroup);
    } else {
      r.Problem(at("kind"), path + ".kind", "must be User, Group or ServiceAccount, not \"" + sub.kind + "\"");
    }
    out.push_back(std::move(sub));
  }
  return out;
}

template <typename View>
RoleRef Ref(const View& doc, Reader& r, bool cluster) {
  View ref = doc.Get("roleRef");
  RoleRef out{Str(ref, "apiGroup"), Str(ref, "kind"), Str(ref, "name")};
  auto at = [&](const char* key) {
    View v = ref.Get(key);
    return !v.IsNull() ? v.Position() : !ref.IsNull() ? ref.Position() : doc.Position();
  };
  if (out.api_group != kRbacGroup) r.Problem(at("apiGroup"), "roleRef.apiGroup", std::string("must be ") + kRbacGroup);
  if (cluster ? out.kind != "ClusterRole" : (out.kind != "Role" && out.kind != "ClusterRole")) {
    r.Problem(at("kind"), "roleRef.kind", cluster ? "must be ClusterRole" : "must be Role or ClusterRole");
  }
  if (!ValidPathSegment(out.name)) r.Problem(at("name"), "roleRef.name", "must be a valid path segment");
  return out;
}

template <typename View>
void Document(const View& doc, const std::string& file, const std::string& where, Objects& out) {
  if (!doc.IsMap()) return;
  std::string kind = Str(doc, "kind");
  View items = doc.Get("items");
  if (kind == "List" || (kind.ends_with("List") && !items.IsNull())) {
    for (size_t i = 0; i < items.Size(); ++i) Document(items.At(i), file, where + " items[" + std::to_string(i) + "]", out);
    return;
  }
  if (kind != "Role" && kind != "ClusterRole" && kind != "RoleBinding" && kind != "ClusterRoleBinding") return;
  std::string api = Str(doc, "apiVersion");
  View meta = doc.Get("metadata");
  std::string name = Str(meta, "name"), ns = Str(meta, "namespace");
  Reader r{file, where + " (" + kind + " " + (name.empty() ? "<no name>" : name) + ")", &out.problems};
  if (!api.empty() && !api.starts_with(std::string(kRbacGroup) + "/")) {
    r.Problem(doc.Get("apiVersion").Position(), "apiVersion", std::string("must be ") + kRbacGroup + "/v1");
  }
  if (!ValidPathSegment(name)) {
    TextPosition at = !meta.Get("name").IsNull() ? meta.Get("name").Position() : !meta.IsNull() ? meta.Position() : doc.Position();
    r.Problem(at, "metadata.name", "is required and must be a valid path segment; object skipped");
    return;
  }
  bool namespaced = kind == "Role" || kind == "RoleBinding";
  if (namespaced && ns.empty()) ns = "default";  // as kubectl apply would place it
  if (kind == "Role") {
    out.roles.push_back({ns, name, Rules(doc, r, true)});
  } else if (kind == "ClusterRole") {
    ClusterRole c{name, {}, Rules(doc, r, false), {}};
    meta.Get("labels").ForEachScalarPair([&](const std::string& k, const std::string& v) { c.labels[k] = v; });
    View selectors = doc.Get("aggregationRule").Get("clusterRoleSelectors");
    for (size_t i = 0; i < selectors.Size(); ++i) {
      View sel = selectors.At(i);
      LabelSelector ls;
      sel.Get("matchLabels").ForEachScalarPair([&](const std::string& k, const std::string& v) { ls.match_labels[k] = v; });
      View exprs = sel.Get("matchExpressions");
      for (size_t j = 0; j < exprs.Size(); ++j) {
        View e = exprs.At(j);
        LabelSelectorRequirement req{Str(e, "key"), Str(e, "operator"), {}};
        View vals = e.Get("values");
        for (size_t k = 0; k < vals.Size(); ++k) req.values.push_back(vals.At(k).Scalar());
        ls.match_expressions.push_back(std::move(req));
      }
      c.aggregation_selectors.push_back(std::move(ls));
    }
    out.cluster_roles.push_back(std::move(c));
  } else if (kind == "RoleBinding") {
    out.role_bindings.push_back({ns, name, Subjects(doc, r, false), Ref(doc, r, false)});
  } else {
    out.cluster_role_bindings.push_back({name, Subjects(doc, r, true), Ref(doc, r, true)});
  }
}

// One document of a YAML stream and how many lines of the stream come before it.
struct StreamDocument {
  std::string text;
  int first_line = 0;
};

// Splits a YAML stream into documents at "---" lines (the marker may carry content after a
// space) and "..." end markers. yaml-cpp's own LoadAll loops forever on some malformed input
// (",]"), while Load on each document does not.
std::vector<StreamDocument> SplitDocuments(std::string_view text) {
  std::vector<StreamDocument> docs(1);
  size_t pos = 0;
  for (int line_number = 0; pos < text.size(); ++line_number) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    std::string_view bare = line;
    if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
    if (bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t")) {
      bool content = bare.size() > 3;
      docs.push_back({content ? std::string(bare.substr(4)) + "\n" : std::string(), line_number + (content ? 0 : 1)});
    } else if (bare == "...") {
      docs.push_back({"", line_number + 1});
    } else {
      docs.back().text.append(line);
      docs.back().text += '\n';
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return docs;
}

// JSON, a List or a single object, read with Boost.JSON (a few times faster on large dumps).
// Boost.JSON keeps no positions, so when a formatted file has problems it is read again as
// YAML (JSON is YAML) for problems with lines and columns. Nullopt when it is not strict JSON.
std::optional<Objects> ParseJsonManifests(std::string_view text, const std::string& file_name) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  boost::json::value v = boost::json::parse(text, ec, {}, opts);
  if (ec) return std::nullopt;
  Objects out;
  if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      Document(JsonView(&v.as_array()[i]), file_name, "item " + std::to_string(i + 1), out);
    }
  } else {
    Document(JsonView(&v), file_name, "document 1", out);
  }
  if (out.problems.empty() || text.find('\n') == std::string_view::npos) return out;
  try {
    YAML::Node node = YAML::Load(std::string(text));
    Objects positioned;
    if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) Document(YamlView(node[i]), file_name, "item " + std::to_string(i + 1), positioned);
    } else {
      Document(YamlView(node), file_name, "document 1", positioned);
    }
    // The same problems, or none of them: duplicate keys read differently (Boost.JSON keeps the
    // last, yaml-cpp finds the first) must not put a problem in place of another.
    bool same = positioned.problems.size() == out.problems.size();
    for (size_t i = 0; same && i < out.problems.size(); ++i) {
      same = WithoutPosition(positioned.problems[i], file_name) == out.problems[i];
    }
    if (same) out.problems = std::move(positioned.problems);
  } catch (const YAML::Exception&) {
    // yaml-cpp differs from strict JSON on rare input: keep the problems without positions.
  }
  return out;
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
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    // Not strict JSON (YAML flow style looks the same at first): read as YAML below.
    if (auto json = ParseJsonManifests(text, file_name)) return std::move(*json);
  }
  Objects out;
  size_t number = 0;
  for (const auto& doc : SplitDocuments(text)) {
    if (doc.text.find_first_not_of(" \t\r\n") == std::string::npos) continue;  // empty between markers
    std::string where = "document " + std::to_string(++number);
    YAML::Node node;
    try {
      node = YAML::Load(doc.text);
    } catch (const YAML::Exception& e) {
      return Fail(ErrorCode::kInvalidArgument,
                  PositionOf(e.mark, doc.first_line).In(file_name) + ": " + where + ": not valid YAML or JSON: " + e.msg);
    }
    try {
      Document(YamlView(node, doc.first_line), file_name, where, out);
    } catch (const YAML::Exception& e) {
      out.problems.push_back(PositionOf(e.mark, doc.first_line).In(file_name) + ": " + where + ": " + e.msg);
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
