// kubeiam: one binary, one subcommand per file in this folder.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"kubeiam: AWS IAM login and access for Kubernetes"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for all commands");
  std::map<CLI::App*, kubeiam::cli::Runner> runners;
  auto add = [&](kubeiam::cli::Runner r) { runners[app.get_subcommands({}).back()] = std::move(r); };
  add(kubeiam::cli::AddTokenCommand(app));
  add(kubeiam::cli::AddServeCommand(app));
  add(kubeiam::cli::AddInitCommand(app));
  add(kubeiam::cli::AddVerifyCommand(app));
  add(kubeiam::cli::AddWhoamiCommand(app));
  add(kubeiam::cli::AddCanICommand(app));
  add(kubeiam::cli::AddWhoCanCommand(app));
  add(kubeiam::cli::AddLookupCommand(app));
  add(kubeiam::cli::AddAccessMatrixCommand(app));
  add(kubeiam::cli::AddVersionCommand(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors (unknown flag, missing value, no command) exit 2, like most Unix tools.
    std::cerr << "kubeiam: " << e.what() << "\nRun with --help for more information.\n";
    return 2;
  }
  for (auto* sub : app.get_subcommands()) {
    if (auto it = runners.find(sub); it != runners.end()) return it->second();
  }
  return 2;
}
