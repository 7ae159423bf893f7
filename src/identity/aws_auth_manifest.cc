#include "identity/aws_auth_manifest.h"

#include <algorithm>

#include <yaml-cpp/yaml.h>

#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::identity {
namespace {

constexpr char kSkeleton[] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";

std::string Field(const YAML::Node& entry, std::string_view name) {
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (it->first.IsScalar() && EqualsIgnoreCase(it->first.Scalar(), name) && it->second.IsScalar()) {
      return it->second.Scalar();
    }
  }
  return "";
}

std::vector<std::string> Groups(const YAML::Node& entry) {
  std::vector<std::string> out;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    if (!it->first.IsScalar() || !EqualsIgnoreCase(it->first.Scalar(), "groups")) continue;
    YAML::Node list = it->second;  // a copy: `it->` yields a temporary that a range-for would outlive
    if (list.IsSequence()) {
      for (const auto& g : list) {
        if (g.IsScalar()) out.push_back(g.Scalar());
      }
    }
  }
  return out;
}

// A data value's rows; errors start with the position of the value (`mapRoles: |`).
Result<std::vector<AwsAuthRow>> Rows(const YAML::Node& data, const char* key, bool role, std::string_view name) {
  std::vector<AwsAuthRow> out;
  YAML::Node v = data.IsMap() ? data[key] : YAML::Node();
  if (!v || v.IsNull()) return out;
  auto fail = [&](const std::string& message) { return Fail(ErrorCode::kInvalidArgument, PositionOf(v).In(name) + ": " + message); };
  if (!v.IsScalar()) return fail(std::string("data.") + key + ": must be a string (a block scalar: " + key + ": |)");
  if (Trim(v.Scalar()).empty()) return out;
  YAML::Node list;
  try {
    list = YAML::Load(v.Scalar());
  } catch (const YAML::Exception& e) {
    return fail(std::string("unmarshalling \"") + key + "\": " + e.msg);
  }
  if (list.IsNull()) return out;
  if (FindNonScalarKey(list)) {
    return fail(std::string("unmarshalling \"") + key +
                                                 "\": error converting YAML to JSON: invalid map key (quote values like \"{{SessionName}}\")");
  }
  if (!list.IsSequence()) return fail(std::string("unmarshalling \"") + key + "\": not a list");
  for (const auto& e : list) {
    if (!e.IsMap()) return fail(std::string("unmarshalling \"") + key + "\": an entry is not a map");
    out.push_back({role, Field(e, role ? "rolearn" : "userarn"), Field(e, "username"), Groups(e)});
  }
  return out;
}

// Control characters (a CR, a tab...) read back only from a double-quoted string, where they
// are escaped: plain and literal styles would turn a CR into a line break.
bool HasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\n') || u == 0x7f;
  });
}

