// get and list of the stored kinds, and what every verb shares (object_verbs.h).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "kubeapi/api_errors.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/object_selector.h"
#include "kubeapi/object_table.h"
#include "kubeapi/object_verbs.h"
#include "util/encoding.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

http::HttpResponse ListOptionsInvalid(const FieldError& e) {
  return StatusResponse(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + e.Text(),
                        json::object{{"group", "meta.k8s.io"}, {"kind", "ListOptions"},
                                     {"causes", json::array{json::object{{"reason", e.Reason()}, {"message", e.Body()}, {"field", e.field}}}}});
}

// The list options the API server refuses before reading (spec/kube-api.md §5.3).
std::optional<http::HttpResponse> CheckListOptions(const RequestInfo& info) {
  std::string_view rv = info.Value("resourceVersion"), match = info.Value("resourceVersionMatch");
  bool has_continue = !info.Value("continue").empty();
  const char* field = "resourceVersionMatch";
  if (info.First("sendInitialEvents")) return ListOptionsInvalid(ForbiddenField("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  if (!match.empty() && match != "Exact" && match != "NotOlderThan") {
    return ListOptionsInvalid(NotSupportedField(field, GoQuote(match), {"Exact", "NotOlderThan", ""}));
  }
  if (!match.empty() && rv.empty()) return ListOptionsInvalid(ForbiddenField(field, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
  if (!match.empty() && has_continue) return ListOptionsInvalid(ForbiddenField(field, "resourceVersionMatch is forbidden when continue is provided"));
  if (match == "Exact" && rv == "0") return ListOptionsInvalid(ForbiddenField(field, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
  if (has_continue && !rv.empty() && rv != "0") return BadRequest("specifying resource version is not allowed when using continue");
  return std::nullopt;
}

struct Continue {
  int64_t revision = 0;
  std::string start;  // relative to the kind's range start
};

std::string EncodeContinue(int64_t revision, std::string_view start) {
  return Base64UrlEncodeNoPad(json::serialize(json::object{{"v", "meta.k8s.io/v1"}, {"rv", revision}, {"start", start}}));
}

Step<Continue> DecodeContinue(std::string_view token) {
  auto bad = [] { return std::unexpected(BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")); };
  auto raw = Base64UrlDecodeNoPad(token);
  if (!raw) return bad();
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return bad();
  const auto& o = v.as_object();
  const json::value* rv = o.if_contains("rv");
  const json::value* start = o.if_contains("start");
  if (!rv || !rv->is_int64() || rv->as_int64() <= 0 || !start || !start->is_string()) return bad();
  return Continue{rv->as_int64(), std::string(start->as_string())};
}

// The first page's revision must still be what the store holds in the range: pages of one list
// all show one state.
std::optional<http::HttpResponse> CheckContinuedRange(const VerbContext& c, const Continue& from) {
  auto changed = c.registry.ChangedSince(c.kind, c.ns(), from.revision);
  if (!changed && changed.error().code != ErrorCode::kGone) return StoreFailure(changed.error());
  if (changed && !*changed) return std::nullopt;
  return Expired(
      "The provided continue parameter is too old to display a consistent list result. You can start a new list without "
      "the continue parameter, or use the continue token in this response to retrieve the remainder of the results. "
      "Continuing with the provided token results in an inconsistent list - objects that were created, modified, or "
      "deleted between the time the first chunk was returned and now may show up in the list.");
}

int64_t Limit(const RequestInfo& info) {
  const std::string* l = info.First("limit");
  int64_t n = 0;
  if (!l || std::from_chars(l->data(), l->data() + l->size(), n).ec != std::errc() || n < 0) return 0;
  return n;
}

// Items matching the selector, from `start`, up to `limit` (0: all). `next` is where the next
// page starts, relative to the range's start.
struct Page {
  std::vector<StoredObject> items;
  int64_t revision = 0;
  std::string next;
};

Result<Page> ReadPage(const VerbContext& c, const ObjectSelector& selector, const std::string& start, int64_t limit) {
  auto [range_start, range_end] = c.registry.Range(c.kind, c.ns());
  auto listed = c.registry.List(c.kind, c.ns(), start.empty() ? "" : range_start + start);
  if (!listed) return std::unexpected(listed.error());
  Page page{{}, listed->revision, ""};
  for (auto& item : listed->items) {
    if (!selector.Matches(item.object)) continue;
    if (limit > 0 && int64_t(page.items.size()) == limit) {
      std::string key = c.registry.Key(c.kind, MetaString(item.object, "namespace"), MetaString(item.object, "name"));
      page.next = key.substr(range_start.size());
      break;
    }
    page.items.push_back(std::move(item));
  }
  return page;
}

http::HttpResponse ListAnswer(const VerbContext& c, Page page, int64_t revision) {
  std::vector<const json::object*> objects;
  for (const auto& i : page.items) objects.push_back(&i.object);
  std::string rv = std::to_string(revision);
  if (WantsTable(c.request.Header("Accept"))) {
    std::string include = std::string(c.info.Value("includeObject"));
    if (!include.empty() && include != "None" && include != "Object" && include != "Metadata") {
      return BadRequest("unrecognized includeObject value: " + GoQuote(include));
    }
    json::object table = TableOf(c.kind, objects, rv, c.now, include.empty() ? "Metadata" : include);
    if (!page.next.empty()) table["metadata"].as_object()["continue"] = EncodeContinue(revision, page.next);
    http::HttpResponse r = JsonResponse(200, table);
    r.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    return r;
  }
  json::array items;
  for (auto& i : page.items) {
    i.object.erase("kind");  // list items carry no kind or apiVersion
    i.object.erase("apiVersion");
    items.push_back(std::move(i.object));
  }
  json::object meta{{"resourceVersion", rv}};
  if (!page.next.empty()) meta["continue"] = EncodeContinue(revision, page.next);
  return JsonResponse(200, json::object{{"kind", c.kind.kind + "List"},
                                        {"apiVersion", c.kind.ApiVersion()},
                                        {"metadata", std::move(meta)},
                                        {"items", std::move(items)}});
}

}  // namespace

http::HttpResponse ObjectAnswer(int status, const json::object& object, const std::vector<std::string>& warnings) {
  http::HttpResponse r = JsonResponse(status, object);
  for (const auto& w : warnings) r.headers.emplace_back("Warning", "299 - " + GoQuote(w));
  return r;
}

Step<bool> DryRun(const RequestInfo& info, const char* options_kind) {
  const std::string* v = info.First("dryRun");
  if (!v) return false;
  if (*v == "All") return true;
  FieldError e = NotSupportedField("dryRun", "[]string{" + GoQuote(*v) + "}", {"All"});
  return std::unexpected(StatusResponse(422, "Invalid", std::string(options_kind) + ".meta.k8s.io \"\" is invalid: " + e.Text(),
                                        json::object{{"group", "meta.k8s.io"}, {"kind", options_kind}}));
}

http::HttpResponse StoreFailure(const Error& e) {
  if (e.code == ErrorCode::kFormat) return InternalError(e.message);
  return StoreUnavailable(e.message);
}

http::HttpResponse GetStored(const VerbContext& c) {
  auto got = c.registry.Get(c.kind, c.ns(), c.name());
  if (!got) return StoreFailure(got.error());
  if (!*got) return NotFound(c.kind, c.name());
  if (WantsTable(c.request.Header("Accept"))) {
    http::HttpResponse r = JsonResponse(200, TableOf(c.kind, {&(*got)->object}, std::to_string((*got)->revision), c.now));
    r.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    return r;
  }
  return JsonResponse(200, (*got)->object);
}

http::HttpResponse ListStored(const VerbContext& c) {
  if (auto refused = CheckListOptions(c.info)) return *refused;
  auto selector = ObjectSelector::Parse(c.info.Value("labelSelector"), c.info.Value("fieldSelector"), c.kind.resource,
                                        c.kind.namespaced);
  if (!selector) return BadRequest(selector.error().message);
  Continue from;
  if (std::string_view token = c.info.Value("continue"); !token.empty()) {
    auto decoded = DecodeContinue(token);
    if (!decoded) return decoded.error();
    from = *decoded;
    if (auto gone = CheckContinuedRange(c, from)) return *gone;
  }
  auto page = ReadPage(c, *selector, from.start, Limit(c.info));
  if (!page) return StoreFailure(page.error());
  int64_t revision = from.revision ? from.revision : page->revision;
  return ListAnswer(c, std::move(*page), revision);
}

}  // namespace kubeiam::kubeapi
