// EKS's JSON shapes on the wire (REST-JSON, API 2017-11-01): an AccessEntry, an
// AssociatedAccessPolicy, an AccessScope, timestamps as epoch seconds. Shared by the access API
// and `kubeiam access-entry --store`, so both print what `aws eks` prints.
#pragma once

#include <boost/json/object.hpp>

#include "eks/access_entry.h"

namespace kubeiam::eks {

double EpochSeconds(TimePoint t);
boost::json::object ScopeJson(const AccessScope& s);
boost::json::object AssociationJson(const AssociatedPolicy& p);
boost::json::object EntryJson(const AccessEntry& e);

}  // namespace kubeiam::eks
