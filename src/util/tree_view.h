// Read-only views of a parsed YAML (yaml-cpp) or JSON (Boost.JSON) node with one interface, so
// that a reader of Kubernetes- or AWS-shaped documents is written once as a template over View
// and works on both. JSON is a few times faster to parse for large `kubectl get -o json` dumps.
// Lookups never throw: a missing key or a node of the wrong kind reads as null. A YAML node knows
// where it starts, for messages; a JSON node does not (Boost.JSON keeps no positions).
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

namespace kubeiam {

// Where a node starts in its text, 1-based; line 0 when unknown.
struct TextPosition {
  int line = 0, column = 0;
  bool known() const { return line > 0; }
  // "FILE:LINE:COLUMN", or just FILE when unknown: the start of a message about the node.
  std::string In(std::string_view file) const {
    return known() ? std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column) : std::string(file);
  }
};

// A message "FILE:LINE:COLUMN: rest" as "FILE: rest" (as it reads without a known position);
// any other message as it is.
inline std::string WithoutPosition(const std::string& message, std::string_view file) {
  std::string head = std::string(file) + ":";
  if (!message.starts_with(head)) return message;
  size_t end = message.find(": ", head.size());
  if (end == std::string::npos) return message;
  std::string_view position(message.data() + head.size(), end - head.size());
  if (position.empty() || position.find_first_not_of("0123456789:") != std::string_view::npos) return message;
  return std::string(file) + message.substr(end);
}

// A yaml-cpp mark (0-based) as a position, for a document that starts `first_line` lines into
// its file.
inline TextPosition PositionOf(const YAML::Mark& mark, int first_line = 0) {
  if (mark.is_null() || mark.pos < 0) return {};
  return {mark.line + 1 + first_line, mark.column + 1};
}

// Where a node starts; unknown for a node that is not in the text (a missing key's).
inline TextPosition PositionOf(const YAML::Node& node, int first_line = 0) {
  return node.IsDefined() ? PositionOf(node.Mark(), first_line) : TextPosition{};
}

// Where YAML goes through JSON (Kubernetes' sigs.k8s.io/yaml, as the reference authenticator
// reads aws-auth), a map key that is itself a map or list is an error: `username: {{SessionName}}`
// unquoted is such a key. Returns the first offending key's mark, or nullopt.
inline std::optional<YAML::Mark> FindNonScalarKey(const YAML::Node& n, int depth = 0) {
  if (depth > 64) return std::nullopt;
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar() && !it->first.IsNull()) return it->first.Mark();
      if (auto m = FindNonScalarKey(it->second, depth + 1)) return m;
    }
  } else if (n.IsSequence()) {
    for (const auto& x : n) {
      if (auto m = FindNonScalarKey(x, depth + 1)) return m;
    }
  }
  return std::nullopt;
}

class YamlView {
 public:
  // `first_line`: how many lines of the file come before the node's document.
  explicit YamlView(YAML::Node n, int first_line = 0) : n_(std::move(n)), first_line_(first_line) {}
  YamlView(const YamlView& o) : n_(o.n_), first_line_(o.first_line_) {}
  // YAML::Node's own assignment writes through to the tree (and throws on a missing node); a
  // view rebinds instead.
  YamlView& operator=(const YamlView& o) {
    if (this != &o) {
      n_.emplace(*o.n_);
      first_line_ = o.first_line_;
    }
    return *this;
  }
  bool IsMap() const { return node() && node().IsMap(); }
  bool IsSeq() const { return node() && node().IsSequence(); }
  bool IsNull() const { return !node() || node().IsNull(); }
  bool IsScalar() const { return node() && node().IsScalar(); }
  std::string Scalar() const { return IsScalar() ? node().Scalar() : std::string(); }
  // yaml-cpp throws when a missing node is indexed, so lookups check for a map first.
  YamlView Get(const char* key) const {
    return IsMap() ? YamlView(node()[key], first_line_) : YamlView(YAML::Node(YAML::NodeType::Undefined));
  }
  size_t Size() const { return IsSeq() ? node().size() : 0; }
  YamlView At(size_t i) const { return YamlView(node()[i], first_line_); }
  TextPosition Position() const { return PositionOf(node(), first_line_); }
  template <typename F>
  void ForEachScalarPair(F f) const {
    if (!IsMap()) return;
    for (auto it = node().begin(); it != node().end(); ++it) {
      if (it->first.IsScalar() && it->second.IsScalar()) f(it->first.Scalar(), it->second.Scalar());
    }
  }

 private:
  const YAML::Node& node() const { return *n_; }
  std::optional<YAML::Node> n_;  // optional only so that assignment can rebind
  int first_line_ = 0;
};

class JsonView {
 public:
  explicit JsonView(const boost::json::value* v) : v_(v) {}
  bool IsMap() const { return v_ && v_->is_object(); }
  bool IsSeq() const { return v_ && v_->is_array(); }
  bool IsNull() const { return !v_ || v_->is_null(); }
  bool IsScalar() const { return v_ && (v_->is_string() || v_->is_number() || v_->is_bool()); }
  std::string Scalar() const {
    if (!v_) return "";
    if (v_->is_string()) return std::string(v_->as_string());
    if (v_->is_bool()) return v_->as_bool() ? "true" : "false";
    if (v_->is_number()) return boost::json::serialize(*v_);
    return "";
  }
  JsonView Get(const char* key) const { return JsonView(IsMap() ? v_->as_object().if_contains(key) : nullptr); }
  size_t Size() const { return IsSeq() ? v_->as_array().size() : 0; }
  JsonView At(size_t i) const { return JsonView(&v_->as_array()[i]); }
  TextPosition Position() const { return {}; }
  template <typename F>
  void ForEachScalarPair(F f) const {
    if (!IsMap()) return;
    for (const auto& kv : v_->as_object()) {
      JsonView value(&kv.value());
      if (value.IsScalar()) f(std::string(kv.key()), value.Scalar());
    }
  }

 private:
  const boost::json::value* v_;
};

}  // namespace kubeiam
