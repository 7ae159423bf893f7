// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials).
//
// INI as the AWS CLI reads it: [default], [profile NAME] (config file), [NAME] (credentials
// file), [sso-session NAME], [services NAME]; `key = value`; full-line '#' and ';' comments;
// indented `sub = value` lines under a `key =` line form nested keys, stored as "key.sub".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::aws {

using Section = std::map<std::string, std::string>;  // keys lower-cased

// Section name -> keys. Errors name the file and line ("line 3: expected key = value").
Result<std::map<std::string, Section>> ParseIni(std::string_view text, std::string_view file_name);

class SharedConfig {
 public:
  // Paths from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
  // ~/.aws/credentials. Missing files are empty; unreadable or malformed ones are errors.
  static Result<SharedConfig> Load();
  static Result<SharedConfig> Parse(std::string_view config_text, std::string_view credentials_text);

  bool HasProfile(std::string_view name) const;
  // A profile's keys: the config file's, overlaid by the credentials file's.
  Section Profile(std::string_view name) const;
  std::optional<std::string> Get(std::string_view profile, std::string_view key) const;
  const Section* Services(std::string_view name) const;
  const Section* SsoSession(std::string_view name) const;

 private:
  std::map<std::string, Section> config_profiles_;
  std::map<std::string, Section> credential_profiles_;
  std::map<std::string, Section> services_;
  std::map<std::string, Section> sso_sessions_;
};

// ~ expanded against $HOME.
std::string ExpandHome(std::string_view path);

}  // namespace kubeiam::aws
