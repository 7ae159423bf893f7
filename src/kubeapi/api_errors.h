// The API server's errors for the objects the front stores (spec/kube-api.md §2): NotFound,
// AlreadyExists, Conflict, Invalid with its field causes, and the rest, with the exact
// messages and details kubectl prints and acts on (404 lets apply create, 409 Conflict makes it
// retry, Invalid is rebuilt from details and causes).
#pragma once

#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

// A string as Go's %q prints it: double quotes, \" and \\ escaped, control bytes as \n, \t, \xNN.
std::string GoQuote(std::string_view s);

// One validation failure at a field path (metadata.name, rules[0].verbs, data[a/b], []).
struct FieldError {
  enum class Type { kRequired, kInvalid, kNotSupported, kForbidden, kTooLong, kDuplicate };
  Type type = Type::kInvalid;
  std::string field;
  std::string value;   // as Go prints it (GoQuote for strings, []string{...} for lists)
  std::string detail;  // for kNotSupported: the supported values, already quoted and joined

  std::string Reason() const;  // FieldValueRequired, FieldValueInvalid, ...
  std::string Body() const;    // "Required value", "Invalid value: \"x\": detail", ...
  std::string Text() const { return field + ": " + Body(); }
};

FieldError RequiredField(std::string field, std::string detail = "");
FieldError InvalidField(std::string field, std::string value, std::string detail);
FieldError NotSupportedField(std::string field, std::string value, const std::vector<std::string>& supported);
FieldError ForbiddenField(std::string field, std::string detail);
FieldError TooLongField(std::string field, std::string detail);

using FieldErrors = std::vector<FieldError>;

http::HttpResponse NotFound(const StoredKind& kind, const std::string& name);
http::HttpResponse AlreadyExists(const StoredKind& kind, const std::string& name);
// `cause` e.g. "the object has been modified; please apply your changes to the latest version
// and try again" (kStaleObject).
http::HttpResponse Conflict(const StoredKind& kind, const std::string& name, const std::string& cause);
inline constexpr char kStaleObject[] =
    "the object has been modified; please apply your changes to the latest version and try again";
// 422: `<QualifiedKind> "<name>" is invalid: <causes>`.
http::HttpResponse Invalid(const StoredKind& kind, const std::string& name, const FieldErrors& errors);
http::HttpResponse BadRequest(const std::string& message);
// 403: `<QualifiedResource> "<name>" is forbidden: <cause>` (without the name when it is empty).
// `causes`: details.causes when there are any (NamespaceTerminating).
http::HttpResponse Forbidden(const StoredKind& kind, const std::string& name, const std::string& cause,
                             boost::json::array causes = {});
// 405: `<action> is not supported on resources of kind "<resource>"`.
http::HttpResponse MethodNotSupported(const StoredKind& kind, const std::string& action);
// 410 Expired with a free text.
http::HttpResponse Expired(const std::string& message);
// 500 InternalError: `Internal error occurred: <why>`.
http::HttpResponse InternalError(const std::string& why);
// 503 ServiceUnavailable: the store cannot be read or written.
http::HttpResponse StoreUnavailable(const std::string& why);

}  // namespace kubeiam::kubeapi
