// Kubernetes label selectors in their string form (?labelSelector=), parsed and matched as the
// API server does (k8s.io/apimachinery/pkg/labels): comma-separated requirements that must all
// hold. Parse accepts what labels.Parse accepts (`k in ()` is `k in ("")`), with one deliberate
// refusal: a NUL byte, which Go's lexer reads as the end of the input (selecting everything);
// every error starts with "unable to parse requirement: ". Parsing is linear in the input and
// error messages quote only about the first 100 characters of it. Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "util/error.h"

namespace kubeiam::kubeapi {

struct LabelRequirement {
  std::string key;
  // `==` parses as kEquals: the API server treats the two alike.
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist, kGreaterThan, kLessThan } op = Op::kExists;
  // Sorted and without duplicates; one value for =, !=, >, <; none for exists and !exists.
  std::vector<std::string> values;
};

class LabelSelector {
 public:
  LabelSelector() = default;  // selects everything

  static Result<LabelSelector> Parse(std::string_view text);

  // `!=` and `notin` hold when the key is absent; `=`, `in`, `>`, `<` need it present.
  bool Matches(const std::map<std::string, std::string>& labels) const;
  // `metadata_labels` is the object's metadata.labels. A requirement on a label whose value is
  // not a string never holds, whatever its operator, so a malformed object is never selected.
  bool Matches(const boost::json::object& metadata_labels) const;

  bool Empty() const { return requirements_.empty(); }
  // Sorted by key, as labels.Parse leaves them.
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

 private:
  std::vector<LabelRequirement> requirements_;
};

}  // namespace kubeiam::kubeapi
