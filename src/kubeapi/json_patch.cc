#include "kubeapi/json_patch.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

Result<std::vector<std::string>> ParsePointer(std::string_view p) {
  std::vector<std::string> out;
  if (p.empty()) return out;
  if (p[0] != '/') return Fail(ErrorCode::kInvalidArgument, "JSON pointer must be empty or start with a \"/\": " + std::string(p));
  size_t i = 1;
  while (true) {
    size_t end = p.find('/', i);
    std::string_view raw = p.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    std::string token;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size() && (raw[k + 1] == '0' || raw[k + 1] == '1')) {
        token += raw[k + 1] == '0' ? '~' : '/';
        ++k;
      } else if (raw[k] == '~') {
        return Fail(ErrorCode::kInvalidArgument, "invalid escape in JSON pointer: " + std::string(p));
      } else {
        token += raw[k];
      }
    }
    out.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return out;
}

// An array index: digits without leading zeros, below `limit` (`limit` itself for an append).
std::optional<size_t> Index(const std::string& token, size_t limit) {
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  size_t i = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
  if (ec != std::errc() || end != token.data() + token.size() || i > limit) return std::nullopt;
  return i;
}

Status Missing(const std::string& path) { return Fail(ErrorCode::kFormat, "path " + path + " does not exist"); }

// The value at all but the last token: where an operation acts.
Result<json::value*> Parent(json::value& doc, const std::vector<std::string>& tokens, const std::string& path) {
  json::value* at = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (at->is_object()) {
      at = at->as_object().if_contains(tokens[i]);
    } else if (at->is_array()) {
      auto idx = Index(tokens[i], at->as_array().size() - 1);
      at = idx && *idx < at->as_array().size() ? &at->as_array()[*idx] : nullptr;
    } else {
      at = nullptr;
    }
    if (!at) return std::unexpected(Missing(path).error());
  }
  return at;
}

Result<json::value> Get(json::value& doc, const std::string& path) {
  auto tokens = ParsePointer(path);
  if (!tokens) return std::unexpected(tokens.error());
  if (tokens->empty()) return doc;
  auto parent = Parent(doc, *tokens, path);
  if (!parent) return std::unexpected(parent.error());
  json::value& p = **parent;
  if (p.is_object()) {
    if (auto* v = p.as_object().if_contains(tokens->back())) return *v;
  } else if (p.is_array()) {
    auto idx = Index(tokens->back(), p.as_array().size());
    if (idx && *idx < p.as_array().size()) return p.as_array()[*idx];
  }
  return std::unexpected(Missing(path).error());
}

Result<json::value> Remove(json::value& doc, const std::string& path) {
  auto tokens = ParsePointer(path);
  if (!tokens) return std::unexpected(tokens.error());
  if (tokens->empty()) return Fail(ErrorCode::kFormat, "cannot remove the whole document");
  auto parent = Parent(doc, *tokens, path);
  if (!parent) return std::unexpected(parent.error());
  json::value& p = **parent;
  if (p.is_object()) {
    auto it = p.as_object().find(tokens->back());
    if (it == p.as_object().end()) return std::unexpected(Missing(path).error());
    json::value removed = it->value();
    p.as_object().erase(it);
    return removed;
  }
  if (p.is_array()) {
    auto idx = Index(tokens->back(), p.as_array().size());
    if (!idx || *idx >= p.as_array().size()) return std::unexpected(Missing(path).error());
    json::value removed = p.as_array()[*idx];
    p.as_array().erase(p.as_array().begin() + *idx);
    return removed;
  }
  return std::unexpected(Missing(path).error());
}

Status Add(json::value& doc, const std::string& path, json::value value) {
  auto tokens = ParsePointer(path);
  if (!tokens) return std::unexpected(tokens.error());
  if (tokens->empty()) {
    doc = std::move(value);
    return {};
  }
  auto parent = Parent(doc, *tokens, path);
  if (!parent) return std::unexpected(parent.error());
  json::value& p = **parent;
  if (p.is_object()) {
    p.as_object()[tokens->back()] = std::move(value);
    return {};
  }
  if (p.is_array()) {
    auto& a = p.as_array();
    std::optional<size_t> idx = tokens->back() == "-" ? std::optional<size_t>(a.size()) : Index(tokens->back(), a.size());
    if (!idx) return Missing(path);
    a.insert(a.begin() + *idx, std::move(value));
    return {};
  }
  return Missing(path);
}

std::string StringMember(const json::object& op, const char* key) {
  const json::value* v = op.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

Status Apply(json::value& doc, const json::object& op) {
  std::string kind = StringMember(op, "op"), path = StringMember(op, "path"), from = StringMember(op, "from");
  if (!op.contains("path")) return Fail(ErrorCode::kInvalidArgument, "operation missing \"path\" key");
  const json::value* value = op.if_contains("value");
  bool needs_value = kind == "add" || kind == "replace" || kind == "test";
  if (needs_value && !value) return Fail(ErrorCode::kInvalidArgument, "operation " + kind + " missing \"value\" key");
  if (kind == "add") return Add(doc, path, *value);
  if (kind == "remove") {
    auto removed = Remove(doc, path);
    if (!removed) return std::unexpected(removed.error());
    return {};
  }
  if (kind == "replace") {
    if (auto removed = Remove(doc, path); !removed) return std::unexpected(removed.error());
    return Add(doc, path, *value);
  }
  if (kind == "test") {
    auto got = Get(doc, path);
    if (!got) return std::unexpected(got.error());
    if (*got != *value) return Fail(ErrorCode::kFormat, "testing value " + path + " failed");
    return {};
  }
  if (kind == "move" || kind == "copy") {
    auto got = kind == "move" ? Remove(doc, from) : Get(doc, from);
    if (!got) return std::unexpected(got.error());
    return Add(doc, path, std::move(*got));
  }
  return Fail(ErrorCode::kInvalidArgument, "Unexpected kind: " + kind);
}

}  // namespace

json::value MergePatch(json::value target, const json::value& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = json::object();
  auto& t = target.as_object();
  for (const auto& [k, v] : patch.as_object()) {
    if (v.is_null()) {
      t.erase(k);
    } else {
      json::value current = t.contains(k) ? t.at(k) : json::value(nullptr);
      t[k] = MergePatch(std::move(current), v);
    }
  }
  return target;
}

Result<json::value> JsonPatch(json::value doc, const json::value& patch) {
  if (!patch.is_array()) return Fail(ErrorCode::kInvalidArgument, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  if (patch.as_array().size() > 10000) {
    return Fail(ErrorCode::kInvalidArgument, "The allowed maximum operations in a JSON patch is 10000, got " +
                                                 std::to_string(patch.as_array().size()));
  }
  for (const auto& op : patch.as_array()) {
    if (!op.is_object()) return Fail(ErrorCode::kInvalidArgument, "json: cannot unmarshal a JSON patch operation that is not an object");
    if (auto ok = Apply(doc, op.as_object()); !ok) return std::unexpected(ok.error());
  }
  return doc;
}

}  // namespace kubeiam::kubeapi
