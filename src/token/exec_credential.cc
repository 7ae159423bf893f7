#include "token/exec_credential.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kubeiam::token {

ApiVersionChoice ChooseApiVersion(std::string_view exec_info) {
  if (exec_info.empty()) return {std::string(kExecV1beta1), ""};
  boost::system::error_code ec;
  auto v = boost::json::parse(exec_info, ec);
  if (ec || !v.is_object()) {
    return {std::string(kExecV1beta1),
            "Error parsing KUBERNETES_EXEC_INFO, defaulting to " + std::string(kExecV1beta1) +
                ". This is likely a bug in your Kubernetes client. Please update your Kubernetes client."};
  }
  const auto* api = v.as_object().if_contains("apiVersion");
  std::string version = api && api->is_string() ? std::string(api->as_string().c_str()) : std::string();
  if (version == kExecV1 || version == kExecV1beta1) return {version, ""};
  if (version == "client.authentication.k8s.io/v1alpha1") {
    return {version, "Kubeconfig user entry is using deprecated API version " + version +
                         ". Update it to " + std::string(kExecV1) + "."};
  }
  return {std::string(kExecV1beta1), "Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to " +
                                         std::string(kExecV1beta1) + "."};
}

std::string FormatExecCredential(std::string_view api_version, std::string_view token, TimePoint expiration) {
  boost::json::object status;
  status["expirationTimestamp"] = FormatRfc3339(expiration);
  status["token"] = token;
  boost::json::object root;
  root["kind"] = "ExecCredential";
  root["apiVersion"] = api_version;
  root["spec"] = boost::json::object();
  root["status"] = std::move(status);
  return boost::json::serialize(root);
}

}  // namespace kubeiam::token
