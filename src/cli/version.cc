#include <iostream>

#include "cli/commands.h"

namespace kubeiam::cli {

Runner AddVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the kubeiam version");
  auto short_flag = std::make_shared<bool>(false);
  auto output = std::make_shared<std::string>();
  cmd->add_flag("-s,--short", *short_flag, "Print the version number only");
  cmd->add_option("-o,--output", *output, "json (the reference authenticator's shape) or yaml")->check(CLI::IsMember({"json", "yaml"}));
  return [short_flag, output] {
    if (*short_flag) {
      std::cout << KUBEIAM_VERSION << "\n";
    } else if (*output == "yaml") {
      std::cout << "Version: " << KUBEIAM_VERSION << "\n";
    } else if (*output == "json") {
      std::cout << "{\"Version\":\"" << KUBEIAM_VERSION << "\"}\n";
    } else {
      std::cout << "kubeiam version " << KUBEIAM_VERSION << "\n";
    }
    return 0;
  };
}

}  // namespace kubeiam::cli
