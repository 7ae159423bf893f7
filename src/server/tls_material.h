// TLS material in the state dir: ca.crt / ca.key (the CA clients trust, e.g. AWS_CA_BUNDLE),
// server.crt / server.key (for every listener, with the SANs it is reached by) and the API
// server's webhook kubeconfigs (kubeconfig.yaml for authentication, authorize-kubeconfig.yaml
// for authorization). Keys are written 0600; existing files are kept.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::server {

struct TlsPaths {
  std::string ca_cert, ca_key, server_cert, server_key, kubeconfig, authorize_kubeconfig;
};

TlsPaths TlsPathsIn(const std::string& state_dir);

// Creates whatever is missing. `hosts` are IP addresses or DNS names for the server
// certificate's SANs (127.0.0.1, ::1 and localhost are always included).
Result<TlsPaths> EnsureTlsMaterial(const std::string& state_dir, const std::vector<std::string>& hosts);

// https://<host>:<port>/authenticate, IPv6 hosts in brackets.
std::string AuthenticateUrl(const std::string& host, int port);

// https://<host>:<port>/authorize.
std::string AuthorizeUrl(const std::string& host, int port);

// The kubeconfig the API server's --authentication-token-webhook-config-file points at.
Status WriteWebhookKubeconfig(const TlsPaths& paths, const std::string& server_url);

// Both webhook kubeconfigs for a server reached at host:port: kubeconfig (authentication) and
// authorize_kubeconfig (--authorization-webhook-config-file).
Status WriteWebhookKubeconfigs(const TlsPaths& paths, const std::string& host, int port);

}  // namespace kubeiam::server
