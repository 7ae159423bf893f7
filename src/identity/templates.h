// Username and group templates (spec/authenticator.md §3.6): {{EC2PrivateDNSName}},
// {{AccountID}}, {{SessionName}} ('@' becomes '-'), {{SessionNameRaw}}, {{AccessKeyID}}.
// Unknown placeholders stay as written.
#pragma once

#include <functional>
#include <string>

#include "identity/identity.h"

namespace kubeiam::identity {

// Instance ID -> private DNS name. Supplied by the EC2 adapter; the core never calls EC2 itself.
using PrivateDnsLookup = std::function<Result<std::string>(const std::string& instance_id)>;

Result<std::string> RenderTemplate(std::string_view tmpl, const Identity& id, const PrivateDnsLookup& lookup);

}  // namespace kubeiam::identity
