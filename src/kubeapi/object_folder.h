// The read-only objects the Kubernetes API front serves when it has no upstream: every object in
// a folder of manifests (YAML or JSON, any kind, `kind: List` included), as JSON, indexed by
// API group, resource, namespace and name.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "util/error.h"

namespace kubeiam::kubeapi {

class Objects {
 public:
  // Errors name the file and document. A missing folder is an empty set.
  static Result<Objects> Load(const std::string& folder);

  // In name order; `ns` empty: every namespace.
  std::vector<const boost::json::object*> List(const std::string& group, const std::string& resource,
                                               const std::string& ns) const;
  const boost::json::object* Get(const std::string& group, const std::string& resource, const std::string& ns,
                                 const std::string& name) const;
  size_t size() const { return objects_.size(); }
  // Whether any object of this kind is here (the front advertises and serves only those kinds).
  bool Holds(const std::string& group, const std::string& resource) const;

  // A watch event: what happened to which object (a deleted one as it was).
  struct Change {
    const char* type;  // ADDED, MODIFIED, DELETED
    const boost::json::object* object;
  };
  // What turns `before` (null: an empty set) into this set, for one resource in one namespace
  // ("" every namespace), narrowed to `name` unless empty; in key order, deletions last.
  std::vector<Change> ChangesSince(const Objects* before, const std::string& group, const std::string& resource,
                                   const std::string& ns, const std::string& name) const;

 private:
  // (group, resource, namespace, name) -> object
  std::map<std::tuple<std::string, std::string, std::string, std::string>, boost::json::object> objects_;
};

}  // namespace kubeiam::kubeapi
