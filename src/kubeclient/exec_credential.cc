#include "kubeclient/exec_credential.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "util/subprocess.h"
#include "util/time.h"

namespace kubeiam::kubeclient {
namespace {

std::string ExecInfo(const ExecPlugin& plugin) {
  boost::json::object info{{"apiVersion", plugin.api_version}, {"kind", "ExecCredential"},
                           {"spec", boost::json::object{{"interactive", false}}}};
  return boost::json::serialize(info);
}

std::string Member(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Result<ExecCredential> ParseExecCredential(const std::string& out, const std::string& api_version) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(out, ec);
  const boost::json::object* root = ec ? nullptr : doc.if_object();
  if (!root) return Fail(ErrorCode::kFormat, "exec plugin: decoding stdout: not a JSON object");
  if (Member(*root, "kind") != "ExecCredential" || Member(*root, "apiVersion") != api_version) {
    return Fail(ErrorCode::kFormat, "exec plugin: expected an ExecCredential of apiVersion " + api_version);
  }
  const auto* status = root->if_contains("status");
  if (!status || !status->is_object()) return Fail(ErrorCode::kFormat, "exec plugin: invalid output: status is missing");
  ExecCredential c{Member(status->as_object(), "token"), Member(status->as_object(), "clientCertificateData"),
                   Member(status->as_object(), "clientKeyData"), std::nullopt};
  if (c.token.empty() && c.cert_pem.empty()) {
    return Fail(ErrorCode::kFormat, "exec plugin: invalid output: neither a token nor a client certificate");
  }
  if (std::string when = Member(status->as_object(), "expirationTimestamp"); !when.empty()) {
    auto t = ParseRfc3339(when);
    if (!t) return Fail(ErrorCode::kFormat, "exec plugin: invalid expirationTimestamp \"" + when + "\"");
    c.expires = *t;
  }
  return c;
}

Result<ExecCredential> RunExecPlugin(const ExecPlugin& plugin) {
  std::vector<std::string> argv = {plugin.command};
  argv.insert(argv.end(), plugin.args.begin(), plugin.args.end());
  auto env = plugin.env;
  env.emplace_back("KUBERNETES_EXEC_INFO", ExecInfo(plugin));
  auto run = RunAndCapture(argv, env);
  if (!run) {
    if (run.error().code == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kUnauthenticated, "exec: executable " + plugin.command + " not found");
    }
    return std::unexpected(run.error());
  }
  if (run->exit_code != 0) {
    return Fail(ErrorCode::kUnauthenticated, "exec: executable " + plugin.command + " failed with exit code " +
                                                 std::to_string(run->exit_code));
  }
  return ParseExecCredential(run->out, plugin.api_version);
}

}  // namespace kubeiam::kubeclient
