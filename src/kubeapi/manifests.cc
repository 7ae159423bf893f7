#include "kubeapi/manifests.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "util/file.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::value Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return json::string(s);  // quoted
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  char* end = nullptr;
  long long i = std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0') return i;
  double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_not_of("0123456789.eE+-") == std::string::npos) {
    return d;
  }
  return json::string(s);
}

// Documents split at "---" lines; each one parsed alone (yaml-cpp's LoadAll can loop on bad input).
std::vector<std::string> Documents(std::string_view text) {
  std::vector<std::string> docs(1);
  for (auto line : Split(text, '\n')) {
    if (Trim(line) == "---") {
      docs.emplace_back();
    } else {
      docs.back().append(line);
      docs.back() += '\n';
    }
  }
  return docs;
}

Status CheckObject(const json::object& o, const std::string& where) {
  auto str = [&](const json::value* x) { return x && x->is_string() ? std::string(x->as_string()) : std::string(); };
  const json::value* meta = o.if_contains("metadata");
  if (str(o.if_contains("apiVersion")).empty() || str(o.if_contains("kind")).empty() || !meta || !meta->is_object()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": apiVersion, kind and metadata are required");
  }
  if (str(meta->as_object().if_contains("name")).empty()) return Fail(ErrorCode::kInvalidArgument, where + ": metadata.name is required");
  return {};
}

}  // namespace

json::value YamlToJson(const YAML::Node& n, int depth) {
  if (depth > 64) return nullptr;
  if (n.IsMap()) {
    json::object o;
    for (auto it = n.begin(); it != n.end(); ++it) {
      YAML::Node key = it->first, value = it->second;
      if (key.IsScalar()) o[key.Scalar()] = YamlToJson(value, depth + 1);
    }
    return o;
  }
  if (n.IsSequence()) {
    json::array a;
    for (const auto& x : n) a.push_back(YamlToJson(x, depth + 1));
    return a;
  }
  return n.IsScalar() ? Scalar(n) : json::value(nullptr);
}

Result<std::vector<json::object>> ParseManifestObjects(std::string_view text, const std::string& file_name) {
  std::vector<json::object> out;
  size_t number = 0;
  for (const auto& d : Documents(text)) {
    ++number;
    if (Trim(d).empty()) continue;
    std::string where = file_name + ": document " + std::to_string(number);
    json::value v;
    try {
      v = YamlToJson(YAML::Load(d));
    } catch (const YAML::Exception& e) {
      return Fail(ErrorCode::kInvalidArgument, where + ": " + e.msg);
    }
    std::vector<json::value> items;
    if (v.is_object() && v.as_object().contains("items") && v.at("items").is_array()) {
      // Items without an apiVersion take the List's (a compact manifest of one group's objects).
      const json::value* list_version = v.as_object().if_contains("apiVersion");
      for (auto& x : v.at("items").as_array()) {
        if (x.is_object() && !x.as_object().contains("apiVersion") && list_version) x.as_object()["apiVersion"] = *list_version;
        items.push_back(x);
      }
    } else {
      items.push_back(v);
    }
    for (auto& item : items) {
      if (!item.is_object()) continue;
      if (auto ok = CheckObject(item.as_object(), where); !ok) return std::unexpected(ok.error());
      out.push_back(std::move(item.as_object()));
    }
  }
  return out;
}

namespace {

Result<std::vector<std::string>> ManifestFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(it->path().string());
  }
  if (ec) return Fail(ErrorCode::kPermissionDenied, path + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::vector<boost::json::object>> ReadManifestFiles(const std::string& path) {
  auto files = ManifestFiles(path);
  if (!files) return std::unexpected(files.error());
  std::vector<boost::json::object> out;
  for (const auto& f : *files) {
    auto text = ReadFile(f, 64u << 20);
    if (!text) return std::unexpected(text.error());
    if (auto ok = ValidateUtf8(*text, f); !ok) return std::unexpected(ok.error());
    auto objects = ParseManifestObjects(*text, f);
    if (!objects) return std::unexpected(objects.error());
    for (auto& o : *objects) out.push_back(std::move(o));
  }
  return out;
}

}  // namespace kubeiam::kubeapi
