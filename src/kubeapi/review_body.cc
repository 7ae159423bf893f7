#include "kubeapi/review_body.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

std::string CannotHandle(std::string_view kind, const ReviewType& type, std::string_view why) {
  return std::string(kind) + " in version \"" + std::string(type.version) + "\" cannot be handled as a " +
         std::string(type.kind) + ": " + std::string(why);
}

// Go's encoding/json words a type error by the JSON value's kind.
std::string_view JsonKind(const json::value& v) {
  if (v.is_number()) return "number";
  if (v.is_bool()) return "bool";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "string";
}

std::unexpected<Error> TypeError(const ReviewType& type, const json::value& got, std::string_view go_field,
                                 std::string_view go_type) {
  return Fail(ErrorCode::kInvalidArgument,
              CannotHandle(type.kind, type, "json: cannot unmarshal " + std::string(JsonKind(got)) +
                                                " into Go struct field " + std::string(go_field) + " of type " +
                                                std::string(go_type)));
}

}  // namespace

Status CheckReviewKind(const json::object& body, const ReviewType& type) {
  std::string expected = std::string(type.group) + "/" + std::string(type.version);
  std::string api_version = expected, kind(type.kind);
  if (const json::value* a = body.if_contains("apiVersion"); a && !a->is_null()) {
    if (!a->is_string()) return TypeError(type, *a, std::string(type.kind) + ".apiVersion", "string");
    if (!a->as_string().empty()) api_version = a->as_string();
  }
  if (const json::value* k = body.if_contains("kind"); k && !k->is_null()) {
    if (!k->is_string()) return TypeError(type, *k, std::string(type.kind) + ".kind", "string");
    if (!k->as_string().empty()) kind = k->as_string();
  }
  std::string group = api_version.find('/') == std::string::npos ? "" : api_version.substr(0, api_version.find('/'));
  if (group != type.group) {
    return Fail(ErrorCode::kInvalidArgument, "the API version in the data (" + api_version +
                                                 ") does not match the expected API version (" + expected + ")");
  }
  if (kind != type.kind) {
    std::string version = api_version.substr(api_version.find('/') + 1);
    return Fail(ErrorCode::kInvalidArgument,
                std::string(kind) + " in version \"" + version + "\" cannot be handled as a " + std::string(type.kind) +
                    ": no kind \"" + kind + "\" is registered for version \"" + api_version +
                    "\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
  }
  return {};
}

Result<std::string> TokenReviewToken(const json::object& body, const ReviewType& type) {
  if (auto ok = CheckReviewKind(body, type); !ok) return std::unexpected(ok.error());
  std::string token;
  if (const json::value* spec = body.if_contains("spec"); spec && !spec->is_null()) {
    if (!spec->is_object()) return TypeError(type, *spec, "TokenReview.spec", "v1.TokenReviewSpec");
    if (const json::value* t = spec->as_object().if_contains("token"); t && !t->is_null()) {
      if (!t->is_string()) return TypeError(type, *t, "TokenReviewSpec.spec.token", "string");
      token = t->as_string();
    }
  }
  if (token.empty()) return Fail(ErrorCode::kInvalidArgument, "token is required for TokenReview in authentication");
  return token;
}

Status CheckSelfReviewSpec(const json::object& body, const ReviewType& type) {
  const json::value* spec = body.if_contains("spec");
  if (!spec || spec->is_null()) return {};
  if (!spec->is_object()) return TypeError(type, *spec, std::string(type.kind) + ".spec", "v1.SelfSubjectAccessReviewSpec");
  for (std::string_view field : {"user", "groups", "uid", "extra"}) {
    if (spec->as_object().contains(field)) {
      return Fail(ErrorCode::kInvalidArgument,
                  CannotHandle(type.kind, type, "strict decoding error: unknown field \"spec." + std::string(field) + "\""));
    }
  }
  return {};
}

}  // namespace kubeiam::kubeapi
