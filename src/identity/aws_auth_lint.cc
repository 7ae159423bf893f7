#include "identity/aws_auth_lint.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>

#include "aws/arn.h"
#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::identity {
namespace {

struct Linter {
  std::vector<LintFinding> out;
  void Error(int line, std::string message, std::string fix) { out.push_back({line, true, std::move(message), std::move(fix)}); }
  void Warn(int line, std::string message, std::string fix) { out.push_back({line, false, std::move(message), std::move(fix)}); }
};

int Line(const YAML::Mark& m) { return m.line >= 0 ? m.line + 1 : 0; }

// The rows of one section, with what the whole-document checks need.
struct Seen {
  std::map<std::string, int> arns;  // lower-case ARN -> line
  size_t masters = 0, nodes = 0;
};

// A mapRoles or mapUsers section: its name, the keys its entries take, and where its lines are.
struct Section {
  const std::string& name;
  bool role;            // mapRoles; else mapUsers
  const char* arn_key;  // rolearn or userarn
  std::vector<std::string> known_keys;
  int base;    // the line of the section's value
  bool block;  // a block scalar: its mark is its indicator ("|"); its lines start on the next line

  // The manifest line of a mark inside the section's text.
  int At(const YAML::Mark& m) const { return block && m.line >= 0 ? base + m.line + 1 : base; }
};

Section MakeSection(const std::string& name, const YAML::Node& value) {
  bool role = name == "mapRoles";
  const char* arn_key = role ? "rolearn" : "userarn";
  return Section{name,
                 role,
                 arn_key,
                 {arn_key, "username", "groups", role ? "sso" : "userid", "userid"},
                 Line(value.Mark()),
                 value.Scalar().find('\n') != std::string::npos};
}

// The section's list of entries; nothing when it is empty or the authenticator drops it whole.
std::optional<YAML::Node> LoadSection(Linter& l, const Section& s, const YAML::Node& value) {
  const std::string& text = value.Scalar();
  YAML::Node list;
  try {
    list = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bool braces = text.find(": {{") != std::string::npos || text.find(":{{") != std::string::npos ||
                  text.find("- {{") != std::string::npos;
    l.Error(s.At(e.mark), s.name + " does not parse (" + e.msg + "): the authenticator drops every entry of " + s.name,
            braces ? "quote values that start with {{: username: \"{{SessionName}}\"" : "fix the YAML of " + s.name);
    return std::nullopt;
  }
  if (list.IsNull()) return std::nullopt;
  if (auto key = FindNonScalarKey(list)) {
    l.Error(s.At(*key), s.name + " does not parse as the authenticator reads it (YAML through JSON: a map used as a key): "
                        "it drops every entry of " + s.name,
            "quote values that start with {{: username: \"{{SessionName}}\"");
    return std::nullopt;
  }
  if (!list.IsSequence()) {
    l.Error(Line(value.Mark()), s.name + " is not a list: the authenticator ignores it", "write it as a YAML list of entries");
    return std::nullopt;
  }
  return list;
}

// What the checks read from one entry of a section.
struct Entry {
  std::string arn, username;
  YAML::Node groups;
  int line = 0;      // the entry's
  int arn_line = 0;  // its ARN's; the entry's when it has none
};

// Warns about a key the authenticator ignores, or reads only because entry keys ignore case.
void CheckKeyName(Linter& l, const Section& s, const std::string& key, const YAML::Mark& mark) {
  const std::vector<std::string>& known = s.known_keys;
  auto exact = std::find(known.begin(), known.end(), key) != known.end();
  auto loose = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return EqualsIgnoreCase(k, key); });
  if (!exact && loose != known.end()) {
    l.Warn(s.At(mark), "key \"" + key + "\" works here (entry keys ignore case) but eksctl and other tools read \"" +
                           *loose + "\"",
           "rename it to " + *loose);
  } else if (!exact) {
    l.Warn(s.At(mark), "unknown key \"" + key + "\" in " + s.name + ": ignored", "remove it");
  }
}

Entry ReadEntry(Linter& l, const Section& s, const YAML::Node& e, int line) {
  Entry entry;
  entry.line = line;
  entry.arn_line = line;
  for (auto it = e.begin(); it != e.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    CheckKeyName(l, s, key, it->first.Mark());
    std::string k = ToLower(key);
    if (k == s.arn_key && it->second.IsScalar()) {
      entry.arn = std::string(Trim(it->second.Scalar()));
      entry.arn_line = s.At(it->first.Mark());
    }
    if (k == "username" && it->second.IsScalar()) entry.username = it->second.Scalar();
    if (k == "groups") entry.groups = it->second;
  }
  return entry;
}

