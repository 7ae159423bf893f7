// The answers every part of the Kubernetes front writes: JSON documents, and the API server's
// Status objects (kind Status, reason and code as kube-apiserver gives them, so kubectl prints
// the same messages).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <expected>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "rbac/objects.h"

namespace kubeiam::kubeapi {

// A step of the front's pipeline gives a value, or the answer that ends the request.
template <typename T>
using Step = std::expected<T, http::HttpResponse>;

http::HttpResponse JsonResponse(int status, const boost::json::value& v);

// A Failure Status: `reason` as the API server names it (NotFound, Forbidden, ...), `details`
// (name, group, kind, retryAfterSeconds) when there are any.
http::HttpResponse StatusResponse(int code, const std::string& reason, const std::string& message,
                                  boost::json::object details = {});

// STS or EC2 is slow: as the API server under load, 429 with Retry-After, which kubectl and
// client-go wait out and retry instead of reporting a failed login.
http::HttpResponse TooManyRequests();

boost::json::array JsonStrings(const std::vector<std::string>& v);

// A policy rule as the RBAC API writes it (empty lists left out as the API server does).
boost::json::object PolicyRuleJson(const rbac::PolicyRule& r);

}  // namespace kubeiam::kubeapi
