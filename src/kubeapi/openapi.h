// The OpenAPI documents kubectl downloads before `create`, `apply`, `replace` and `edit` (its
// default --validate=strict): /openapi/v3 lists a document per group version, and each one
// declares, on every PATCH operation of a stored kind, its group-version-kind and the
// fieldValidation query parameter, so kubectl leaves field validation to this server (which
// answers Strict as the API server does, object_body.h). The documents also carry each kind's
// schema, for `kubectl explain`. /openapi/v2 answers an empty (valid) protobuf document: kubectl
// then finds no client-side schema and validates nothing itself.
#pragma once

#include <optional>
#include <string>

#include "http/http_server.h"

namespace kubeiam::kubeapi {

// The answer for /openapi/v2, /openapi/v3 and /openapi/v3/<group version>; nullopt for other paths.
std::optional<http::HttpResponse> ServeOpenApi(const std::string& path);

}  // namespace kubeiam::kubeapi
