#include "kubeapi/object_folder.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "rbac/resources.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// YAML to JSON as Kubernetes reads manifests: plain scalars that are numbers, booleans or null
// become those; quoted ones stay strings.
json::value ToJson(const YAML::Node& n, int depth = 0) {
  if (depth > 64) return nullptr;
  if (n.IsMap()) {
    json::object o;
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node key = it->first, value = it->second;
      if (key.IsScalar()) o[key.Scalar()] = ToJson(value, depth + 1);
    }
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& x : n) a.push_back(ToJson(x, depth + 1));
    return a;
  }
  if (!n.IsScalar()) return nullptr;
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return json::string(s);  // quoted
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  char* end = nullptr;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0' && !s.empty()) return i;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && s.find_first_of("0123456789") != std::string::npos && s.find_first_not_of("0123456789.eE+-") == std::string::npos) {
    return d;
  }
  return json::string(s);
}

std::string ResourceOf(const std::string& group, const std::string& kind) {
  for (const auto& r : rbac::StandardResources()) {
    if (r.group == group && r.kind == kind) return r.resource;
  }
  std::string lower = ToLower(kind);
  return lower.ends_with("s") ? lower + "es" : lower.ends_with("y") ? lower.substr(0, lower.size() - 1) + "ies" : lower + "s";
}

}  // namespace

Result<Objects> Objects::Load(const std::string& folder) {
  namespace fs = std::filesystem;
  Objects out;
  std::error_code ec;
  if (!fs::exists(folder, ec) && !ec) return out;  // a folder that is not there (yet) is empty
  if (!fs::is_directory(folder, ec)) {
    return Fail(ErrorCode::kInvalidArgument, folder + ": not a readable folder" + (ec ? ": " + ec.message() : ""));
  }
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(it->path().string());
  }
  // A folder read halfway (permissions) is not a folder with fewer objects: watchers would see
  // deletions that did not happen.
  if (ec) return Fail(ErrorCode::kPermissionDenied, folder + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto text = ReadFile(f, 64u << 20);
    if (!text) return std::unexpected(text.error());
    if (auto ok = ValidateUtf8(*text, f); !ok) return std::unexpected(ok.error());
    // Documents split at "---" lines; each one parsed alone (yaml-cpp's LoadAll can loop on bad input).
    std::vector<std::string> docs(1);
    for (auto line : Split(*text, '\n')) {
      if (Trim(line) == "---") {
        docs.emplace_back();
      } else {
        docs.back().append(line);
        docs.back() += '\n';
      }
    }
    size_t number = 0;
    for (const auto& d : docs) {
      ++number;
      if (Trim(d).empty()) continue;
      json::value v;
      try {
        v = ToJson(YAML::Load(d));
      } catch (const YAML::Exception& e) {
        return Fail(ErrorCode::kInvalidArgument, f + ": document " + std::to_string(number) + ": " + e.msg);
      }
      std::vector<json::value> items;
      if (v.is_object() && v.as_object().contains("items") && v.at("items").is_array()) {
        for (auto& x : v.at("items").as_array()) items.push_back(x);
      } else {
        items.push_back(v);
      }
      for (auto& item : items) {
        if (!item.is_object()) continue;
        auto& o = item.as_object();
        auto str = [&](const json::value* x) { return x && x->is_string() ? std::string(x->as_string()) : std::string(); };
        std::string api = str(o.if_contains("apiVersion")), kind = str(o.if_contains("kind"));
        const json::value* meta = o.if_contains("metadata");
        if (api.empty() || kind.empty() || !meta || !meta->is_object()) {
          return Fail(ErrorCode::kInvalidArgument, f + ": document " + std::to_string(number) +
                                                       ": apiVersion, kind and metadata are required");
        }
        std::string name = str(meta->as_object().if_contains("name"));
        if (name.empty()) return Fail(ErrorCode::kInvalidArgument, f + ": document " + std::to_string(number) + ": metadata.name is required");
        std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
        std::string ns = str(meta->as_object().if_contains("namespace"));
        out.objects_[{group, ResourceOf(group, kind), ns, name}] = o;
      }
    }
  }
  return out;
}

std::vector<const json::object*> Objects::List(const std::string& group, const std::string& resource,
                                               const std::string& ns) const {
  std::vector<const json::object*> out;
  for (const auto& [key, o] : objects_) {
    const auto& [g, r, n, name] = key;
    if (g == group && r == resource && (ns.empty() || n == ns)) out.push_back(&o);
  }
  return out;
}

const json::object* Objects::Get(const std::string& group, const std::string& resource, const std::string& ns,
                                 const std::string& name) const {
  auto it = objects_.find({group, resource, ns, name});
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<Objects::Change> Objects::ChangesSince(const Objects* before, const std::string& group,
                                                   const std::string& resource, const std::string& ns,
                                                   const std::string& name) const {
  auto in_view = [&](const auto& key) {
    const auto& [g, r, n, object_name] = key;
    return g == group && r == resource && (ns.empty() || n == ns) && (name.empty() || object_name == name);
  };
  std::vector<Change> out;
  for (const auto& [key, o] : objects_) {
    if (!in_view(key)) continue;
    const json::object* old = nullptr;
    if (before) {
      auto it = before->objects_.find(key);
      if (it != before->objects_.end()) old = &it->second;
    }
    if (!old) {
      out.push_back({"ADDED", &o});
    } else if (*old != o) {
      out.push_back({"MODIFIED", &o});
    }
  }
  if (before) {
    for (const auto& [key, o] : before->objects_) {
      if (in_view(key) && !objects_.contains(key)) out.push_back({"DELETED", &o});
    }
  }
  return out;
}

}  // namespace kubeiam::kubeapi
