// The local STS's principals (principals.yaml): accounts with users (and their access keys),
// roles (and who may assume them), and EC2 instances for {{EC2PrivateDNSName}}.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::sts {

struct AccessKey {
  std::string access_key_id, secret_access_key;
};

struct User {
  std::string account, name, path = "/", user_id;
  std::vector<AccessKey> access_keys;
  std::string Arn() const { return "arn:aws:iam::" + account + ":user" + path + name; }
};

struct Role {
  std::string account, name, path = "/", role_id;
  std::vector<std::string> assumable_by;  // principal ARNs (canonical), or "*" for anyone in the store
  std::string external_id;                // required from callers when set
  int max_session_seconds = 43200;
  std::string Arn() const { return "arn:aws:iam::" + account + ":role" + path + name; }
};

struct Instance {
  std::string instance_id, private_dns_name;
};

class PrincipalStore {
 public:
  // Errors name the file, the key path and the rule: "principals.yaml: accounts[0].users[1].accessKeys[0]:
  // accessKeyId must start with AKIA and be 16 to 128 letters and digits".
  static Result<PrincipalStore> Parse(std::string_view yaml, std::string_view file_name);
  static Result<PrincipalStore> Load(const std::string& path);

  const User* FindUserByAccessKey(std::string_view access_key_id, std::string* secret) const;
  const Role* FindRole(std::string_view role_arn) const;  // with or without path
  std::optional<std::string> PrivateDnsName(std::string_view instance_id) const;
  const std::vector<User>& users() const { return users_; }
  const std::vector<Role>& roles() const { return roles_; }

 private:
  std::vector<User> users_;
  std::vector<Role> roles_;
  std::vector<Instance> instances_;
  std::map<std::string, std::pair<size_t, std::string>> keys_;  // access key -> (user index, secret)
};

}  // namespace kubeiam::sts
