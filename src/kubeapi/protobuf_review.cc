#include "kubeapi/protobuf_review.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <set>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// The protobuf wire format, as far as the reviews need it: varints and length-delimited fields.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }

  // Calls `field(number, bytes)` for each length-delimited field; skips varint and fixed ones.
  Status Fields(const std::function<Status(uint32_t, std::string_view)>& field) {
    while (!done()) {
      auto key = Varint();
      if (!key) return std::unexpected(key.error());
      if ((*key >> 3) > 0x1fffffff) return Fail(ErrorCode::kFormat, "protobuf field number is out of range");
      uint32_t number = uint32_t(*key >> 3);
      switch (*key & 7) {
        case 0:
          if (auto v = Varint(); !v) return std::unexpected(v.error());
          break;
        case 1:
          if (auto s = Skip(8); !s) return s;
          break;
        case 5:
          if (auto s = Skip(4); !s) return s;
          break;
        case 2: {
          auto len = Varint();
          if (!len) return std::unexpected(len.error());
          if (*len > data_.size() - pos_) return Fail(ErrorCode::kFormat, "protobuf body is truncated");
          std::string_view bytes = data_.substr(pos_, size_t(*len));
          pos_ += size_t(*len);
          if (auto s = field(number, bytes); !s) return s;
          break;
        }
        default:
          return Fail(ErrorCode::kFormat, "protobuf body has an unsupported wire type");
      }
    }
    return {};
  }

 private:
  Result<uint64_t> Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) return Fail(ErrorCode::kFormat, "protobuf body is truncated");
      uint8_t b = uint8_t(data_[pos_++]);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail(ErrorCode::kFormat, "protobuf varint is too long");
  }
  Status Skip(size_t n) {
    if (n > data_.size() - pos_) return Fail(ErrorCode::kFormat, "protobuf body is truncated");
    pos_ += n;
    return {};
  }
  std::string_view data_;
  size_t pos_ = 0;
};

// A message whose fields are all strings (or repeated strings): field number -> JSON name.
struct StringFields {
  std::map<uint32_t, std::string> names;
  std::set<uint32_t> repeated;
};

Result<json::object> Strings(std::string_view bytes, const StringFields& spec) {
  json::object out;
  auto s = Reader(bytes).Fields([&](uint32_t n, std::string_view v) -> Status {
    auto it = spec.names.find(n);
    if (it == spec.names.end()) return {};
    if (spec.repeated.contains(n)) {
      json::value& a = out[it->second];
      if (!a.is_array()) a = json::array();
      a.as_array().emplace_back(v);
    } else {
      out[it->second] = v;
    }
    return {};
  });
  if (!s) return std::unexpected(s.error());
  return out;
}

const StringFields kResourceAttributes{{{1, "namespace"}, {2, "verb"}, {3, "group"}, {4, "version"}, {5, "resource"},
                                        {6, "subresource"}, {7, "name"}},
                                       {}};
const StringFields kNonResourceAttributes{{{1, "path"}, {2, "verb"}}, {}};

// fieldSelector (8) and labelSelector (9) carry a raw selector string (field 1).
Result<json::object> ResourceAttributes(std::string_view bytes) {
  auto attrs = Strings(bytes, kResourceAttributes);
  if (!attrs) return attrs;
  auto s = Reader(bytes).Fields([&](uint32_t n, std::string_view v) -> Status {
    if (n != 8 && n != 9) return {};
    auto sel = Strings(v, {{{1, "rawSelector"}}, {}});
    if (!sel) return std::unexpected(sel.error());
    (*attrs)[n == 8 ? "fieldSelector" : "labelSelector"] = std::move(*sel);
    return {};
  });
  if (!s) return std::unexpected(s.error());
  return attrs;
}

