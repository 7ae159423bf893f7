#include "identity/identity_mapping.h"

#include <algorithm>
#include <set>

#include "aws/arn.h"

namespace kubeiam::identity {
namespace {

std::string GroupList(const std::vector<std::string>& g) {
  std::string out = "[";
  for (size_t i = 0; i < g.size(); ++i) out += (i ? " " : "") + g[i];
  return out + "]";
}

}  // namespace

Status ValidateIdentityMapping(const IdentityMapping& m) {
  if (!m.account.empty()) {
    if (!m.arn.empty() || !m.username.empty() || !m.groups.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "account cannot be configured with any other options");
    }
    return {};
  }
  if (m.arn.empty()) return Fail(ErrorCode::kInvalidArgument, "expected a valid arn but got empty string");
  if (m.username.empty() && m.groups.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "neither username nor group are set for iam identity");
  }
  auto arn = aws::ParseArn(m.arn);
  if (!arn) return std::unexpected(arn.error());
  std::string type = arn->resource.substr(0, arn->resource.find('/'));
  if (type != "user" && type != "role") return Fail(ErrorCode::kInvalidArgument, "arn is neither user nor role");
  return {};
}

Result<bool> CreateIdentityMapping(AwsAuthManifest& manifest, const IdentityMapping& m, EditLog& log) {
  if (auto ok = ValidateIdentityMapping(m); !ok) return std::unexpected(ok.error());
  if (!m.account.empty()) {
    manifest.accounts.push_back(m.account);
    std::sort(manifest.accounts.begin(), manifest.accounts.end());
    manifest.accounts.erase(std::unique(manifest.accounts.begin(), manifest.accounts.end()), manifest.accounts.end());
    log.info.push_back("adding account \"" + m.account + "\" to auth ConfigMap");
    return true;
  }
  bool role = aws::ParseArn(m.arn)->resource.starts_with("role/");
  AwsAuthRow row{role, m.arn, m.username, m.groups};
  auto same_groups = [](std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  };
  std::vector<const AwsAuthRow*> existing;
  for (const auto& r : manifest.roles) existing.push_back(&r);
  for (const auto& r : manifest.users) existing.push_back(&r);
  for (const AwsAuthRow* r : existing) {
    bool same_arn = r->arn == m.arn;
    bool identical = same_arn && r->role == role && r->username == m.username && same_groups(r->groups, m.groups);
    if (m.no_duplicate_arns && identical) {
      log.warnings.push_back("found existing mapping that matches the one being created, skipping.");
      return false;
    }
    if (same_arn && m.no_duplicate_arns) {
      return Fail(ErrorCode::kInvalidArgument,
                  "found existing mapping with the same arn \"" + m.arn + "\" and shadowing is disabled");
    }
    if (same_arn) {
      log.warnings.push_back("found existing mappings with same arn \"" + m.arn + "\" (which will be shadowed by your new mapping)");
      break;
    }
  }
  (role ? manifest.roles : manifest.users).push_back(std::move(row));
  log.info.push_back("adding identity \"" + m.arn + "\" to auth ConfigMap");
  return true;
}

Status DeleteIdentityMapping(AwsAuthManifest& manifest, const std::string& arn, const std::string& account, bool all,
                             EditLog& log) {
  if (arn.empty() == account.empty()) return Fail(ErrorCode::kInvalidArgument, "either --arn or --account must be set");
  if (!account.empty()) {
    auto it = std::find(manifest.accounts.begin(), manifest.accounts.end(), account);
    if (it == manifest.accounts.end()) {
      return Fail(ErrorCode::kNotFound, "account \"" + account + "\" not found in auth ConfigMap");
    }
    manifest.accounts.erase(it);
    log.info.push_back("removing account \"" + account + "\" from auth ConfigMap");
    return {};
  }
  size_t removed = 0;
  for (auto* list : {&manifest.roles, &manifest.users}) {
    for (auto it = list->begin(); it != list->end();) {
      if (it->arn == arn && (all || removed == 0)) {
        log.info.push_back("removing identity \"" + arn + "\" from auth ConfigMap (username = \"" + it->username +
                           "\", groups = \"" + GroupList(it->groups) + "\")");
        it = list->erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  if (removed == 0 && !all) {
    return Fail(ErrorCode::kNotFound, "instance identity ARN \"" + arn + "\" not found in auth ConfigMap");
  }
  size_t left = 0;
  for (const auto* list : {&manifest.roles, &manifest.users}) {
    left += std::count_if(list->begin(), list->end(), [&](const AwsAuthRow& r) { return r.arn == arn; });
  }
  if (left > 0) {
    log.warnings.push_back("there are " + std::to_string(left) + " mappings left with same arn \"" + arn +
                           "\" (use --all to delete them at once)");
  }
  return {};
}

}  // namespace kubeiam::identity
