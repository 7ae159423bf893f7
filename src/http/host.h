// What a URL's host is: the checks every client and listener share, so that "is this loopback"
// and "is this an address" have one answer across kubeiam.
#pragma once

#include <string_view>

namespace kubeiam::http {

// An IPv4 or IPv6 address (without brackets), as opposed to a DNS name. TLS sends no SNI for
// these and checks them against the certificate's IP SANs.
bool IsIpLiteral(std::string_view host);

// "localhost" or a loopback address (127.0.0.0/8, ::1): where plain HTTP is allowed.
bool IsLoopbackHost(std::string_view host);

}  // namespace kubeiam::http
