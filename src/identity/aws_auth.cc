#include "identity/aws_auth.h"

#include <yaml-cpp/yaml.h>

#include "aws/arn.h"
#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::identity {
namespace {

// `""`, `''` and a pair of backticks mean "nothing here" in aws-auth values.
bool Skippable(std::string_view v) {
  v = Trim(v);
  return v.empty() || v == "``" || v == "\"\"" || v == "''";
}

// Field names inside entries are matched without regard to case (rolearn, roleARN, RoleArn).
const YAML::Node* Field(const YAML::Node& map, std::string_view name, std::vector<YAML::Node>& keep) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && EqualsIgnoreCase(it->first.Scalar(), name)) {
      keep.push_back(it->second);
      return &keep.back();
    }
  }
  return nullptr;
}

std::string ScalarField(const YAML::Node& map, std::string_view name) {
  std::vector<YAML::Node> keep;
  const YAML::Node* n = Field(map, name, keep);
  return n && n->IsScalar() ? n->Scalar() : std::string();
}

std::vector<std::string> ListField(const YAML::Node& map, std::string_view name) {
  std::vector<YAML::Node> keep;
  const YAML::Node* n = Field(map, name, keep);
  std::vector<std::string> out;
  if (!n) return out;
  if (n->IsSequence()) {
    for (const auto& item : *n) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  } else if (n->IsScalar()) {
    out.push_back(n->Scalar());
  }
  return out;
}

template <typename F>
void ForEachEntry(std::string_view text, std::string_view what, DataLine at, std::vector<std::string>& problems,
                  F&& f) {
  if (Skippable(text)) return;
  if (auto ok = ValidateUtf8(text, what); !ok) {
    problems.push_back(ok.error().message);
    return;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string where(what);
    if (at.line > 0) where += " (line " + std::to_string(at.line + (at.block && e.mark.line >= 0 ? e.mark.line : 0)) + ")";
    problems.push_back(where + ": not valid YAML: " + e.msg);
    return;
  }
  if (FindNonScalarKey(doc)) {
    // As the reference (YAML through JSON): the whole section is dropped.
    problems.push_back(std::string(what) + ": not valid YAML: error converting YAML to JSON: invalid map key (a map or "
                                           "list used as a key; quote values like \"{{SessionName}}\")");
    return;
  }
  if (!doc.IsSequence()) {
    problems.push_back(std::string(what) + ": must be a YAML list");
    return;
  }
  size_t i = 0;
  for (const auto& entry : doc) {
    std::string where = std::string(what) + "[" + std::to_string(i++) + "]";
    if (at.line > 0) where += " (line " + std::to_string(at.line + (at.block ? entry.Mark().line : 0)) + ")";
    if (!entry.IsMap()) {
      if (what == "mapAccounts" && entry.IsScalar()) {
        f(entry, where);
      } else {
        problems.push_back(where + ": must be a mapping");
      }
      continue;
    }
    f(entry, where);
  }
}

// Where a data string starts: a block scalar (`mapRoles: |`) on the line after its indicator,
// any other on its own line.
DataLine StartOf(std::string_view manifest, const YAML::Mark& mark) {
  if (mark.is_null() || mark.pos < 0 || size_t(mark.pos) >= manifest.size()) return {};
  char at = manifest[size_t(mark.pos)];
  bool block = at == '|' || at == '>';
  return {mark.line + (block ? 2 : 1), block};
}

}  // namespace

AwsAuth ParseAwsAuthData(std::string_view map_roles, std::string_view map_users, std::string_view map_accounts,
                         const AwsAuthLines& lines) {
  AwsAuth out;
  ForEachEntry(map_roles, "mapRoles", lines.map_roles, out.problems, [&](const YAML::Node& e, const std::string& where) {
    RoleMapping r;
    r.rolearn = ScalarField(e, "rolearn");
    r.username = ScalarField(e, "username");
    r.groups = ListField(e, "groups");
    r.userid = ScalarField(e, "userid");
    std::vector<YAML::Node> keep;
    if (const YAML::Node* sso = Field(e, "sso", keep); sso && sso->IsMap()) {
      r.sso = SsoMatcher{ScalarField(*sso, "permissionSetName"), ScalarField(*sso, "accountID"),
                         ScalarField(*sso, "partition")};
    }
    if (auto ok = r.Validate(); !ok) {
      out.problems.push_back(where + ": " + ok.error().message);
      return;
    }
    out.roles.push_back(std::move(r));
  });
  ForEachEntry(map_users, "mapUsers", lines.map_users, out.problems, [&](const YAML::Node& e, const std::string& where) {
    UserMapping u{ScalarField(e, "userarn"), ScalarField(e, "username"), ListField(e, "groups"), ScalarField(e, "userid")};
    if (auto ok = u.Validate(); !ok) {
      out.problems.push_back(where + ": " + ok.error().message);
      return;
    }
    out.users.push_back(std::move(u));
  });
  ForEachEntry(map_accounts, "mapAccounts", lines.map_accounts, out.problems, [&](const YAML::Node& e, const std::string& where) {
    if (!e.IsScalar() || Trim(e.Scalar()).empty()) {
      out.problems.push_back(where + ": must be an account ID");
      return;
    }
    out.accounts.push_back(std::string(Trim(e.Scalar())));
  });
  return out;
}

