#include "config/yaml_reader.h"

#include <algorithm>

#include "util/did_you_mean.h"
#include "util/strings.h"
#include "util/tree_view.h"

namespace kubeiam::config {
namespace {

bool HasMark(const YAML::Node& n) { return n.IsDefined() && n.Mark().pos >= 0; }

}  // namespace

YAML::Node YamlReader::Get(const YAML::Node& map, std::string_view key, const std::string& path) {
  static const YAML::Node kEmpty = YAML::Load("{}");
  if (!map || !map.IsMap()) return kEmpty["missing"];
  if (HasMark(map)) {
    auto& asked = asked_[map.Mark().pos];
    if (std::find(asked.begin(), asked.end(), key) == asked.end()) asked.emplace_back(key);
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar() || !EqualsIgnoreCase(it->first.Scalar(), key)) continue;
    if (HasMark(it->first)) seen_keys_.insert(it->first.Mark().pos);
    if (!path.empty() && HasMark(it->second)) marks_[path] = it->second.Mark();
    if (!path.empty() && !HasMark(it->second) && HasMark(it->first)) marks_[path] = it->first.Mark();
    return it->second;
  }
  return kEmpty["missing"];
}

void YamlReader::String(const YAML::Node& map, std::string_view key, const std::string& path, std::string& out) {
  YAML::Node v = Get(map, key, path);
  if (!v || v.IsNull()) return;
  if (!v.IsScalar()) return Problem(path, "must be a string");
  out = v.Scalar();
}

void YamlReader::Int(const YAML::Node& map, std::string_view key, const std::string& path, int lo, int hi, int& out) {
  YAML::Node v = Get(map, key, path);
  if (!v || v.IsNull()) return;
  try {
    int x = v.as<int>();
    if (x < lo || x > hi) throw YAML::Exception(YAML::Mark(), "range");
    out = x;
  } catch (const YAML::Exception&) {
    Problem(path, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
}

void YamlReader::Bool(const YAML::Node& map, std::string_view key, const std::string& path, bool& out) {
  YAML::Node v = Get(map, key, path);
  if (!v || v.IsNull()) return;
  try {
    out = v.as<bool>();
  } catch (const YAML::Exception&) {
    Problem(path, "must be true or false");
  }
}

std::vector<std::string> YamlReader::Strings(const YAML::Node& map, std::string_view key, const std::string& path) {
  std::vector<std::string> out;
  YAML::Node v = Get(map, key, path);
  if (!v || v.IsNull()) return out;
  if (!v.IsSequence()) {
    Problem(path, "must be a list of strings");
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    std::string item = path + "[" + std::to_string(i) + "]";
    if (HasMark(v[i])) marks_[item] = v[i].Mark();
    if (!v[i].IsScalar()) {
      Problem(item, "must be a string");
      continue;
    }
    out.push_back(v[i].Scalar());
  }
  return out;
}

void YamlReader::Ignored(const YAML::Node& map, std::string_view key, const std::string& path, const std::string& why) {
  YAML::Node v = Get(map, key, path);
  if (!v) return;
  auto mark = marks_.find(path);
  std::string where = mark != marks_.end() ? Where(mark->second) : file_;
  warnings_.push_back(where + ": " + path + ": ignored: " + why);
}

std::string YamlReader::Where(const YAML::Mark& mark) const { return PositionOf(mark).In(file_); }

void YamlReader::Problem(const std::string& path, const std::string& rule) {
  // The path itself, else the nearest section holding it ("a.b[2].c" -> "a.b[2]" -> "a.b" -> "a").
  for (std::string p = path; !p.empty();) {
    if (auto it = marks_.find(p); it != marks_.end()) {
      problems_.push_back(Where(it->second) + ": " + path + ": " + rule);
      return;
    }
    size_t cut = p.find_last_of(".[");
    p = cut == std::string::npos ? "" : p.substr(0, cut);
  }
  problems_.push_back(file_ + ": " + path + ": " + rule);
}

void YamlReader::CheckUnknownKeys(const YAML::Node& doc) { CheckNode(doc, "", 0); }

// Known keys nest a few levels deep; deeper input (lists of lists...) holds no key kubeiam reads.
constexpr int kMaxDepth = 32;

void YamlReader::CheckNode(const YAML::Node& node, const std::string& path, int depth) {
  if (depth > kMaxDepth) return;
  if (node.IsMap()) return CheckMap(node, path, depth);
  if (!node.IsSequence()) return;
  for (size_t i = 0; i < node.size(); ++i) CheckNode(node[i], path + "[" + std::to_string(i) + "]", depth + 1);
}

void YamlReader::CheckMap(const YAML::Node& map, const std::string& path, int depth) {
  const std::vector<std::string>* known = nullptr;
  if (HasMark(map)) {
    if (auto it = asked_.find(map.Mark().pos); it != asked_.end()) known = &it->second;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
    std::string at = path.empty() ? key : path + "." + key;
    if (!HasMark(it->first) || seen_keys_.count(it->first.Mark().pos)) {
      CheckNode(it->second, at, depth + 1);
      continue;
    }
    std::string hint = known ? DidYouMeanSuffix(key, *known) : "";
    problems_.push_back(Where(it->first.Mark()) + ": " + at + ": unknown key" + hint);
  }
}

}  // namespace kubeiam::config
