#include "kubeclient/object_list.h"

#include <boost/json/parse.hpp>

#include "aws/sigv4.h"

namespace kubeiam::kubeclient {
namespace {

namespace json = boost::json;

std::string Member(const json::object& o, const char* section, const char* key) {
  const json::value* s = o.if_contains(section);
  const json::value* v = s && s->is_object() ? s->as_object().if_contains(key) : nullptr;
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::string QueryOf(const Collection& c, const std::string& extra) {
  std::string q = c.field_selector.empty() ? "" : "fieldSelector=" + aws::UriEncode(c.field_selector);
  if (!extra.empty()) q += (q.empty() ? "" : "&") + extra;
  return q.empty() ? "" : "?" + q;
}

Result<ObjectList> ListAll(KubeClient& client, const Collection& what, const std::function<void(size_t)>& progress) {
  ObjectList out;
  std::string next;
  do {
    std::string path = what.path + QueryOf(what, "limit=500" + (next.empty() ? "" : "&continue=" + aws::UriEncode(next)));
    auto r = client.Call("GET", path);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) {
      return std::unexpected(Refusal(client.context(), *r, "list", what.resource()));
    }
    boost::system::error_code ec;
    json::value doc = json::parse(r->body, ec);
    const json::object* list = ec ? nullptr : doc.if_object();
    const json::value* items = list ? list->if_contains("items") : nullptr;
    if (!items || !items->is_array()) return Fail(ErrorCode::kFormat, "the answer to GET " + what.path + " is not a list");
    for (const auto& item : items->as_array()) {
      if (!item.is_object()) continue;
      json::object o = item.as_object();
      o["apiVersion"] = what.api_version;
      o["kind"] = what.kind;
      out.items.push_back(std::move(o));
    }
    if (progress) progress(out.items.size());
    next = Member(*list, "metadata", "continue");
    out.resource_version = Member(*list, "metadata", "resourceVersion");
  } while (!next.empty());
  return out;
}

Error Refusal(const KubeContext& c, const http::Response& response, const std::string& verb, const std::string& what) {
  return ApiError(response).Wrap("context " + c.context_name + " (user " + c.user_name + " on " + c.server + ") cannot " +
                                 verb + " " + what +
                                 ": kubeiam needs get, list and watch on the RBAC kinds and on kube-system/aws-auth");
}

}  // namespace kubeiam::kubeclient