Result<AwsAuth> ParseAwsAuthConfigMap(std::string_view manifest, std::string_view name) {
  if (auto ok = ValidateUtf8(manifest, name); !ok) return std::unexpected(ok.error());
  auto fail = [&](TextPosition at, const std::string& message) {
    return Fail(ErrorCode::kInvalidArgument, at.In(name) + ": " + message);
  };
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(manifest));
  } catch (const YAML::Exception& e) {
    return fail(PositionOf(e.mark), "not valid YAML: " + e.msg);
  }
  if (!doc.IsMap()) return fail(PositionOf(doc.Mark()), "expected a ConfigMap object");
  if (doc["kind"] && doc["kind"].IsScalar() && doc["kind"].Scalar() != "ConfigMap") {
    return fail(PositionOf(doc["kind"].Mark()), "kind: must be ConfigMap, got " + doc["kind"].Scalar());
  }
  std::string values[3];
  DataLine lines[3];
  const char* keys[3] = {"mapRoles", "mapUsers", "mapAccounts"};
  if (YAML::Node data = doc["data"]) {
    if (!data.IsMap()) return fail(PositionOf(data.Mark()), "data: must be a map of strings");
    for (int i = 0; i < 3; ++i) {
      YAML::Node v = data[keys[i]];
      if (!v || v.IsNull()) continue;
      if (!v.IsScalar()) {
        return fail(PositionOf(v.Mark()), std::string("data.") + keys[i] + ": must be a string (a YAML block such as `" +
                                              keys[i] + ": |`), not a " + (v.IsSequence() ? "list" : "map"));
      }
      values[i] = v.Scalar();
      lines[i] = StartOf(manifest, v.Mark());
    }
  }
  return ParseAwsAuthData(values[0], values[1], values[2], {lines[0], lines[1], lines[2]});
}

MappingTable BuildConfigMapTable(const AwsAuth& data) {
  MappingTable t;
  for (const auto& r : data.roles) t.AddRole(r);
  for (const auto& u : data.users) t.AddUser(u);
  for (const auto& a : data.accounts) t.AddAccount(a);
  return t;
}

Result<MappingTable> BuildFileTable(const std::vector<RoleMapping>& roles, const std::vector<UserMapping>& users,
                                    const std::vector<std::string>& accounts) {
  MappingTable t;
  for (size_t i = 0; i < roles.size(); ++i) {
    RoleMapping r = roles[i];
    if (auto ok = r.Validate(); !ok) return std::unexpected(ok.error().Wrap("mapRoles[" + std::to_string(i) + "]"));
    if (!r.rolearn.empty()) {
      auto c = aws::Canonicalize(r.rolearn);
      if (!c) return std::unexpected(c.error().Wrap("mapRoles[" + std::to_string(i) + "].rolearn"));
      r.rolearn = c->canonical_arn;
    }
    t.AddRole(std::move(r));
  }
  for (size_t i = 0; i < users.size(); ++i) {
    UserMapping u = users[i];
    if (auto ok = u.Validate(); !ok) return std::unexpected(ok.error().Wrap("mapUsers[" + std::to_string(i) + "]"));
    auto c = aws::Canonicalize(ToLower(u.userarn));
    if (!c) {
      return Fail(ErrorCode::kInvalidArgument,
                  "mapUsers[" + std::to_string(i) + "].userarn: error canonicalizing ARN: " + c.error().message);
    }
    t.AddUser(std::move(u));
  }
  for (const auto& a : accounts) t.AddAccount(a);
  return t;
}

}  // namespace kubeiam::identity
