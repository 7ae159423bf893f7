// A stored object and a patch as a request carries them (the first line the object, the rest the
// patch): every patch type, then decoding, defaults and validation of the result, for every
// stored kind. Nothing may crash, loop or recurse without bound on hostile input.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "kubeapi/json_patch.h"
#include "kubeapi/manifests.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/object_schema.h"
#include "kubeapi/object_validation.h"
#include "kubeapi/strategic_merge.h"

namespace {

namespace json = boost::json;
using namespace kubeiam::kubeapi;

void Check(const StoredKind& kind, json::value v) {
  if (!v.is_object()) return;
  json::object o = std::move(v.as_object());
  (void)DecodeAgainstSchema(kind, o);
  ApplyDefaults(o, kind);
  (void)ValidateObject(kind, o, &o);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t cut = input.find('\n');
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value doc = json::parse(input.substr(0, cut), ec, {}, opts);
  if (ec) doc = json::object();
  json::value patch = cut == std::string::npos ? json::value() : json::parse(input.substr(cut + 1), ec, {}, opts);
  if (ec) patch = nullptr;
  for (const auto& kind : StoredKinds()) {
    if (auto merged = StrategicMerge(doc, patch, kind)) Check(kind, std::move(*merged));
    Check(kind, MergePatch(doc, patch));
    if (auto patched = JsonPatch(doc, patch)) Check(kind, std::move(*patched));
  }
  (void)ParseManifestObjects(input, "fuzz");
  return 0;
}
