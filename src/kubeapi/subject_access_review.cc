#include "kubeapi/subject_access_review.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

Result<std::string> OptionalString(const json::object& o, std::string_view key, const std::string& path) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Fail(ErrorCode::kInvalidArgument, path + "." + std::string(key) + ": must be a string");
  return std::string(v->as_string());
}

Result<std::vector<std::string>> StringList(const json::value* v, const std::string& path) {
  std::vector<std::string> out;
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return Fail(ErrorCode::kInvalidArgument, path + ": must be a list of strings");
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) return Fail(ErrorCode::kInvalidArgument, path + ": must be a list of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

Result<SubjectAccessReview> ParseSubjectAccessReview(std::string_view body) {
  if (body.empty()) return Fail(ErrorCode::kInvalidArgument, "expected a request body");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec || !v.is_object()) return Fail(ErrorCode::kInvalidArgument, "expected a request body to be a SubjectAccessReview");
  const auto& o = v.as_object();
  SubjectAccessReview out;
  auto api = OptionalString(o, "apiVersion", "");
  auto kind = OptionalString(o, "kind", "");
  if (!api || !kind) return Fail(ErrorCode::kInvalidArgument, "apiVersion and kind must be strings");
  if (!api->empty() && *api != "authorization.k8s.io/v1" && *api != "authorization.k8s.io/v1beta1") {
    return Fail(ErrorCode::kInvalidArgument,
                "apiVersion: expected authorization.k8s.io/v1 or authorization.k8s.io/v1beta1, got " + *api);
  }
  if (!kind->empty() && *kind != "SubjectAccessReview") {
    return Fail(ErrorCode::kInvalidArgument, "kind: expected SubjectAccessReview, got " + *kind);
  }
  out.api_version = *api;
  const json::value* spec_v = o.if_contains("spec");
  if (!spec_v || !spec_v->is_object()) return Fail(ErrorCode::kInvalidArgument, "spec: required, an object");
  const auto& spec = spec_v->as_object();
  auto user = OptionalString(spec, "user", "spec");
  if (!user) return std::unexpected(user.error());
  auto uid = OptionalString(spec, "uid", "spec");
  if (!uid) return std::unexpected(uid.error());
  bool v1beta1 = out.api_version == "authorization.k8s.io/v1beta1";
  const char* groups_key = v1beta1 ? "group" : "groups";
  auto groups = StringList(spec.if_contains(groups_key), std::string("spec.") + groups_key);
  if (!groups) return std::unexpected(groups.error());
  out.attributes.user = {*user, *groups};
  out.uid = *uid;
  if (const json::value* extra = spec.if_contains("extra"); extra && !extra->is_null()) {
    if (!extra->is_object()) return Fail(ErrorCode::kInvalidArgument, "spec.extra: must be a map of string lists");
    for (const auto& kv : extra->as_object()) {
      auto values = StringList(&kv.value(), "spec.extra." + std::string(kv.key()));
      if (!values) return std::unexpected(values.error());
      out.extra[std::string(kv.key())] = std::move(*values);
    }
  }
  const json::value* res = spec.if_contains("resourceAttributes");
  const json::value* nonres = spec.if_contains("nonResourceAttributes");
  bool has_res = res && !res->is_null(), has_nonres = nonres && !nonres->is_null();
  if (has_res == has_nonres) {
    return Fail(ErrorCode::kInvalidArgument, "spec: exactly one of resourceAttributes and nonResourceAttributes is required");
  }
  if (user->empty() && groups->empty()) {
    return Fail(ErrorCode::kInvalidArgument, "spec: at least one of user and groups is required");
  }
  rbac::Attributes& a = out.attributes;
  if (has_res) {
    if (!res->is_object()) return Fail(ErrorCode::kInvalidArgument, "spec.resourceAttributes: must be an object");
    const auto& r = res->as_object();
    std::string* fields[] = {&a.namespace_, &a.verb, &a.api_group, &a.resource, &a.subresource, &a.name};
    const char* keys[] = {"namespace", "verb", "group", "resource", "subresource", "name"};
    for (size_t i = 0; i < 6; ++i) {
      auto s = OptionalString(r, keys[i], "spec.resourceAttributes");
      if (!s) return std::unexpected(s.error());
      *fields[i] = std::move(*s);
    }
    if (auto version = OptionalString(r, "version", "spec.resourceAttributes"); !version) {
      return std::unexpected(version.error());
    }
  } else {
    if (!nonres->is_object()) return Fail(ErrorCode::kInvalidArgument, "spec.nonResourceAttributes: must be an object");
    a.resource_request = false;
    auto path = OptionalString(nonres->as_object(), "path", "spec.nonResourceAttributes");
    auto verb = OptionalString(nonres->as_object(), "verb", "spec.nonResourceAttributes");
    if (!path) return std::unexpected(path.error());
    if (!verb) return std::unexpected(verb.error());
    a.path = *path;
    a.verb = *verb;
  }
  return out;
}

void PutAttributes(const rbac::Attributes& a, json::object& spec) {
  if (a.resource_request) {
    spec["resourceAttributes"] = json::object{{"namespace", a.namespace_}, {"verb", a.verb}, {"group", a.api_group},
                                              {"resource", a.resource}, {"subresource", a.subresource}, {"name", a.name}};
  } else {
    spec["nonResourceAttributes"] = json::object{{"verb", a.verb}, {"path", a.path}};
  }
}

std::string SubjectAccessReviewStatus(std::string_view api_version, bool allowed, std::string_view reason,
                                      std::string_view evaluation_error) {
  json::object status{{"allowed", allowed}};
  if (!reason.empty()) status["reason"] = reason;
  if (!evaluation_error.empty()) status["evaluationError"] = evaluation_error;
  json::object o{{"apiVersion", api_version.empty() ? "authorization.k8s.io/v1" : api_version},
                 {"kind", "SubjectAccessReview"},
                 {"status", std::move(status)}};
  return json::serialize(o) + "\n";
}

}  // namespace kubeiam::kubeapi
