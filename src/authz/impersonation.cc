#include "authz/impersonation.h"

#include <algorithm>

#include "authz/forbidden.h"
#include "util/strings.h"

namespace kubeiam::authz {

Result<Impersonated> Impersonate(const rbac::Authorizer& rbac, const rbac::UserInfo& requester,
                                 const std::vector<eks::AssociatedPolicy>* policies, const ImpersonationRequest& request) {
  if (request.user.empty() && (!request.groups.empty() || !request.uid.empty() || !request.extra.empty())) {
    return Fail(ErrorCode::kInvalidArgument,
                "requested impersonation of groups, uid or extra without impersonating a user (Impersonate-User)");
  }
  auto check = [&](rbac::Attributes a) -> Status {
    a.user = requester;
    a.verb = "impersonate";
    if (Authorize(rbac, a, policies).allowed) return {};
    return Fail(ErrorCode::kPermissionDenied, ForbiddenMessage(a));
  };
  rbac::Attributes a;
  constexpr std::string_view kSa = "system:serviceaccount:";
  auto sa = Split(std::string_view(request.user).substr(std::min(request.user.size(), kSa.size())), ':');
  if (request.user.starts_with(kSa) && sa.size() == 2 && !sa[0].empty() && !sa[1].empty()) {
    a.resource = "serviceaccounts";
    a.namespace_ = std::string(sa[0]);
    a.name = std::string(sa[1]);
  } else {
    a.resource = "users";
    a.name = request.user;
  }
  if (auto ok = check(a); !ok) return std::unexpected(ok.error());
  for (const auto& g : request.groups) {
    if (auto ok = check({{}, "", true, "", "", "groups", "", g, ""}); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [key, values] : request.extra) {
    for (const auto& v : values) {
      if (auto ok = check({{}, "", true, "", "authentication.k8s.io", "userextras", ToLower(key), v, ""}); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  if (!request.uid.empty()) {
    if (auto ok = check({{}, "", true, "", "authentication.k8s.io", "uids", "", request.uid, ""}); !ok) {
      return std::unexpected(ok.error());
    }
  }
  Impersonated out;
  // Service-account groups are implied only when no groups were asked for.
  out.user = {request.user, request.groups};
  if (request.groups.empty()) {
    out.user.groups = WithImpliedGroups(request.user, {});
  } else {
    std::string everyone = request.user == "system:anonymous" ? "system:unauthenticated" : "system:authenticated";
    if (std::find(out.user.groups.begin(), out.user.groups.end(), everyone) == out.user.groups.end()) {
      out.user.groups.push_back(everyone);
    }
  }
  out.uid = request.uid;
  out.extra = request.extra;
  return out;
}

}  // namespace kubeiam::authz
