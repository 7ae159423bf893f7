// The text form of an explanation document (server/explanation.h): sections Token, Identity,
// Mapping (each backend's rows compared), Authorization, then the verdict, as `kubeiam explain`
// prints them.
#pragma once

#include <boost/json/object.hpp>
#include <ostream>

#include "util/error.h"

namespace kubeiam::cli {

// Errors (kFormat): a document without what a section needs (a server's, not as expected);
// nothing is written then.
Status PrintExplanation(const boost::json::object& doc, std::ostream& out);

}  // namespace kubeiam::cli
