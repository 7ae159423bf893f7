#include "kubeapi/object_meta.h"

#include <boost/json/array.hpp>

#include "util/crypto.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::object& Child(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.as_object();
}

void DefaultRbac(json::object& o, const StoredKind& kind) {
  if (kind.kind != "RoleBinding" && kind.kind != "ClusterRoleBinding") return;
  if (auto* ref = o.if_contains("roleRef"); ref && ref->is_object()) {
    auto& r = ref->as_object();
    if (!r.contains("apiGroup") || r.at("apiGroup") == json::value("")) r["apiGroup"] = kRbacGroup;
  }
  if (auto* subjects = o.if_contains("subjects"); subjects && subjects->is_array()) {
    for (auto& s : subjects->as_array()) {
      if (!s.is_object()) continue;
      auto& subject = s.as_object();
      const json::value* k = subject.if_contains("kind");
      bool user_or_group = k && (*k == json::value("User") || *k == json::value("Group"));
      if (user_or_group && (!subject.contains("apiGroup") || subject.at("apiGroup") == json::value(""))) {
        subject["apiGroup"] = kRbacGroup;
      }
    }
  }
}

void DefaultNamespace(json::object& o) {
  std::string name = MetaString(o, "name");
  json::object& labels = Child(Metadata(o), "labels");
  labels["kubernetes.io/metadata.name"] = name;
  json::object& spec = Child(o, "spec");
  if (!spec.contains("finalizers") || !spec.at("finalizers").is_array()) spec["finalizers"] = json::array{"kubernetes"};
  json::object& status = Child(o, "status");
  if (!status.contains("phase") || !status.at("phase").is_string()) status["phase"] = "Active";
}

}  // namespace

std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

std::string MetaString(const json::object& o, std::string_view field) {
  const json::value* meta = o.if_contains("metadata");
  if (!meta || !meta->is_object()) return "";
  const json::value* v = meta->as_object().if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

json::object& Metadata(json::object& o) { return Child(o, "metadata"); }

Status PrepareCreate(json::object& o, const StoredKind& kind, std::string_view ns, TimePoint now) {
  // Top-level keys first: inserting into `o` would move the metadata object a reference holds.
  o["apiVersion"] = kind.ApiVersion();
  o["kind"] = kind.kind;
  json::object& meta = Metadata(o);
  if (const json::value* rv = meta.if_contains("resourceVersion"); rv && rv->is_string()) {
    std::string_view text = rv->as_string();
    bool numeric = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric && text.find_first_not_of('0') != std::string_view::npos) {
      return Fail(ErrorCode::kInternal, "resourceVersion should not be set on objects to be created");
    }
  }
  for (const char* owned : {"resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink"}) {
    meta.erase(owned);
  }
  if (kind.namespaced) {
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  meta["uid"] = UuidV4();
  meta["creationTimestamp"] = FormatRfc3339(now);
  return {};
}

namespace {

// `current` with only the subresource's part taken from `next`.
json::object WithSubresource(const json::object& current, const json::object& next, std::string_view subresource) {
  json::object out = current;
  if (subresource == "status") {
    if (const json::value* status = next.if_contains("status")) {
      out["status"] = *status;
    } else {
      out.erase("status");
    }
    return out;
  }
  const json::value* spec = next.if_contains("spec");
  const json::value* finalizers = spec && spec->is_object() ? spec->as_object().if_contains("finalizers") : nullptr;
  json::value& out_spec = out["spec"];
  if (!out_spec.is_object()) out_spec = json::object();
  if (finalizers) {
    out_spec.as_object()["finalizers"] = *finalizers;
  } else {
    out_spec.as_object().erase("finalizers");
  }
  return out;
}

}  // namespace

void CarryOver(json::object& next, const json::object& current, const StoredKind& kind, std::string_view subresource) {
  if (!subresource.empty()) {
    next = WithSubresource(current, next, subresource);
    return;  // everything but the subresource's part is `current`'s already
  }
  next["apiVersion"] = kind.ApiVersion();
  next["kind"] = kind.kind;
  json::object& meta = Metadata(next);
  const json::value* was = current.if_contains("metadata");
  for (const char* owned : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    const json::value* v = was && was->is_object() ? was->as_object().if_contains(owned) : nullptr;
    if (v) {
      meta[owned] = *v;
    } else {
      meta.erase(owned);
    }
  }
  meta.erase("generation");
  meta.erase("selfLink");
  // Clients' managedFields are discarded: the server records who wrote what (managed_fields.h).
  if (const json::value* managed = was && was->is_object() ? was->as_object().if_contains("managedFields") : nullptr) {
    meta["managedFields"] = *managed;
  } else {
    meta.erase("managedFields");
  }
  if (kind.kind == "Namespace") {
    // Main-resource updates keep spec.finalizers and status (only /finalize and /status change them).
    for (const char* owned : {"spec", "status"}) {
      if (const json::value* v = current.if_contains(owned)) next[owned] = *v;
    }
  }
}

void ApplyDefaults(json::object& o, const StoredKind& kind) {
  if (kind.kind == "Namespace") DefaultNamespace(o);
  DefaultRbac(o, kind);
}

std::string GenerateName(std::string_view prefix) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(prefix.substr(0, 58));
  std::string random = RandomBytes(5);
  for (unsigned char c : random) out += kAlphabet[c % (sizeof kAlphabet - 1)];
  return out;
}

}  // namespace kubeiam::kubeapi
