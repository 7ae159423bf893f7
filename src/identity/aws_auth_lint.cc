#include "identity/aws_auth_lint.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

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

void LintEntries(Linter& l, const std::string& section, const YAML::Node& value, Seen& seen) {
  bool role = section == "mapRoles";
  const std::string& text = value.Scalar();
  // A block scalar's mark is its indicator ("|"); its lines start on the next line.
  int base = Line(value.Mark());
  bool block = text.find('\n') != std::string::npos;
  auto at = [&](const YAML::Mark& m) { return block && m.line >= 0 ? base + m.line + 1 : base; };
  YAML::Node list;
  try {
    list = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bool braces = text.find(": {{") != std::string::npos || text.find(":{{") != std::string::npos ||
                  text.find("- {{") != std::string::npos;
    l.Error(at(e.mark), section + " does not parse (" + e.msg + "): the authenticator drops every entry of " + section,
            braces ? "quote values that start with {{: username: \"{{SessionName}}\"" : "fix the YAML of " + section);
    return;
  }
  if (list.IsNull()) return;
  if (auto key = FindNonScalarKey(list)) {
    l.Error(at(*key), section + " does not parse as the authenticator reads it (YAML through JSON: a map used as a key): "
                      "it drops every entry of " + section,
            "quote values that start with {{: username: \"{{SessionName}}\"");
    return;
  }
  if (!list.IsSequence()) {
    l.Error(Line(value.Mark()), section + " is not a list: the authenticator ignores it", "write it as a YAML list of entries");
    return;
  }
  const char* arn_key = role ? "rolearn" : "userarn";
  const std::vector<std::string> known = {arn_key, "username", "groups", role ? "sso" : "userid", "userid"};
  for (const auto& e : list) {
    int line = at(e.Mark());
    if (!e.IsMap()) {
      l.Error(line, "an entry of " + section + " is not a map: dropped", "each entry is \"- " + std::string(arn_key) + ": ...\"");
      continue;
    }
    std::string arn, username;
    YAML::Node groups;
    int arn_line = line;
    for (auto it = e.begin(); it != e.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      auto exact = std::find(known.begin(), known.end(), key) != known.end();
      auto loose = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return EqualsIgnoreCase(k, key); });
      if (!exact && loose != known.end()) {
        l.Warn(at(it->first.Mark()), "key \"" + key + "\" works here (entry keys ignore case) but eksctl and other tools read \"" +
                                         *loose + "\"",
               "rename it to " + *loose);
      } else if (!exact) {
        l.Warn(at(it->first.Mark()), "unknown key \"" + key + "\" in " + section + ": ignored", "remove it");
      }
      std::string k = ToLower(key);
      if (k == arn_key && it->second.IsScalar()) {
        arn = std::string(Trim(it->second.Scalar()));
        arn_line = at(it->first.Mark());
      }
      if (k == "username" && it->second.IsScalar()) username = it->second.Scalar();
      if (k == "groups") groups = it->second;
    }
    if (role && e["sso"]) continue;  // SSO matchers are checked by the server's config
    if (arn.empty()) {
      l.Error(line, "entry without " + std::string(arn_key) + ": the authenticator drops it", "add " + std::string(arn_key));
      continue;
    }
    auto parsed = aws::ParseArn(arn);
    if (!parsed) {
      l.Error(arn_line, std::string(arn_key) + " \"" + arn + "\" is not an ARN: " + parsed.error().message, "use arn:aws:iam::<account>:...");
      continue;
    }
    if (role) {
      if (parsed->service == "sts" || parsed->resource.starts_with("assumed-role/")) {
        l.Error(arn_line, "rolearn \"" + arn + "\" is an STS session ARN: it never matches",
                "use the role: arn:" + parsed->partition + ":iam::" + parsed->account + ":role/<name>");
        continue;
      }
      if (!parsed->resource.starts_with("role/")) {
        l.Error(arn_line, "rolearn \"" + arn + "\" is not a role ARN", "map users under mapUsers");
        continue;
      }
      if (std::count(parsed->resource.begin(), parsed->resource.end(), '/') > 1) {
        auto stripped = aws::StripPath(arn);
        l.Error(arn_line, "rolearn \"" + arn + "\" has a path: STS reports role ARNs without one, so this row never matches",
                "use " + (stripped ? *stripped : arn));
        continue;  // grants nothing, so counts for nothing below
      }
    } else if (!parsed->resource.starts_with("user/")) {
      l.Error(arn_line, "userarn \"" + arn + "\" is not an IAM user ARN", role ? "" : "map roles under mapRoles");
      continue;
    }
    std::string key = ToLower(arn);
    if (auto prev = seen.arns.find(key); prev != seen.arns.end()) {
      l.Warn(arn_line, "\"" + arn + "\" is mapped again: this row replaces the one on line " + std::to_string(prev->second) +
                           " (the last one wins)",
             "keep one row per ARN");
    }
    seen.arns[key] = arn_line;
    if (groups && groups.IsScalar()) {
      l.Warn(arn_line, "groups is a string, not a list", "write groups: [" + groups.Scalar() + "]");
    }
    if (groups && groups.IsSequence()) {
      for (const auto& g : groups) {
        if (!g.IsScalar()) continue;
        if (g.Scalar().find(" - ") != std::string::npos) {
          l.Error(at(g.Mark()), "group \"" + g.Scalar() + "\" is two groups run together by an indentation slip",
                  "put each group on its own \"- \" line at the same indentation");
        }
        seen.masters += g.Scalar() == "system:masters";
        seen.nodes += g.Scalar() == "system:nodes";
      }
    }
    for (size_t pos = username.find("{{"); pos != std::string::npos; pos = username.find("{{", pos + 2)) {
      std::string macro = username.substr(pos, username.find("}}", pos) + 2 - pos);
      static const std::vector<std::string> kMacros = {"{{EC2PrivateDNSName}}", "{{AccountID}}", "{{SessionName}}",
                                                       "{{SessionNameRaw}}", "{{AccessKeyID}}"};
      if (std::find(kMacros.begin(), kMacros.end(), macro) == kMacros.end()) {
        l.Warn(arn_line, "username uses " + macro + ", which is not a template: it stays as written",
               "use {{EC2PrivateDNSName}}, {{AccountID}}, {{SessionName}}, {{SessionNameRaw}} or {{AccessKeyID}}");
      }
    }
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
  YAML::Node meta = doc["metadata"];
  if (!meta || !meta.IsMap() || !meta["name"] || meta["name"].Scalar() != "aws-auth" || !meta["namespace"] ||
      meta["namespace"].Scalar() != "kube-system") {
    l.Warn(meta ? Line(meta.Mark()) : 0, "the authenticator reads only kube-system/aws-auth",
           "metadata: {name: aws-auth, namespace: kube-system}");
  }
  Seen seen;
  YAML::Node data = doc["data"];
  if (data && data.IsMap()) {
    for (auto it = data.begin(); it != data.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      int line = Line(it->first.Mark());
      bool known = key == "mapRoles" || key == "mapUsers" || key == "mapAccounts";
      if (!known) {
        for (const char* k : {"mapRoles", "mapUsers", "mapAccounts"}) {
          if (EqualsIgnoreCase(key, k)) {
            l.Error(line, "data key \"" + key + "\" is ignored: the authenticator's keys are case-sensitive", std::string("rename it to ") + k);
            known = true;
          }
        }
        if (!known) l.Warn(line, "data key \"" + key + "\" is not read by the authenticator", "remove it");
        continue;
      }
      YAML::Node value = it->second;  // a copy: the iterator yields a temporary pair
      if (!value.IsScalar()) {
        l.Error(line, key + " is a YAML " + (value.IsSequence() ? "list" : "map") +
                          ", not a string: Kubernetes refuses the ConfigMap (data values are strings)",
                "write \"" + key + ": |\" and indent the list under it");
        continue;
      }
      if (key == "mapAccounts") {
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
        continue;
      }
      LintEntries(l, key, value, seen);
    }
  }
  if (seen.nodes == 0) {
    l.Warn(0, "no mapping grants system:nodes: EC2 nodes using this ConfigMap cannot join",
           "map the node role: rolearn: <node role>, username: system:node:{{EC2PrivateDNSName}}, groups: "
           "[system:bootstrappers, system:nodes] (skip this if nodes join through access entries)");
  }
  if (seen.masters == 0 && other_admins == 0) {
    l.Error(0, "no mapping grants system:masters: nobody administers the cluster through aws-auth",
            "keep at least one administrator, here or as an access entry with AmazonEKSClusterAdminPolicy");
  }
  std::stable_sort(l.out.begin(), l.out.end(), [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return l.out;
}

}  // namespace kubeiam::identity