// Reports a rolearn that is a session, not a role, or has a path; true when it can match.
bool RoleArnCanMatch(Linter& l, const Entry& e, const aws::Arn& parsed) {
  if (parsed.service == "sts" || parsed.resource.starts_with("assumed-role/")) {
    l.Error(e.arn_line, "rolearn \"" + e.arn + "\" is an STS session ARN: it never matches",
            "use the role: arn:" + parsed.partition + ":iam::" + parsed.account + ":role/<name>");
    return false;
  }
  if (!parsed.resource.starts_with("role/")) {
    l.Error(e.arn_line, "rolearn \"" + e.arn + "\" is not a role ARN", "map users under mapUsers");
    return false;
  }
  if (std::count(parsed.resource.begin(), parsed.resource.end(), '/') > 1) {
    auto stripped = aws::StripPath(e.arn);
    l.Error(e.arn_line, "rolearn \"" + e.arn + "\" has a path: STS reports role ARNs without one, so this row never matches",
            "use " + (stripped ? *stripped : e.arn));
    return false;
  }
  return true;
}

// Reports an entry whose ARN is missing, malformed or can never match; true when the entry can
// grant something (an entry that cannot counts for nothing in the later checks).
bool ArnCanMatch(Linter& l, const Section& s, const Entry& e) {
  if (e.arn.empty()) {
    l.Error(e.line, "entry without " + std::string(s.arn_key) + ": the authenticator drops it", "add " + std::string(s.arn_key));
    return false;
  }
  auto parsed = aws::ParseArn(e.arn);
  if (!parsed) {
    l.Error(e.arn_line, std::string(s.arn_key) + " \"" + e.arn + "\" is not an ARN: " + parsed.error().message,
            "use arn:aws:iam::<account>:...");
    return false;
  }
  if (s.role) return RoleArnCanMatch(l, e, *parsed);
  if (!parsed->resource.starts_with("user/")) {
    l.Error(e.arn_line, "userarn \"" + e.arn + "\" is not an IAM user ARN", "map roles under mapRoles");
    return false;
  }
  return true;
}

// Records the entry's ARN, warning when an earlier row maps it too.
void NoteMappedArn(Linter& l, Seen& seen, const Entry& e) {
  std::string key = ToLower(e.arn);
  if (auto prev = seen.arns.find(key); prev != seen.arns.end()) {
    l.Warn(e.arn_line, "\"" + e.arn + "\" is mapped again: this row replaces the one on line " + std::to_string(prev->second) +
                           " (the last one wins)",
           "keep one row per ARN");
  }
  seen.arns[key] = e.arn_line;
}

// Checks the entry's groups and counts those granting system:masters and system:nodes.
void CheckGroups(Linter& l, const Section& s, const Entry& e, Seen& seen) {
  const YAML::Node& groups = e.groups;
  if (groups && groups.IsScalar()) {
    l.Warn(e.arn_line, "groups is a string, not a list", "write groups: [" + groups.Scalar() + "]");
  }
  if (!groups || !groups.IsSequence()) return;
  for (const auto& g : groups) {
    if (!g.IsScalar()) continue;
    if (g.Scalar().find(" - ") != std::string::npos) {
      l.Error(s.At(g.Mark()), "group \"" + g.Scalar() + "\" is two groups run together by an indentation slip",
              "put each group on its own \"- \" line at the same indentation");
    }
    seen.masters += g.Scalar() == "system:masters";
    seen.nodes += g.Scalar() == "system:nodes";
  }
}

// Warns about {{...}} in a username that is not one of the authenticator's templates.
void CheckUsernameTemplates(Linter& l, const Entry& e) {
  const std::string& username = e.username;
  for (size_t pos = username.find("{{"); pos != std::string::npos; pos = username.find("{{", pos + 2)) {
    std::string macro = username.substr(pos, username.find("}}", pos) + 2 - pos);
    static const std::vector<std::string> kMacros = {"{{EC2PrivateDNSName}}", "{{AccountID}}", "{{SessionName}}",
                                                     "{{SessionNameRaw}}", "{{AccessKeyID}}"};
    if (std::find(kMacros.begin(), kMacros.end(), macro) == kMacros.end()) {
      l.Warn(e.arn_line, "username uses " + macro + ", which is not a template: it stays as written",
             "use {{EC2PrivateDNSName}}, {{AccountID}}, {{SessionName}}, {{SessionNameRaw}} or {{AccessKeyID}}");
    }
  }
}

void LintEntries(Linter& l, const std::string& section, const YAML::Node& value, Seen& seen) {
  const Section s = MakeSection(section, value);
  auto list = LoadSection(l, s, value);
  if (!list) return;
  for (const auto& e : *list) {
    int line = s.At(e.Mark());
    if (!e.IsMap()) {
      l.Error(line, "an entry of " + section + " is not a map: dropped", "each entry is \"- " + std::string(s.arn_key) + ": ...\"");
      continue;
    }
    Entry entry = ReadEntry(l, s, e, line);
    if (s.role && e["sso"]) continue;  // SSO matchers are checked by the server's config
    if (!ArnCanMatch(l, s, entry)) continue;
    NoteMappedArn(l, seen, entry);
    CheckGroups(l, s, entry, seen);
    CheckUsernameTemplates(l, entry);
  }
}

