// kubeiam lint aws-auth.yaml [--config FILE] [-o json]: the mistakes that silently break an
// aws-auth ConfigMap, each with its line and a fix; exit 1 when any is an error.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "identity/aws_auth_lint.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

struct Options {
  std::string file, config, store, output;
};

int Run(const Options& o) {
  auto text = ReadFile(o.file);
  if (!text) {
    std::cerr << "error: " << text.error().message << "\n";
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
  return errors ? 1 : 0;
}

}  // namespace

Runner AddLintCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("lint", "Find the mistakes and lock-out risks in an aws-auth ConfigMap");
  cmd->add_option("file", o->file, "aws-auth ConfigMap manifest")->required();
  cmd->add_option("--config", o->config, "Server config whose other administrators count (config, access entries)");
  cmd->add_option("--store", o->store, "Access-entry store whose cluster administrators count");
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
