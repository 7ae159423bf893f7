// metadata.managedFields as the API server keeps them for create, update and patch (operation
// "Update"): one entry per manager, whose FieldsV1 set names the fields it last wrote. A write
// takes the fields it adds or changes from every other manager; an entry left with no field is
// dropped. Values clients send are discarded, as server-side apply is not served.
//
// FieldsV1 as the API server writes it: "f:<key>" per object member, "{}" for a field owned as a
// whole (scalars, lists, and atomic structs such as roleRef), and "." for a map owned together
// with its keys (labels, annotations, data).
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "http/http_server.h"
#include "kubeapi/request_info.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// ?fieldManager=, else the User-Agent up to its first '/'. Errors (kInvalidArgument): longer
// than 128 characters, the API server's field error text.
Result<std::string> FieldManagerOf(const http::HttpRequest& request, const RequestInfo& info);

// Sets `next`'s managedFields for a write by `manager` at `now`: from scratch for a create
// (`previous` null), else from `previous`'s entries.
void RecordManagedFields(boost::json::object& next, const boost::json::object* previous, const std::string& manager,
                         TimePoint now);

// The FieldsV1 set of every field of `object` the managers can own (not the server's metadata).
boost::json::object FieldsV1Of(const boost::json::object& object);

}  // namespace kubeiam::kubeapi
