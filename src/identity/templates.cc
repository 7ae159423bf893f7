#include "identity/templates.h"

#include <algorithm>

namespace kubeiam::identity {
namespace {

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// ^i-(\w{8}|\w{17})$
bool IsInstanceId(std::string_view s) {
  if (!s.starts_with("i-")) return false;
  std::string_view rest = s.substr(2);
  if (rest.size() != 8 && rest.size() != 17) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view tmpl, const Identity& id, const PrivateDnsLookup& lookup) {
  std::string out(tmpl);
  constexpr std::string_view kDns = "{{EC2PrivateDNSName}}";
  if (out.find(kDns) != std::string::npos) {
    if (!IsInstanceId(id.session_name)) {
      return Fail(ErrorCode::kInvalidArgument, "SessionName did not contain an instance id");
    }
    if (!lookup) return Fail(ErrorCode::kUnavailable, "no EC2 lookup is configured for {{EC2PrivateDNSName}}");
    auto dns = lookup(id.session_name);
    if (!dns) return std::unexpected(dns.error());
    ReplaceAll(out, kDns, *dns);
  }
  ReplaceAll(out, "{{AccountID}}", id.account_id);
  std::string session = id.session_name;
  std::replace(session.begin(), session.end(), '@', '-');
  ReplaceAll(out, "{{SessionName}}", session);
  ReplaceAll(out, "{{SessionNameRaw}}", id.session_name);
  ReplaceAll(out, "{{AccessKeyID}}", id.access_key_id);
  return out;
}

}  // namespace kubeiam::identity
