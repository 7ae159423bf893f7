// kubeiam lint aws-auth.yaml [--config FILE] [-o json]: the mistakes that silently break an
// aws-auth ConfigMap, each with its line and a fix; exit 1 when any is an error. With
// --kubeconfig/--context instead of a file: the live cluster's kube-system/aws-auth.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/aws_auth_location.h"
#include "cli/commands.h"
#include "identity/aws_auth_lint.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

struct Options {
  std::string file, config, store, output;
  StateOptions cluster;  // --kubeconfig / --context
};

// The manifest: the file, or the live cluster's aws-auth (named "kube-system/aws-auth").
Result<std::string> ReadManifest(Options& o) {
  if (!o.file.empty()) return ReadFile(o.file);
  if (!o.cluster.LiveCluster()) {
    return Fail(ErrorCode::kInvalidArgument, "give an aws-auth manifest, or --kubeconfig/--context to lint the cluster's");
  }
  auto cluster = OpenLiveCluster(o.cluster);
  if (!cluster) return std::unexpected(cluster.error());
  auto text = (*cluster)->AwsAuth();
  if (!text) return std::unexpected(text.error());
  if (!*text) return Fail(ErrorCode::kNotFound, "the cluster has no kube-system/aws-auth ConfigMap");
  o.file = "kube-system/aws-auth";
  return **text;
}

int Run(Options o) {
  auto text = ReadManifest(o);
  if (!text) {
    std::cerr << "kubeiam: " << text.error().message << "\n";
    return 2;
  }
  auto findings = identity::LintAwsAuth(*text, AdministratorsOutsideAwsAuth(o.config, o.store));
  bool errors = false;
  boost::json::array out;
  for (const auto& f : findings) {
    errors |= f.error;
    if (o.output == "json") {
      out.push_back(boost::json::object{{"line", f.line}, {"severity", f.error ? "error" : "warning"},
                                        {"message", f.message}, {"fix", f.fix}});
    } else {
      std::cout << o.file << (f.line ? ":" + std::to_string(f.line) : "") << ": " << (f.error ? "error" : "warning") << ": "
                << f.message << "\n";
      if (!f.fix.empty()) std::cout << "  fix: " << f.fix << "\n";
    }
  }
  if (o.output == "json") std::cout << boost::json::serialize(out) << "\n";
  if (o.output != "json" && findings.empty()) std::cout << o.file << ": no problems found\n";
  return errors ? 1 : 0;
}

}  // namespace

Runner AddLintCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("lint", "Find the mistakes and lock-out risks in an aws-auth ConfigMap");
  auto* file = cmd->add_option("file", o->file, "aws-auth ConfigMap manifest (or --kubeconfig/--context: the cluster's)");
  cmd->add_option("--kubeconfig", o->cluster.kubeconfig, "Lint the aws-auth of this kubeconfig's cluster")->excludes(file);
  cmd->add_option("--context", o->cluster.context, "Lint the aws-auth of this kubeconfig context's cluster")->excludes(file);
  AddInsecureSkipTlsVerify(cmd, o->cluster.insecure_skip_tls_verify)->excludes(file);
  cmd->add_option("--config", o->config, "Server config whose other administrators count (config, access entries)");
  cmd->add_option("--store", o->store, "Access-entry store whose cluster administrators count");
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
