// A list's or watch's ?labelSelector= and ?fieldSelector= together, as the API server applies
// them to the objects it serves: labels against metadata.labels; fields metadata.name,
// metadata.namespace (namespaced kinds) and status.phase (namespaces). A malformed selector or
// an unknown field is an error carrying the API server's 400 message.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "kubeapi/field_selector.h"
#include "kubeapi/label_selector.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

class ObjectSelector {
 public:
  ObjectSelector() = default;  // selects everything
  // `resource` is the plural (namespaces has its own field); empty texts select everything.
  static Result<ObjectSelector> Parse(std::string_view labels, std::string_view fields, std::string_view resource,
                                      bool namespaced);
  bool Matches(const boost::json::object& object) const;
  // Selects everything (then no object can enter or leave it).
  bool Empty() const { return labels_.Empty() && fields_.Empty(); }

 private:
  LabelSelector labels_;
  FieldSelector fields_;
  std::string resource_;
};

}  // namespace kubeiam::kubeapi
