// TLS for every connection kubeiam opens (STS, EKS, the upstream API server, etcd): one place
// decides the protocol versions (TLS 1.2 and up), that the peer is verified, and which name its
// certificate must carry. Only a user's explicit --insecure-skip-tls-verify (as kubectl's) turns
// verification off, for one API server.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "util/error.h"

namespace boost::asio::ssl {
class context;
}

namespace kubeiam::http {

enum class PeerVerification { kRequired, kSkipped };

struct TlsClientFiles {
  std::string ca_file;    // PEM bundle the peer must chain to; empty: the system's store
  std::string cert_file;  // kubeiam's client certificate chain and its key: both or neither
  std::string key_file;
  // The same as PEM text (a kubeconfig's *-data fields); used when the file is empty.
  std::string ca_pem, cert_pem, key_pem;
  PeerVerification peer = PeerVerification::kRequired;
};

// How errors name each file, e.g. {"kubeAPI.upstream.caFile", ...} for a config's fields.
struct TlsFileLabels {
  std::string ca = "CA bundle";
  std::string cert = "client certificate";
  std::string key = "client key";
};

// Errors (kInvalidArgument): "<label>: cannot load <file>: <why>".
Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsClientContext(const TlsClientFiles& files,
                                                                        const TlsFileLabels& labels = {});

// Before the handshake: the peer's certificate must name `host` (a DNS name or an IP SAN), and
// names (never addresses) go out as SNI.
void ExpectPeerName(SSL* ssl, const std::string& host);

}  // namespace kubeiam::http
