// The STS host allow-list (spec/authenticator.md §2.3): which hosts a verifier may send a token's
// URL to. A token must never make the server call an address of the token's choosing.
//
// Pure. Results for accepted hosts may be cached by the caller; rejections must not be.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::token {

// "global" for sts.amazonaws.com, else the second label; errors "host is empty",
// "invalid host format: <host>".
Result<std::string> StsRegionOfHost(std::string_view host);

// Accepts `host` for a server in `partition` whose own region is `server_region` (may be empty).
// Errors carry the reference's texts (without the "input token was not properly formatted: "
// prefix, which the validator adds).
Status CheckStsHost(std::string_view host, std::string_view partition, std::string_view server_region);

}  // namespace kubeiam::token
