// JSON merge patch (RFC 7386: objects merge, null deletes, everything else replaces) and JSON
// patch (RFC 6902: add, remove, replace, move, copy, test over JSON pointers), as the API
// server applies `application/merge-patch+json` and `application/json-patch+json`. Pure.
#pragma once

#include <boost/json/value.hpp>

#include "util/error.h"

namespace kubeiam::kubeapi {

boost::json::value MergePatch(boost::json::value target, const boost::json::value& patch);

// Errors: kInvalidArgument for a malformed patch (not an array of operations, an unknown op, a
// bad pointer; the message says which), kFormat for an operation that fails on this document
// (a test that does not hold, a path that is not there). At most 10,000 operations.
Result<boost::json::value> JsonPatch(boost::json::value doc, const boost::json::value& patch);

}  // namespace kubeiam::kubeapi
