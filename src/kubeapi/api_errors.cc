#include "kubeapi/api_errors.h"

#include <boost/json/object.hpp>
#include <cstdio>

#include "kubeapi/responses.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::object Details(const StoredKind& kind, const std::string& name, const std::string& details_kind) {
  json::object d;
  if (!name.empty()) d["name"] = name;
  if (!kind.group.empty()) d["group"] = kind.group;
  d["kind"] = details_kind;
  return d;
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out + "\"";
}

std::string FieldError::Reason() const {
  switch (type) {
    case Type::kRequired: return "FieldValueRequired";
    case Type::kInvalid: return "FieldValueInvalid";
    case Type::kNotSupported: return "FieldValueNotSupported";
    case Type::kForbidden: return "FieldValueForbidden";
    case Type::kTooLong: return "FieldValueTooLong";
    case Type::kDuplicate: return "FieldValueDuplicate";
  }
  return "FieldValueInvalid";
}

std::string FieldError::Body() const {
  auto with = [&](std::string head) { return detail.empty() ? head : head + ": " + detail; };
  switch (type) {
    case Type::kRequired: return with("Required value");
    case Type::kInvalid: return with("Invalid value: " + value);
    case Type::kNotSupported: return "Unsupported value: " + value + ": supported values: " + detail;
    case Type::kForbidden: return with("Forbidden");
    case Type::kTooLong: return with("Too long");
    case Type::kDuplicate: return "Duplicate value: " + value;
  }
  return value;
}

FieldError RequiredField(std::string field, std::string detail) {
  return {FieldError::Type::kRequired, std::move(field), "", std::move(detail)};
}
FieldError InvalidField(std::string field, std::string value, std::string detail) {
  return {FieldError::Type::kInvalid, std::move(field), std::move(value), std::move(detail)};
}
FieldError NotSupportedField(std::string field, std::string value, const std::vector<std::string>& supported) {
  std::string list;
  for (const auto& s : supported) list += (list.empty() ? "" : ", ") + GoQuote(s);
  return {FieldError::Type::kNotSupported, std::move(field), std::move(value), list};
}
FieldError ForbiddenField(std::string field, std::string detail) {
  return {FieldError::Type::kForbidden, std::move(field), "", std::move(detail)};
}
FieldError TooLongField(std::string field, std::string detail) {
  return {FieldError::Type::kTooLong, std::move(field), "", std::move(detail)};
}

http::HttpResponse NotFound(const StoredKind& kind, const std::string& name) {
  return StatusResponse(404, "NotFound", kind.QualifiedResource() + " " + GoQuote(name) + " not found",
                        Details(kind, name, kind.resource));
}

http::HttpResponse AlreadyExists(const StoredKind& kind, const std::string& name) {
  return StatusResponse(409, "AlreadyExists", kind.QualifiedResource() + " " + GoQuote(name) + " already exists",
                        Details(kind, name, kind.resource));
}

http::HttpResponse Conflict(const StoredKind& kind, const std::string& name, const std::string& cause) {
  return StatusResponse(409, "Conflict",
                        "Operation cannot be fulfilled on " + kind.QualifiedResource() + " " + GoQuote(name) + ": " + cause,
                        Details(kind, name, kind.resource));
}

http::HttpResponse Invalid(const StoredKind& kind, const std::string& name, const FieldErrors& errors) {
  std::vector<std::string> texts;
  json::array causes;
  for (const auto& e : errors) {
    std::string t = e.Text();
    if (std::find(texts.begin(), texts.end(), t) != texts.end()) continue;  // duplicates dropped
    texts.push_back(t);
    causes.push_back(json::object{{"reason", e.Reason()}, {"message", e.Body()}, {"field", e.field}});
  }
  std::string agg;
  for (const auto& t : texts) agg += (agg.empty() ? "" : ", ") + t;
  if (texts.size() > 1) agg = "[" + agg + "]";
  json::object details = Details(kind, name, kind.kind);
  details["causes"] = std::move(causes);
  return StatusResponse(422, "Invalid", kind.QualifiedKind() + " " + GoQuote(name) + " is invalid: " + agg, std::move(details));
}

http::HttpResponse BadRequest(const std::string& message) { return StatusResponse(400, "BadRequest", message); }

http::HttpResponse Forbidden(const StoredKind& kind, const std::string& name, const std::string& cause, json::array causes) {
  std::string subject = kind.QualifiedResource() + (name.empty() ? "" : " " + GoQuote(name));
  json::object details = Details(kind, name, kind.resource);
  if (!causes.empty()) details["causes"] = std::move(causes);
  return StatusResponse(403, "Forbidden", subject + " is forbidden: " + cause, std::move(details));
}

http::HttpResponse MethodNotSupported(const StoredKind& kind, const std::string& action) {
  return StatusResponse(405, "MethodNotAllowed", action + " is not supported on resources of kind " + GoQuote(kind.resource),
                        Details(kind, "", kind.resource));
}

http::HttpResponse Expired(const std::string& message) { return StatusResponse(410, "Expired", message); }

http::HttpResponse InternalError(const std::string& why) {
  return StatusResponse(500, "InternalError", "Internal error occurred: " + why,
                        json::object{{"causes", json::array{json::object{{"message", why}}}}});
}

http::HttpResponse StoreUnavailable(const std::string& why) {
  return StatusResponse(503, "ServiceUnavailable", "the object store is unavailable: " + why);
}

}  // namespace kubeiam::kubeapi