// SubjectAccessReviewSpec and SelfSubjectAccessReviewSpec share fields 1 and 2.
Result<json::object> AccessSpec(std::string_view bytes, bool with_subject) {
  json::object spec;
  auto s = Reader(bytes).Fields([&](uint32_t n, std::string_view v) -> Status {
    if (n == 1) {
      auto a = ResourceAttributes(v);
      if (!a) return std::unexpected(a.error());
      spec["resourceAttributes"] = std::move(*a);
    } else if (n == 2) {
      auto a = Strings(v, kNonResourceAttributes);
      if (!a) return std::unexpected(a.error());
      spec["nonResourceAttributes"] = std::move(*a);
    } else if (with_subject && (n == 3 || n == 6)) {
      spec[n == 3 ? "user" : "uid"] = v;
    } else if (with_subject && n == 4) {
      json::value& g = spec["groups"];
      if (!g.is_array()) g = json::array();
      g.as_array().emplace_back(v);
    } else if (with_subject && n == 5) {
      // map<string, ExtraValue>: an entry is {1: key, 2: ExtraValue{1: items...}}.
      std::string key;
      json::array items;
      auto e = Reader(v).Fields([&](uint32_t en, std::string_view ev) -> Status {
        if (en == 1) key = ev;
        if (en == 2) {
          auto values = Strings(ev, {{{1, "items"}}, {1}});
          if (!values) return std::unexpected(values.error());
          if (values->contains("items")) items = values->at("items").as_array();
        }
        return {};
      });
      if (!e) return e;
      json::value& extra = spec["extra"];
      if (!extra.is_object()) extra = json::object();
      extra.as_object()[key] = std::move(items);
    }
    return {};
  });
  if (!s) return std::unexpected(s.error());
  return spec;
}

}  // namespace

Result<std::string> ReviewJsonFromProtobuf(std::string_view body) {
  if (!body.starts_with(std::string_view("k8s\0", 4))) {
    return Fail(ErrorCode::kFormat, "protobuf body does not start with the Kubernetes magic number");
  }
  std::string api_version, kind;
  std::string_view raw;
  auto envelope = Reader(body.substr(4)).Fields([&](uint32_t n, std::string_view v) -> Status {
    if (n == 1) {
      auto tm = Strings(v, {{{1, "apiVersion"}, {2, "kind"}}, {}});
      if (!tm) return std::unexpected(tm.error());
      if (tm->contains("apiVersion")) api_version = tm->at("apiVersion").as_string();
      if (tm->contains("kind")) kind = tm->at("kind").as_string();
    } else if (n == 2) {
      raw = v;
    }
    return {};
  });
  if (!envelope) return std::unexpected(envelope.error());
  static const std::set<std::string> kKinds = {"TokenReview",          "SelfSubjectReview",      "SelfSubjectAccessReview",
                                               "SelfSubjectRulesReview", "SubjectAccessReview", "LocalSubjectAccessReview"};
  if (!kKinds.contains(kind)) return Fail(ErrorCode::kFormat, "protobuf body holds a " + (kind.empty() ? std::string("nameless kind") : kind) + ", not a review");
  json::object doc{{"kind", kind}, {"apiVersion", api_version}};
  auto s = Reader(raw).Fields([&](uint32_t n, std::string_view v) -> Status {
    if (n == 1) {  // ObjectMeta: name (1), namespace (3)
      auto meta = Strings(v, {{{1, "name"}, {3, "namespace"}}, {}});
      if (!meta) return std::unexpected(meta.error());
      doc["metadata"] = std::move(*meta);
      return {};
    }
    if (n != 2 || kind == "SelfSubjectReview") return {};  // a SelfSubjectReview's field 2 is its status
    Result<json::object> spec;
    if (kind == "TokenReview") {
      spec = Strings(v, {{{1, "token"}, {2, "audiences"}}, {2}});
    } else if (kind == "SelfSubjectRulesReview") {
      spec = Strings(v, {{{1, "namespace"}}, {}});
    } else {
      spec = AccessSpec(v, kind != "SelfSubjectAccessReview");
    }
    if (!spec) return std::unexpected(spec.error());
    doc["spec"] = std::move(*spec);
    return {};
  });
  if (!s) return std::unexpected(s.error());
  if (!doc.contains("spec")) doc["spec"] = json::object();
  return json::serialize(doc);
}

}  // namespace kubeiam::kubeapi
