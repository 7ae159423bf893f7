#include "kubeapi/object_validation.h"

#include <boost/json/array.hpp>
#include <map>
#include <regex>

#include "kubeapi/object_meta.h"
#include "kubeapi/rbac_object_validation.h"
#include "util/encoding.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr char kLabelDetail[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with "
    "an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr char kSubdomainDetail[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr char kQualifiedNameDetail[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr char kLabelValueDetail[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
constexpr char kConfigKeyDetail[] =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or "
    "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

bool Matches(std::string_view s, const char* pattern) {
  static thread_local std::map<std::string, std::regex> cache;
  auto [it, added] = cache.try_emplace(pattern);
  if (added) it->second = std::regex(pattern);
  return std::regex_match(s.begin(), s.end(), it->second);
}

bool IsDnsLabel(std::string_view s) { return Matches(s, "[a-z0-9]([-a-z0-9]*[a-z0-9])?"); }
bool IsDnsSubdomain(std::string_view s) { return Matches(s, "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"); }

// Label and annotation keys: an optional DNS-subdomain prefix and '/', then a name of at most 63.
void ValidateQualifiedName(std::string_view key, const std::string& field, FieldErrors& out) {
  std::string_view name = key;
  size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) out.push_back(InvalidField(field, GoQuote(key), "prefix part must be non-empty"));
    else if (prefix.size() > 253) out.push_back(InvalidField(field, GoQuote(key), "prefix part must be no more than 253 characters"));
    else if (!IsDnsSubdomain(prefix)) out.push_back(InvalidField(field, GoQuote(key), std::string("prefix part ") + kSubdomainDetail));
  }
  if (name.empty()) {
    out.push_back(InvalidField(field, GoQuote(key), "name part must be non-empty"));
  } else {
    if (name.size() > 63) out.push_back(InvalidField(field, GoQuote(key), "name part must be no more than 63 characters"));
    if (!Matches(name, "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")) out.push_back(InvalidField(field, GoQuote(key), kQualifiedNameDetail));
  }
}

void ValidateLabels(const json::object& meta, FieldErrors& out) {
  const json::value* labels = meta.if_contains("labels");
  if (!labels || !labels->is_object()) return;
  for (const auto& [k, v] : labels->as_object()) {
    ValidateQualifiedName(k, "metadata.labels", out);
    std::string value = v.is_string() ? std::string(v.as_string()) : "";
    if (value.size() > 63) out.push_back(InvalidField("metadata.labels", GoQuote(value), "must be no more than 63 characters"));
    if (!Matches(value, "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")) {
      out.push_back(InvalidField("metadata.labels", GoQuote(value), kLabelValueDetail));
    }
  }
}

void ValidateAnnotations(const json::object& meta, FieldErrors& out) {
  const json::value* annotations = meta.if_contains("annotations");
  if (!annotations || !annotations->is_object()) return;
  size_t total = 0;
  for (const auto& [k, v] : annotations->as_object()) {
    std::string lower(k);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    ValidateQualifiedName(lower, "metadata.annotations", out);
    total += k.size() + (v.is_string() ? v.as_string().size() : 0);
  }
  if (total > 262144) out.push_back(TooLongField("metadata.annotations", "must have at most 262144 bytes"));
}

void ValidateMetadata(const StoredKind& kind, const json::object& o, FieldErrors& out) {
  const json::value* m = o.if_contains("metadata");
  static const json::object kEmpty;
  const json::object& meta = m && m->is_object() ? m->as_object() : kEmpty;
  std::string name = StringField(meta, "name");
  if (name.empty()) {
    out.push_back(RequiredField("metadata.name", "name or generateName is required"));
  } else {
    for (auto& e : ValidateName(kind, name)) out.push_back(std::move(e));
  }
  ValidateLabels(meta, out);
  ValidateAnnotations(meta, out);
}

