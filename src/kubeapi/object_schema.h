// The shape of each stored kind, as the API server's Go types declare it: which fields exist and
// what each holds. Request bodies are decoded against it as the API server decodes them (unknown
// fields refused, warned about or dropped per fieldValidation; a wrong type refused in the
// decoder's words), and the OpenAPI documents kubectl downloads are written from it.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

struct Schema {
  enum class Type { kObject, kMap, kArray, kString, kBoolean, kInteger, kAny };
  Type type = Type::kAny;
  std::vector<std::pair<std::string, std::shared_ptr<const Schema>>> fields;  // kObject, in order
  std::shared_ptr<const Schema> items;  // kMap values, kArray items
  std::string go_type;                  // as decoder errors name it: string, []string, v1.ObjectMeta
  std::string description;

  const Schema* Field(std::string_view name) const;
};

// The schema of a whole object of `kind` (apiVersion, kind, metadata and the kind's fields).
const Schema& SchemaOf(const StoredKind& kind);

struct DecodeReport {
  std::vector<std::string> unknown_fields;  // paths: spec, metadata.labelz, rules[0].verb
  std::optional<std::string> type_error;    // json: cannot unmarshal number into Go struct field ...
};

// Checks `object` against the kind's schema and removes the unknown fields it finds (every one
// is reported). A value of the wrong type is reported and left as it is.
DecodeReport DecodeAgainstSchema(const StoredKind& kind, boost::json::object& object);

}  // namespace kubeiam::kubeapi
