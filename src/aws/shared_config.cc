#include "aws/shared_config.h"

#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

std::unexpected<Error> LineError(std::string_view file, size_t line, std::string_view what) {
  return Fail(ErrorCode::kInvalidArgument,
              std::string(file) + ": line " + std::to_string(line) + ": " + std::string(what));
}

Result<std::string> ReadOptional(const std::string& path) {
  auto text = ReadFile(path, 4u << 20);
  if (!text && text.error().code == ErrorCode::kNotFound) return std::string();
  return text;
}

}  // namespace

std::string ExpandHome(std::string_view path) {
  if (path == "~" || path.starts_with("~/")) return GetEnv("HOME") + std::string(path.substr(1));
  return std::string(path);
}

Result<std::map<std::string, Section>> ParseIni(std::string_view text, std::string_view file_name) {
  std::map<std::string, Section> out;
  Section* current = nullptr;
  std::string parent;  // key whose value is a nested block
  size_t line_no = 0;
  for (auto raw : Split(text, '\n')) {
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (line[0] == '[') {
      if (line.back() != ']') return LineError(file_name, line_no, "section header must end with ']'");
      std::string name(Trim(line.substr(1, line.size() - 2)));
      if (name.empty()) return LineError(file_name, line_no, "section name must not be empty");
      current = &out[name];
      parent.clear();
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return LineError(file_name, line_no, "expected key = value");
    if (!current) return LineError(file_name, line_no, "key outside of any [section]");
    std::string key = ToLower(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    if (key.empty()) return LineError(file_name, line_no, "key must not be empty");
    if (indented && !parent.empty()) {
      (*current)[parent + "." + key] = std::string(value);
      continue;
    }
    (*current)[key] = std::string(value);
    parent = value.empty() ? key : std::string();
  }
  return out;
}

Result<SharedConfig> SharedConfig::Load() {
  std::string config_path = GetEnv("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = "~/.aws/config";
  std::string creds_path = GetEnv("AWS_SHARED_CREDENTIALS_FILE");
  if (creds_path.empty()) creds_path = "~/.aws/credentials";
  auto config = ReadOptional(ExpandHome(config_path));
  if (!config) return std::unexpected(config.error());
  auto creds = ReadOptional(ExpandHome(creds_path));
  if (!creds) return std::unexpected(creds.error());
  return Parse(*config, *creds);
}

Result<SharedConfig> SharedConfig::Parse(std::string_view config_text, std::string_view credentials_text) {
  auto config = ParseIni(config_text, "config file");
  if (!config) return std::unexpected(config.error());
  auto creds = ParseIni(credentials_text, "credentials file");
  if (!creds) return std::unexpected(creds.error());
  SharedConfig out;
  for (auto& [name, section] : *config) {
    if (name == "default") {
      out.config_profiles_["default"].insert(section.begin(), section.end());
    } else if (name.starts_with("profile ")) {
      // [profile default] wins over [default], as in the AWS CLI.
      std::string p(Trim(std::string_view(name).substr(8)));
      for (auto& [k, v] : section) out.config_profiles_[p][k] = v;
    } else if (name.starts_with("sso-session ")) {
      out.sso_sessions_[std::string(Trim(std::string_view(name).substr(12)))] = section;
    } else if (name.starts_with("services ")) {
      out.services_[std::string(Trim(std::string_view(name).substr(9)))] = section;
    }
  }
  out.credential_profiles_ = std::move(*creds);
  return out;
}

bool SharedConfig::HasProfile(std::string_view name) const {
  std::string n(name);
  return config_profiles_.contains(n) || credential_profiles_.contains(n);
}

Section SharedConfig::Profile(std::string_view name) const {
  std::string n(name);
  Section out;
  if (auto it = config_profiles_.find(n); it != config_profiles_.end()) out = it->second;
  if (auto it = credential_profiles_.find(n); it != credential_profiles_.end()) {
    for (const auto& [k, v] : it->second) out[k] = v;
  }
  return out;
}

std::optional<std::string> SharedConfig::Get(std::string_view profile, std::string_view key) const {
  std::string n(profile), k(key);
  if (auto it = credential_profiles_.find(n); it != credential_profiles_.end()) {
    if (auto kv = it->second.find(k); kv != it->second.end()) return kv->second;
  }
  if (auto it = config_profiles_.find(n); it != config_profiles_.end()) {
    if (auto kv = it->second.find(k); kv != it->second.end()) return kv->second;
  }
  return std::nullopt;
}

const Section* SharedConfig::Services(std::string_view name) const {
  auto it = services_.find(std::string(name));
  return it == services_.end() ? nullptr : &it->second;
}

const Section* SharedConfig::SsoSession(std::string_view name) const {
  auto it = sso_sessions_.find(std::string(name));
  return it == sso_sessions_.end() ? nullptr : &it->second;
}

}  // namespace kubeiam::aws
