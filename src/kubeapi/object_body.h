// A request body as the API server decodes it into one of the stored kinds: JSON (YAML too), its
// apiVersion and kind checked, unknown fields refused, warned about or dropped per
// ?fieldValidation (Strict, Warn — the default — or Ignore), a value of the wrong type refused
// with the decoder's words.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "kubeapi/request_info.h"
#include "kubeapi/responses.h"
#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

struct DecodedBody {
  boost::json::object object;
  std::vector<std::string> warnings;  // unknown fields under Warn: `unknown field "spec"`
};

enum class FieldValidation { kIgnore, kWarn, kStrict };

// 400 for a value other than Ignore, Warn or Strict.
Step<FieldValidation> FieldValidationOf(const RequestInfo& info);

// A create's or update's body (400 for what cannot be decoded, 415 for another media type).
Step<DecodedBody> DecodeObjectBody(const http::HttpRequest& request, const RequestInfo& info, const StoredKind& kind);

// A patched object checked as the API server checks a patch's result (unknown fields under
// Strict, or a wrong type: 422 with the patched object in the message).
Step<DecodedBody> DecodePatched(boost::json::object patched, FieldValidation validation, const StoredKind& kind);

// Parses JSON or YAML text into a JSON value (depth-limited); the parser's error otherwise.
Result<boost::json::value> ParseDocument(std::string_view text, bool yaml);

}  // namespace kubeiam::kubeapi
