#include "sts/principal_store.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <utility>

#include "util/file.h"
#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::sts {
namespace {

bool AllOf(std::string_view s, bool (*ok)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), ok); }
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool UpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || Digit(c); }
bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || Digit(c) || c == '_' || c == '+' || c == '=' ||
         c == ',' || c == '.' || c == '@' || c == '-';
}

struct Reader {
  std::string file;
  std::vector<std::string> problems;

  // "FILE:LINE:COLUMN: where: rule", `at` being the value at fault or the mapping that lacks it.
  void Problem(const YAML::Node& at, const std::string& where, const std::string& rule) {
    problems.push_back(PositionOf(at).In(file) + ": " + where + ": " + rule);
  }

  std::string Str(const YAML::Node& n, const char* key, const std::string& where, bool required) {
    YAML::Node v = n[key];
    if (!v || v.IsNull()) {
      if (required) Problem(n, where, std::string(key) + " is required");
      return "";
    }
    if (!v.IsScalar()) {
      Problem(v, where + "." + key, "must be a string");
      return "";
    }
    return v.Scalar();
  }

  std::string Path(const YAML::Node& n, const std::string& where) {
    std::string p = Str(n, "path", where, false);
    if (p.empty()) return "/";
    if (!p.starts_with("/") || !p.ends_with("/")) Problem(n["path"], where + ".path", "must begin and end with '/'");
    return p;
  }

  // A list where one is expected (a missing one is empty); noted otherwise.
  bool List(const YAML::Node& n, const std::string& where) {
    if (!n || n.IsNull()) return false;
    if (n.IsSequence()) return true;
    Problem(n, where, "must be a list");
    return false;
  }
  bool Map(const YAML::Node& n, const std::string& where) {
    if (n.IsMap()) return true;
    Problem(n, where, "must be a mapping");
    return false;
  }

  // Every problem, one a line.
  Status Verdict() const {
    if (problems.empty()) return {};
    return Fail(ErrorCode::kInvalidArgument, Join(problems, "\n"));
  }
};

// The principals a file declares, read in order with every problem noted. Lists are taken by
// value where they are indexed: a non-const operator[] differs from the const one on a YAML map.
struct PrincipalsReader {
  Reader r;
  std::vector<User> users;
  std::vector<Role> roles;
  std::vector<Instance> instances;
  std::map<std::string, std::pair<size_t, std::string>> keys;  // access key -> (user index, secret)
  std::set<std::string> user_ids;

  void ReadAccount(const YAML::Node& acct, const std::string& where) {
    if (!acct.IsMap()) {
      r.Problem(acct, where, "must be a mapping");
      return;
    }
    std::string id = r.Str(acct, "id", where, true);
    if (!id.empty() && (id.size() != 12 || !AllOf(id, Digit))) r.Problem(acct["id"], where + ".id", "must be 12 digits (quote it)");
    if (const YAML::Node list = acct["users"]; r.List(list, where + ".users")) {
      for (size_t u = 0; u < list.size(); ++u) {
        std::string uw = where + ".users[" + std::to_string(u) + "]";
        if (r.Map(list[u], uw)) ReadUser(list[u], id, uw);
      }
    }
    if (const YAML::Node list = acct["roles"]; r.List(list, where + ".roles")) {
      for (size_t i = 0; i < list.size(); ++i) {
        std::string rw = where + ".roles[" + std::to_string(i) + "]";
        if (r.Map(list[i], rw)) roles.push_back(ReadRole(list[i], id, rw));
      }
    }
  }

  void ReadUser(const YAML::Node& un, const std::string& account_id, const std::string& uw) {
    User user{account_id, r.Str(un, "name", uw, true), r.Path(un, uw), r.Str(un, "userId", uw, true), {}};
    if (!user.name.empty() && !AllOf(user.name, NameChar)) r.Problem(un["name"], uw + ".name", "must be letters, digits and +=,.@_-");
    if (!user.user_id.empty() && (!user.user_id.starts_with("AIDA") || !AllOf(user.user_id, UpperAlnum))) {
      r.Problem(un["userId"], uw + ".userId", "must start with AIDA and be upper-case letters and digits");
    }
    if (!user_ids.insert(user.user_id).second && !user.user_id.empty()) r.Problem(un["userId"], uw + ".userId", "is used twice");
    if (const YAML::Node list = un["accessKeys"]; r.List(list, uw + ".accessKeys")) {
      for (size_t k = 0; k < list.size(); ++k) {
        std::string kw = uw + ".accessKeys[" + std::to_string(k) + "]";
        if (r.Map(list[k], kw)) user.access_keys.push_back(ReadAccessKey(list[k], kw));
      }
    }
    users.push_back(std::move(user));
  }

