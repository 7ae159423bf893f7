// kubectl's columns for the read-only kinds of the objects folder, as the API server prints
// them: pods (NAME READY STATUS RESTARTS AGE, then IP and NODE with -o wide), nodes (NAME STATUS
// ROLES AGE VERSION, then INTERNAL-IP ...), any other kind NAME and CREATED AT.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "util/time.h"

namespace kubeiam::kubeapi {

// The Table (meta.k8s.io/v1) of `items` of `resource` in the core group, at `version`.
boost::json::object FolderTable(const std::string& resource, const std::vector<const boost::json::object*>& items,
                                const std::string& version, TimePoint now);

}  // namespace kubeiam::kubeapi