void ValidateConfigMapKeys(const json::object& o, const char* section, const json::object* other, FieldErrors& out) {
  const json::value* v = o.if_contains(section);
  if (!v || !v->is_object()) return;
  for (const auto& [k, value] : v->as_object()) {
    std::string field = std::string(section) + "[" + std::string(k) + "]";
    if (k.size() > 253) out.push_back(InvalidField(field, GoQuote(k), "must be no more than 253 characters"));
    if (!Matches(k, "[-._a-zA-Z0-9]+")) out.push_back(InvalidField(field, GoQuote(k), kConfigKeyDetail));
    if (k == ".") out.push_back(InvalidField(field, GoQuote(k), "must not be '.'"));
    else if (k == "..") out.push_back(InvalidField(field, GoQuote(k), "must not be '..'"));
    else if (k.starts_with("..")) out.push_back(InvalidField(field, GoQuote(k), "must not start with '..'"));
    if (other && other->contains(k)) out.push_back(InvalidField(field, GoQuote(k), "duplicate of key present in binaryData"));
  }
}

size_t ConfigMapBytes(const json::object& o) {
  size_t total = 0;
  if (const json::value* d = o.if_contains("data"); d && d->is_object()) {
    for (const auto& [k, v] : d->as_object()) total += v.is_string() ? v.as_string().size() : 0;
  }
  if (const json::value* b = o.if_contains("binaryData"); b && b->is_object()) {
    for (const auto& [k, v] : b->as_object()) {
      if (!v.is_string()) continue;
      auto decoded = Base64Decode(v.as_string());
      total += decoded ? decoded->size() : 0;
    }
  }
  return total;
}

void ValidateConfigMap(const json::object& o, const json::object* old, FieldErrors& out) {
  const json::value* binary = o.if_contains("binaryData");
  ValidateConfigMapKeys(o, "data", binary && binary->is_object() ? &binary->as_object() : nullptr, out);
  ValidateConfigMapKeys(o, "binaryData", nullptr, out);
  if (ConfigMapBytes(o) > 1048576) out.push_back(TooLongField("[]", "must have at most 1048576 bytes"));
  if (old && old->if_contains("immutable") && old->at("immutable") == json::value(true)) {
    for (const char* f : {"data", "binaryData", "immutable"}) {
      const json::value* was = old->if_contains(f);
      const json::value* now = o.if_contains(f);
      bool same = (!was && !now) || (was && now && *was == *now);
      if (!same) out.push_back(ForbiddenField(f, "field is immutable when `immutable` is set"));
    }
  }
}

}  // namespace

std::string GoStrings(const json::value* list) {
  std::string out = "[]string{";
  if (list && list->is_array()) {
    bool first = true;
    for (const auto& x : list->as_array()) {
      out += (first ? "" : ", ") + GoQuote(x.is_string() ? std::string_view(x.as_string()) : std::string_view());
      first = false;
    }
  }
  return out + "}";
}

FieldErrors ValidateName(const StoredKind& kind, std::string_view name, bool prefix) {
  FieldErrors out;
  std::string shown = GoQuote(name);
  if (kind.kind == "Namespace") {
    std::string_view checked = prefix && name.ends_with("-") ? name.substr(0, name.size() - 1) : name;
    if (name.size() > 63) out.push_back(InvalidField("metadata.name", shown, "must be no more than 63 characters"));
    if (!checked.empty() && !IsDnsLabel(checked)) out.push_back(InvalidField("metadata.name", shown, kLabelDetail));
  } else if (kind.kind == "ConfigMap") {
    std::string_view checked = prefix && name.ends_with("-") ? name.substr(0, name.size() - 1) : name;
    if (name.size() > 253) out.push_back(InvalidField("metadata.name", shown, "must be no more than 253 characters"));
    if (!checked.empty() && !IsDnsSubdomain(checked)) out.push_back(InvalidField("metadata.name", shown, kSubdomainDetail));
  } else {
    if (name == ".") out.push_back(InvalidField("metadata.name", shown, "may not be '.'"));
    if (name == "..") out.push_back(InvalidField("metadata.name", shown, "may not be '..'"));
    if (name.find('/') != std::string_view::npos) out.push_back(InvalidField("metadata.name", shown, "may not contain '/'"));
    if (name.find('%') != std::string_view::npos) out.push_back(InvalidField("metadata.name", shown, "may not contain '%'"));
  }
  return out;
}

FieldErrors ValidateObject(const StoredKind& kind, const json::object& o, const json::object* old) {
  FieldErrors out;
  ValidateMetadata(kind, o, out);
  if (kind.kind == "ConfigMap") ValidateConfigMap(o, old, out);
  if (kind.group == kRbacGroup) {
    for (auto& e : ValidateRbacObject(kind, o, old)) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kubeiam::kubeapi