  // A key of the user being read, who will be users[users.size()].
  AccessKey ReadAccessKey(const YAML::Node& item, const std::string& kw) {
    AccessKey key{r.Str(item, "accessKeyId", kw, true), r.Str(item, "secretAccessKey", kw, true)};
    if (!key.access_key_id.empty() &&
        (!key.access_key_id.starts_with("AKIA") || key.access_key_id.size() < 16 || key.access_key_id.size() > 128 ||
         !AllOf(key.access_key_id, UpperAlnum))) {
      r.Problem(item["accessKeyId"], kw + ".accessKeyId", "must start with AKIA and be 16 to 128 upper-case letters and digits");
    }
    if (!key.secret_access_key.empty() && key.secret_access_key.size() < 16) {
      r.Problem(item["secretAccessKey"], kw + ".secretAccessKey", "must be at least 16 characters");
    }
    if (keys.contains(key.access_key_id)) r.Problem(item["accessKeyId"], kw + ".accessKeyId", "is used twice");
    keys[key.access_key_id] = {users.size(), key.secret_access_key};
    return key;
  }

  Role ReadRole(const YAML::Node& rn, const std::string& account_id, const std::string& rw) {
    Role role{account_id, r.Str(rn, "name", rw, true), r.Path(rn, rw), r.Str(rn, "roleId", rw, true), {},
              r.Str(rn, "externalId", rw, false), 43200};
    if (!role.name.empty() && !AllOf(role.name, NameChar)) r.Problem(rn["name"], rw + ".name", "must be letters, digits and +=,.@_-");
    if (!role.role_id.empty() && (!role.role_id.starts_with("AROA") || !AllOf(role.role_id, UpperAlnum))) {
      r.Problem(rn["roleId"], rw + ".roleId", "must start with AROA and be upper-case letters and digits");
    }
    if (YAML::Node by = rn["assumableBy"]) {
      if (!by.IsSequence()) r.Problem(by, rw + ".assumableBy", "must be a list of principal ARNs");
      for (const auto& p : by) {
        if (p.IsScalar()) role.assumable_by.push_back(p.Scalar());
      }
    }
    if (YAML::Node max = rn["maxSessionDuration"]) role.max_session_seconds = ReadMaxSessionDuration(max, rw);
    return role;
  }

  int ReadMaxSessionDuration(const YAML::Node& max, const std::string& rw) {
    int seconds = 0;
    try {
      seconds = max.as<int>();
    } catch (const YAML::Exception&) {
      seconds = 0;
    }
    if (seconds < 3600 || seconds > 43200) r.Problem(max, rw + ".maxSessionDuration", "must be 3600 to 43200 seconds");
    return seconds;
  }

  void ReadInstances(const YAML::Node& list) {
    if (!r.List(list, "instances")) return;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string iw = "instances[" + std::to_string(i) + "]";
      const YAML::Node item = list[i];
      if (!r.Map(item, iw)) continue;
      instances.push_back({r.Str(item, "instanceId", iw, true), r.Str(item, "privateDnsName", iw, true)});
    }
  }
};

}  // namespace

Result<PrincipalStore> PrincipalStore::Parse(std::string_view text, std::string_view file_name) {
  if (auto ok = ValidateUtf8(text, file_name); !ok) return std::unexpected(ok.error());
  PrincipalsReader reader{Reader{std::string(file_name), {}}};
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(e.mark).In(reader.r.file) + ": not valid YAML: " + e.msg);
  }
  YAML::Node accounts = doc.IsMap() ? doc["accounts"] : YAML::Node();
  if (!accounts || !accounts.IsSequence()) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(accounts).In(reader.r.file) + ": accounts: must be a list of accounts");
  }
  try {
    for (size_t a = 0; a < accounts.size(); ++a) reader.ReadAccount(accounts[a], "accounts[" + std::to_string(a) + "]");
    reader.ReadInstances(std::as_const(doc)["instances"]);
  } catch (const YAML::Exception& e) {
    // A shape no check above foresaw: a problem like the others, never an escaped exception.
    reader.r.problems.push_back(PositionOf(e.mark).In(reader.r.file) + ": " + e.msg);
  }
  if (auto ok = reader.r.Verdict(); !ok) return std::unexpected(ok.error());
  PrincipalStore store;
  store.users_ = std::move(reader.users);
  store.roles_ = std::move(reader.roles);
  store.instances_ = std::move(reader.instances);
  store.keys_ = std::move(reader.keys);
  return store;
}

Result<PrincipalStore> PrincipalStore::Load(const std::string& path) {
  auto text = ReadFile(path, 8u << 20);
  if (!text) return std::unexpected(text.error());
  return Parse(*text, path);
}

const User* PrincipalStore::FindUserByAccessKey(std::string_view access_key_id, std::string* secret) const {
  auto it = keys_.find(std::string(access_key_id));
  if (it == keys_.end()) return nullptr;
  if (secret) *secret = it->second.second;
  return &users_[it->second.first];
}

const Role* PrincipalStore::FindRole(std::string_view role_arn) const {
  for (const auto& r : roles_) {
    if (r.Arn() == role_arn || "arn:aws:iam::" + r.account + ":role/" + r.name == role_arn) return &r;
  }
  return nullptr;
}

std::optional<std::string> PrincipalStore::PrivateDnsName(std::string_view instance_id) const {
  for (const auto& i : instances_) {
    if (i.instance_id == instance_id) return i.private_dns_name;
  }
  return std::nullopt;
}

}  // namespace kubeiam::sts
