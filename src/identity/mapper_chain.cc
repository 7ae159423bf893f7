#include "identity/mapper_chain.h"

#include <algorithm>

namespace kubeiam::identity {

Result<std::vector<std::string>> ValidateBackendModes(const std::vector<std::string>& modes) {
  if (modes.empty()) return Fail(ErrorCode::kInvalidArgument, "backendMode: at least one backend mode is required");
  std::vector<std::string> out;
  std::vector<std::string> seen;
  for (const auto& m : modes) {
    if (std::find(seen.begin(), seen.end(), m) != seen.end()) {
      return Fail(ErrorCode::kInvalidArgument, "backendMode: " + m + " is listed more than once");
    }
    seen.push_back(m);
    std::string canonical = m == "File" ? std::string(kMountedFile) : m == "ConfigMap" ? std::string(kEksConfigMap) : m;
    if (canonical != kMountedFile && canonical != kEksConfigMap && canonical != kDynamicFile && canonical != kCrd &&
        canonical != kAccessEntry) {
      return Fail(ErrorCode::kInvalidArgument, "backendMode: unknown mode \"" + m +
                                                   "\" (expected MountedFile, EKSConfigMap, DynamicFile, AccessEntry or CRD)");
    }
    if (std::find(out.begin(), out.end(), canonical) != out.end()) {
      return Fail(ErrorCode::kInvalidArgument, "backendMode: " + canonical + " is listed more than once");
    }
    out.push_back(canonical);
  }
  return out;
}

Result<UserInfo> MapIdentity(const std::vector<Backend>& chain, const Identity& id, const PrivateDnsLookup& lookup) {
  std::vector<std::string> errors;
  for (const auto& b : chain) {
    if (!b.table) continue;
    auto found = b.table->Find(id);
    if (found && *found) {
      const MappedEntry& e = **found;
      // A throttled lookup keeps its code: the caller answers "try again", not "denied".
      auto render_error = [&](const Error& e) {
        return Fail(e.code == ErrorCode::kThrottled ? e.code : ErrorCode::kPermissionDenied,
                    "mapper " + b.name + " renderTemplates error: " + e.message);
      };
      auto username = RenderTemplate(e.username, id, lookup);
      if (!username) return render_error(username.error());
      UserInfo info{*username, {}, b.name, false, e.identity_arn};
      for (const auto& g : e.groups) {
        auto group = RenderTemplate(g, id, lookup);
        if (!group) return render_error(group.error());
        info.groups.push_back(std::move(*group));
      }
      for (const auto& prefix : b.reserved_prefixes) {
        if (!prefix.empty() && info.username.starts_with(prefix)) {
          std::string list;
          for (const auto& p : b.reserved_prefixes) list += (list.empty() ? "" : " ") + p;
          return Fail(ErrorCode::kPermissionDenied, "invalid username '" + info.username + "' for mapper " + b.name +
                                                        ": username must not begin with with the following prefixes: [" +
                                                        list + "]");
        }
      }
      return info;
    }
    if (!found) errors.push_back("mapper " + b.name + " Map error: " + found.error().message);
    if (b.table->IsAccountAllowed(id.account_id)) return UserInfo{id.canonical_arn, {}, b.name, true, ""};
  }
  if (!errors.empty()) {
    std::string all = "[";
    for (size_t i = 0; i < errors.size(); ++i) all += (i ? ", " : "") + errors[i];
    return Fail(ErrorCode::kPermissionDenied, all + "]");
  }
  return Fail(ErrorCode::kPermissionDenied, "identity is not mapped");
}

}  // namespace kubeiam::identity