// Warns unless the manifest is kube-system/aws-auth, the only ConfigMap the authenticator reads.
void CheckMetadata(Linter& l, YAML::Node meta) {
  if (!meta || !meta.IsMap() || !meta["name"] || meta["name"].Scalar() != "aws-auth" || !meta["namespace"] ||
      meta["namespace"].Scalar() != "kube-system") {
    l.Warn(meta ? Line(meta.Mark()) : 0, "the authenticator reads only kube-system/aws-auth",
           "metadata: {name: aws-auth, namespace: kube-system}");
  }
}

// True for the data keys the authenticator reads; reports any other (an error when only its case is wrong).
bool KnownDataKey(Linter& l, const std::string& key, int line) {
  if (key == "mapRoles" || key == "mapUsers" || key == "mapAccounts") return true;
  bool miscased = false;
  for (const char* k : {"mapRoles", "mapUsers", "mapAccounts"}) {
    if (EqualsIgnoreCase(key, k)) {
      l.Error(line, "data key \"" + key + "\" is ignored: the authenticator's keys are case-sensitive", std::string("rename it to ") + k);
      miscased = true;
    }
  }
  if (!miscased) l.Warn(line, "data key \"" + key + "\" is not read by the authenticator", "remove it");
  return false;
}

void LintMapAccounts(Linter& l, const YAML::Node& value, int line) {
  try {
    YAML::Node list = YAML::Load(value.Scalar());
    for (size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
      std::string a = list[i].IsScalar() ? list[i].Scalar() : "";
      if (a.size() != 12 || a.find_first_not_of("0123456789") != std::string::npos) {
        l.Error(line, "mapAccounts entry \"" + a + "\" is not a 12-digit account ID", "quote the account: \"012345678901\"");
      }
    }
  } catch (const YAML::Exception& e) {
    l.Error(line, "mapAccounts does not parse (" + e.msg + "): no account is allowed", "fix the YAML of mapAccounts");
  }
}

void LintData(Linter& l, YAML::Node data, Seen& seen) {
  for (auto it = data.begin(); it != data.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    int line = Line(it->first.Mark());
    if (!KnownDataKey(l, key, line)) continue;
    YAML::Node value = it->second;  // a copy: the iterator yields a temporary pair
    if (!value.IsScalar()) {
      l.Error(line, key + " is a YAML " + (value.IsSequence() ? "list" : "map") +
                        ", not a string: Kubernetes refuses the ConfigMap (data values are strings)",
              "write \"" + key + ": |\" and indent the list under it");
      continue;
    }
    if (key == "mapAccounts") {
      LintMapAccounts(l, value, line);
      continue;
    }
    LintEntries(l, key, value, seen);
  }
}

// Whole-document checks: some mapping lets nodes join, and someone administers the cluster.
void CheckSystemGroups(Linter& l, const Seen& seen, size_t other_admins) {
  if (seen.nodes == 0) {
    l.Warn(0, "no mapping grants system:nodes: EC2 nodes using this ConfigMap cannot join",
           "map the node role: rolearn: <node role>, username: system:node:{{EC2PrivateDNSName}}, groups: "
           "[system:bootstrappers, system:nodes] (skip this if nodes join through access entries)");
  }
  if (seen.masters == 0 && other_admins == 0) {
    l.Error(0, "no mapping grants system:masters: nobody administers the cluster through aws-auth",
            "keep at least one administrator, here or as an access entry with AmazonEKSClusterAdminPolicy");
  }
}

}  // namespace

std::vector<LintFinding> LintAwsAuth(std::string_view manifest, size_t other_admins) {
  Linter l;
  if (auto ok = ValidateUtf8(manifest, "aws-auth"); !ok) {
    l.Error(0, ok.error().message, "save the file as UTF-8");
    return l.out;
  }
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(manifest));
  } catch (const YAML::Exception& e) {
    l.Error(Line(e.mark), "not valid YAML: " + e.msg, "fix the YAML");
    return l.out;
  }
  if (!doc.IsMap() || !doc["kind"] || !doc["kind"].IsScalar() || doc["kind"].Scalar() != "ConfigMap") {
    l.Error(0, "not a ConfigMap manifest", "kubectl -n kube-system get configmap aws-auth -o yaml");
    return l.out;
  }
  CheckMetadata(l, doc["metadata"]);
  Seen seen;
  YAML::Node data = doc["data"];
  if (data && data.IsMap()) LintData(l, data, seen);
  CheckSystemGroups(l, seen, other_admins);
  std::stable_sort(l.out.begin(), l.out.end(), [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return l.out;
}

}  // namespace kubeiam::identity
