// kubeiam: one binary, one subcommand per file in this folder.
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"kubeiam: AWS IAM login and access for Kubernetes"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for all commands");
  using Add = kubeiam::cli::Runner (*)(CLI::App&);
  static const std::pair<const char*, Add> kCommands[] = {
      {"token", kubeiam::cli::AddTokenCommand},       {"serve", kubeiam::cli::AddServeCommand},
      {"init", kubeiam::cli::AddInitCommand},         {"verify", kubeiam::cli::AddVerifyCommand},
      {"whoami", kubeiam::cli::AddWhoamiCommand},     {"can-i", kubeiam::cli::AddCanICommand},
      {"who-can", kubeiam::cli::AddWhoCanCommand},    {"lookup", kubeiam::cli::AddLookupCommand},
      {"access-matrix", kubeiam::cli::AddAccessMatrixCommand}, {"version", kubeiam::cli::AddVersionCommand},
      {"access-entry", kubeiam::cli::AddAccessEntryCommand}, {"mapping", kubeiam::cli::AddMappingCommand},
      {"lint", kubeiam::cli::AddLintCommand},                 {"migrate", kubeiam::cli::AddMigrateCommand},
      {"update-kubeconfig", kubeiam::cli::AddUpdateKubeconfigCommand}, {"explain", kubeiam::cli::AddExplainCommand},
      {"doctor", kubeiam::cli::AddDoctorCommand},     {"store", kubeiam::cli::AddStoreCommand},
  };
  // kubectl starts `kubeiam token` before every command: build only the command asked for (all
  // of them for help or an unknown command, so the usage lists everything).
  std::string_view asked = argc > 1 ? argv[1] : "";
  bool known = false;
  for (const auto& [name, add] : kCommands) known |= asked == name;
  std::map<CLI::App*, kubeiam::cli::Runner> runners;
  for (const auto& [name, add] : kCommands) {
    if (known && asked != name) continue;
    auto runner = add(app);
    runners[app.get_subcommands({}).back()] = std::move(runner);
  }
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
