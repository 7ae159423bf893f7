// The headers a request carries to an upstream API server when kubeiam's API front proxies it.
//
// The client's headers go on, except its credentials (Authorization, Proxy-Authorization, a
// bearer token in Sec-WebSocket-Protocol), any identity headers it sent (Impersonate-*, and the
// X-Remote-* of front-proxy authentication), hop-by-hop headers (Connection and those it names,
// Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade unless the request upgrades), Expect, and
// Host and Content-Length (the relay sets them). The identity kubeiam authenticated (after impersonation) is added as
// Impersonate-User, one Impersonate-Group per group, Impersonate-Uid and
// Impersonate-Extra-<key>, keys escaped as client-go escapes them. Pure.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace kubeiam::kubeapi {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ForwardIdentity {
  std::string user;
  std::vector<std::string> groups;  // system:authenticated is left out: the API server adds it
  std::string uid;
  std::map<std::string, std::vector<std::string>> extra;
};

// True when the request asks to switch protocols (kubectl exec, attach, port-forward).
bool IsUpgrade(const Headers& headers);

// Errors: an empty user; an identity value that cannot travel in a header (a control
// character), naming it.
Result<Headers> ForwardHeaders(const Headers& client, const ForwardIdentity& who);

// An extra key as a header-name suffix: bytes outside the header-token set, and '%', become
// %XX (the API server lower-cases the key and unescapes it).
std::string EscapeExtraKey(std::string_view key);

}  // namespace kubeiam::kubeapi
