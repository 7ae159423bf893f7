// Kubernetes field selectors in their string form (?fieldSelector=), parsed and matched as the
// API server does (k8s.io/apimachinery/pkg/fields.ParseSelector): comma-separated terms
// key=value, key==value or key!=value that must all hold. A value may escape `\,` `\=` `\\`;
// a key is taken verbatim up to its first operator, spaces included. Terms come out sorted by
// their text, and a term with neither key nor value is dropped, both as in Go. Errors quote only
// about the first 100 characters of the input. Pure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kubeiam::kubeapi {

struct FieldTerm {
  std::string key;
  enum class Op { kEquals, kNotEquals } op = Op::kEquals;  // `==` is kEquals
  std::string value;  // unescaped
};

class FieldSelector {
 public:
  FieldSelector() = default;  // selects everything

  static Result<FieldSelector> Parse(std::string_view text);

  // Fails for the first term whose key is not in `allowed`, worded as the API server words it:
  // "x" is not a known field selector: only "metadata.name", "metadata.namespace".
  Result<void> CheckKeys(const std::vector<std::string>& allowed) const;

  // `field` gives an object's value for a key; a missing field compares as "", as in the API
  // server's fields.Set.
  bool Matches(const std::function<std::optional<std::string>(std::string_view key)>& field) const;

  // The value the first = or == term on `key` requires (RequiresExactMatch), or nothing.
  std::optional<std::string> RequiredValue(std::string_view key) const;

  bool Empty() const { return terms_.empty(); }
  const std::vector<FieldTerm>& terms() const { return terms_; }

 private:
  std::vector<FieldTerm> terms_;
};

}  // namespace kubeiam::kubeapi
