#include "kubeapi/object_body.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "kubeapi/api_errors.h"
#include "kubeapi/manifests.h"
#include "kubeapi/object_schema.h"
#include "util/strings.h"
#include "util/json_text.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

std::string CannotHandle(const StoredKind& kind, const std::string& why) {
  return kind.kind + " in version " + GoQuote(kind.version) + " cannot be handled as a " + kind.kind + ": " + why;
}

std::string UnknownFields(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + std::string("unknown field ") + GoQuote(f);
  return out;
}

std::optional<std::string> WrongKind(const json::object& o, const StoredKind& kind) {
  const json::value* api = o.if_contains("apiVersion");
  const json::value* k = o.if_contains("kind");
  if (api && api->is_string() && api->as_string() != kind.ApiVersion()) {
    return "the API version in the data (" + std::string(api->as_string()) + ") does not match the expected API version (" +
           kind.ApiVersion() + ")";
  }
  if (k && k->is_string() && k->as_string() != kind.kind && !k->as_string().empty()) {
    return std::string(k->as_string()) + " in version " + GoQuote(kind.version) + " cannot be handled as a " + kind.kind;
  }
  return std::nullopt;
}

}  // namespace

Result<json::value> ParseDocument(std::string_view text, bool yaml) {
  if (yaml) {
    try {
      return YamlToJson(YAML::Load(std::string(text)));
    } catch (const YAML::Exception& e) {
      // As go-yaml words it, which the API server's YAML decoding uses.
      return Fail(ErrorCode::kFormat, "yaml: " + (e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) + ": " : "") + e.msg);
    }
  }
  return ParseJsonText(text);
}

Step<FieldValidation> FieldValidationOf(const RequestInfo& info) {
  const std::string* v = info.First("fieldValidation");
  if (!v || v->empty() || *v == "Warn") return FieldValidation::kWarn;
  if (*v == "Strict") return FieldValidation::kStrict;
  if (*v == "Ignore") return FieldValidation::kIgnore;
  return std::unexpected(BadRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\""));
}

Step<DecodedBody> DecodeObjectBody(const http::HttpRequest& request, const RequestInfo& info, const StoredKind& kind) {
  auto validation = FieldValidationOf(info);
  if (!validation) return std::unexpected(validation.error());
  std::string type = ToLower(request.Header("Content-Type") ? *request.Header("Content-Type") : "application/json");
  bool yaml = type.starts_with("application/yaml");
  if (!yaml && !type.starts_with("application/json")) {
    return std::unexpected(StatusResponse(415, "UnsupportedMediaType",
                                          "the body of the request was in an unknown format - accepted media types include: "
                                          "application/json, application/yaml"));
  }
  auto doc = ParseDocument(request.body, yaml);
  if (!doc) return std::unexpected(BadRequest(CannotHandle(kind, doc.error().message)));
  if (!doc->is_object()) return std::unexpected(BadRequest(CannotHandle(kind, "the body is not a JSON object")));
  if (auto wrong = WrongKind(doc->as_object(), kind)) return std::unexpected(BadRequest(*wrong));
  DecodedBody out{std::move(doc->as_object()), {}};
  DecodeReport report = DecodeAgainstSchema(kind, out.object);
  if (report.type_error) return std::unexpected(BadRequest(CannotHandle(kind, *report.type_error)));
  if (!report.unknown_fields.empty() && *validation == FieldValidation::kStrict) {
    return std::unexpected(BadRequest(CannotHandle(kind, "strict decoding error: " + UnknownFields(report.unknown_fields))));
  }
  if (*validation == FieldValidation::kWarn) {
    for (const auto& f : report.unknown_fields) out.warnings.push_back("unknown field " + GoQuote(f));
  }
  return out;
}

Step<DecodedBody> DecodePatched(json::object patched, FieldValidation validation, const StoredKind& kind) {
  std::string shown = json::serialize(patched);
  DecodedBody out{std::move(patched), {}};
  DecodeReport report = DecodeAgainstSchema(kind, out.object);
  auto refuse = [&](const std::string& why) {
    FieldError e = InvalidField("patch", GoQuote(shown), why);
    return std::unexpected(StatusResponse(422, "Invalid", " \"\" is invalid: " + e.Text(),
                                          json::object{{"causes", json::array{json::object{{"reason", e.Reason()},
                                                                                             {"message", e.Body()},
                                                                                             {"field", e.field}}}}}));
  };
  if (report.type_error) return refuse(*report.type_error);
  if (!report.unknown_fields.empty() && validation == FieldValidation::kStrict) {
    return refuse("strict decoding error: " + UnknownFields(report.unknown_fields));
  }
  if (validation == FieldValidation::kWarn) {
    for (const auto& f : report.unknown_fields) out.warnings.push_back("unknown field " + GoQuote(f));
  }
  return out;
}

}  // namespace kubeiam::kubeapi
