#include "kubeapi/forward_headers.h"

#include <set>

#include "util/encoding.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool ContainsControl(std::string_view v) {
  for (unsigned char c : v) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

// Comma-separated tokens of a header value, trimmed and lower-cased.
std::vector<std::string> Tokens(std::string_view v) {
  std::vector<std::string> out;
  for (const auto& t : Split(v, ',')) {
    std::string s = ToLower(Trim(t));
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

}  // namespace

bool IsUpgrade(const Headers& headers) {
  bool connection_upgrade = false, has_upgrade = false;
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, "Connection")) {
      for (const auto& t : Tokens(v)) connection_upgrade |= t == "upgrade";
    } else if (EqualsIgnoreCase(k, "Upgrade") && !Trim(v).empty()) {
      has_upgrade = true;
    }
  }
  return connection_upgrade && has_upgrade;
}

std::string EscapeExtraKey(std::string_view key) {
  return PercentEncode(key, [](unsigned char c) { return IsTokenChar(c) && c != '%'; });
}

Result<Headers> ForwardHeaders(const Headers& client, const ForwardIdentity& who) {
  bool upgrade = IsUpgrade(client);
  if (who.user.empty()) return Fail(ErrorCode::kInvalidArgument, "Impersonate-User would be empty");
  // Expect: kubeiam holds the whole body already, and a 100 Continue is not an answer.
  std::set<std::string> dropped = {"authorization", "proxy-authorization", "proxy-connection", "keep-alive", "te",
                                   "trailer", "transfer-encoding", "host", "content-length", "expect"};
  if (!upgrade) dropped.insert({"connection", "upgrade"});
  for (const auto& [k, v] : client) {
    if (EqualsIgnoreCase(k, "Connection")) {
      for (const auto& t : Tokens(v)) {
        if (t != "upgrade" || !upgrade) dropped.insert(t);
      }
    }
  }
  Headers out;
  for (const auto& [k, v] : client) {
    std::string name = ToLower(k);
    if (dropped.contains(name) || name.starts_with("impersonate-") || name.starts_with("x-remote-")) continue;
    if (upgrade && name == "connection") {
      out.emplace_back(k, "Upgrade");  // only the upgrade travels on; other tokens were hop-by-hop
      continue;
    }
    if (name == "sec-websocket-protocol") {
      // A browser's bearer token rides as a subprotocol: the caller's credentials stay here.
      std::string kept;
      for (const auto& p : Split(v, ',')) {
        std::string_view t = Trim(p);
        if (t.empty() || t.starts_with("base64url.bearer.authorization.k8s.io.")) continue;
        kept += (kept.empty() ? "" : ", ") + std::string(t);
      }
      if (!kept.empty()) out.emplace_back(k, kept);
      continue;
    }
    out.emplace_back(k, v);
  }
  auto add = [&](const std::string& name, const std::string& value) -> Status {
    if (ContainsControl(value)) return Fail(ErrorCode::kInvalidArgument, name + " would contain a control character");
    out.emplace_back(name, value);
    return {};
  };
  if (auto s = add("Impersonate-User", who.user); !s) return std::unexpected(s.error());
  for (const auto& g : who.groups) {
    if (g == "system:authenticated") continue;
    if (auto s = add("Impersonate-Group", g); !s) return std::unexpected(s.error());
  }
  if (!who.uid.empty()) {
    if (auto s = add("Impersonate-Uid", who.uid); !s) return std::unexpected(s.error());
  }
  for (const auto& [key, values] : who.extra) {
    std::string name = "Impersonate-Extra-" + EscapeExtraKey(key);
    for (const auto& v : values) {
      if (auto s = add(name, v); !s) return std::unexpected(s.error());
    }
  }
  return out;
}

}  // namespace kubeiam::kubeapi