void EmitString(YAML::Emitter& out, const std::string& s) {
  if (HasControl(s) || s.find('\n') != std::string::npos) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

std::string EmitRows(const std::vector<AwsAuthRow>& rows) {
  if (rows.empty()) return "[]\n";
  YAML::Emitter out;
  out << YAML::BeginSeq;
  for (const auto& r : rows) {
    out << YAML::BeginMap;
    if (!r.groups.empty()) {
      out << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
      for (const auto& g : r.groups) EmitString(out, g);
      out << YAML::EndSeq;
    }
    out << YAML::Key << (r.role ? "rolearn" : "userarn") << YAML::Value;
    EmitString(out, r.arn);
    if (!r.username.empty()) {
      out << YAML::Key << "username" << YAML::Value;
      EmitString(out, r.username);
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  return std::string(out.c_str()) + "\n";
}

// Writes a node back as block YAML, multi-line string values as literal blocks (`|`), as a
// ConfigMap's mapRoles should look. A multi-line key is double-quoted: a literal block as a key
// does not read back.
void Emit(YAML::Emitter& out, const YAML::Node& n, bool key = false) {
  if (n.IsMap()) {
    out << YAML::BeginMap;
    for (auto it = n.begin(); it != n.end(); ++it) {
      out << YAML::Key;
      Emit(out, it->first, true);
      out << YAML::Value;
      Emit(out, it->second);
    }
    out << YAML::EndMap;
  } else if (n.IsSequence()) {
    out << YAML::BeginSeq;
    for (const auto& x : n) Emit(out, x);
    out << YAML::EndSeq;
  } else if (n.IsScalar()) {
    bool multi_line = n.Scalar().find('\n') != std::string::npos;
    if (HasControl(n.Scalar())) {
      out << YAML::DoubleQuoted << n.Scalar();
    } else if (multi_line && !key) {
      out << YAML::Literal << n.Scalar();
    } else if (multi_line || n.Tag() == "!") {
      out << YAML::DoubleQuoted << n.Scalar();  // was quoted: keep "123" a string
    } else {
      out << n.Scalar();
    }
  } else {
    out << YAML::Null;
  }
}

}  // namespace

Result<AwsAuthManifest> AwsAuthManifest::Parse(std::string_view text, std::string_view name) {
  if (auto ok = ValidateUtf8(text, name); !ok) return std::unexpected(ok.error());
  AwsAuthManifest m;
  m.original_ = Trim(text).empty() ? std::string(kSkeleton) : std::string(text);
  YAML::Node doc;
  try {
    doc = YAML::Load(m.original_);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(e.mark).In(name) + ": not valid YAML: " + e.msg);
  }
  if (!doc.IsMap() || !doc["kind"] || !doc["kind"].IsScalar() || doc["kind"].Scalar() != "ConfigMap") {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(doc.IsMap() && doc["kind"] ? doc["kind"] : doc).In(name) + ": not a ConfigMap manifest (kind: ConfigMap)");
  }
  YAML::Node data = doc["data"];
  if (data && !data.IsMap() && !data.IsNull()) return Fail(ErrorCode::kInvalidArgument, PositionOf(data).In(name) + ": data: must be a map of strings");
  if (data && data.IsMap()) {
    auto roles = Rows(data, "mapRoles", true, name);
    if (!roles) return std::unexpected(roles.error());
    auto users = Rows(data, "mapUsers", false, name);
    if (!users) return std::unexpected(users.error());
    m.roles = std::move(*roles);
    m.users = std::move(*users);
    if (YAML::Node a = data["mapAccounts"]; a && !a.IsNull()) {
      if (!a.IsScalar()) return Fail(ErrorCode::kInvalidArgument, "data.mapAccounts must be a string");
      try {
        YAML::Node list = YAML::Load(a.Scalar());
        if (list.IsSequence()) {
          for (const auto& x : list) {
            if (x.IsScalar()) m.accounts.push_back(x.Scalar());
          }
        } else if (!list.IsNull()) {
          return Fail(ErrorCode::kInvalidArgument, "unmarshalling \"mapAccounts\": not a list");
        }
      } catch (const YAML::Exception& e) {
        return Fail(ErrorCode::kInvalidArgument, std::string("unmarshalling \"mapAccounts\": ") + e.msg);
      }
    }
  }
  return m;
}

std::string AwsAuthManifest::Serialize() const {
  YAML::Node doc = YAML::Load(original_);
  if (!doc["data"] || !doc["data"].IsMap()) doc["data"] = YAML::Node(YAML::NodeType::Map);
  YAML::Node data = doc["data"];
  data["mapRoles"] = EmitRows(roles);
  data["mapUsers"] = EmitRows(users);
  if (!accounts.empty() || data["mapAccounts"]) {
    YAML::Emitter a;
    a << YAML::Flow << YAML::BeginSeq;
    for (const auto& x : accounts) a << YAML::DoubleQuoted << x;
    a << YAML::EndSeq;
    data["mapAccounts"] = std::string(a.c_str()) + "\n";
  }
  YAML::Emitter out;
  Emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

}  // namespace kubeiam::identity
