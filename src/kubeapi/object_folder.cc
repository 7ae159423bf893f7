#include "kubeapi/object_folder.h"

#include <boost/json/parse.hpp>
#include <filesystem>

#include "kubeapi/manifests.h"
#include "rbac/resources.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

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
  auto objects = ReadManifestFiles(folder);
  if (!objects) return std::unexpected(objects.error());
  for (auto& o : *objects) {
    std::string api(o.at("apiVersion").as_string()), kind(o.at("kind").as_string());
    const json::object& meta = o.at("metadata").as_object();
    std::string name(meta.at("name").as_string());
    std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
    const json::value* n = meta.if_contains("namespace");
    std::string ns = n && n->is_string() ? std::string(n->as_string()) : "";
    out.objects_[{group, ResourceOf(group, kind), ns, name}] = std::move(o);
  }
  return out;
}

bool Objects::Holds(const std::string& group, const std::string& resource) const {
  auto it = objects_.lower_bound({group, resource, "", ""});
  return it != objects_.end() && std::get<0>(it->first) == group && std::get<1>(it->first) == resource;
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
