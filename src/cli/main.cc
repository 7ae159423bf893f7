// kubeiam: one binary, one subcommand per file in this folder.
//
// Exit codes, for every command: 0 success (and "yes" for can-i); 1 the command ran and the
// answer is no, or it failed (the message says which); 2 the command line is wrong (unknown
// command or flag, missing value). Every error line starts with "kubeiam: ".
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "util/did_you_mean.h"

namespace {

using Add = kubeiam::cli::Runner (*)(CLI::App&);

constexpr std::pair<const char*, Add> kCommands[] = {
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

constexpr const char* kFooter =
    "Exit codes: 0 success, 1 no or failed, 2 usage. Every config key, its default and whether SIGHUP applies it: "
    "docs/config.md.";

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const auto& [name, add] : kCommands) names.emplace_back(name);
  return names;
}

// The deepest command the parse reached (the one whose flags were being read).
const CLI::App* Deepest(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return Deepest(*sub);
  return &app;
}

// The word after `command` on the command line that is no flag: a subcommand's name as typed.
std::string WordAfter(const std::vector<std::string>& args, const std::string& command) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == command && !args[i + 1].starts_with("-")) return args[i + 1];
  }
  return "";
}

// " (did you mean --cluster-name?)" for an argument CLI11 did not expect (from the flags of the
// command it was given to), or for a mistyped subcommand (from that command's subcommands).
std::string Guess(const CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args) {
  const CLI::App* at = Deepest(app);
  std::vector<std::string> names;
  std::string typed;
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::string what = e.what();
    size_t colon = what.find(": ");
    if (colon == std::string::npos) return "";
    typed = what.substr(colon + 2, what.find(' ', colon + 2) - colon - 2);
  } else {
    typed = WordAfter(args, at->get_name());
  }
  if (typed.starts_with("--")) {
    for (const CLI::Option* o : at->get_options()) {
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    }
    typed = typed.substr(0, typed.find('='));
  } else {
    for (const CLI::App* sub : at->get_subcommands({})) names.push_back(sub->get_name());
  }
  return typed.empty() ? "" : kubeiam::DidYouMeanSuffix(typed, names);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kubeiam: AWS IAM login and access for Kubernetes"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for all commands");
  app.footer(kFooter);
  // kubectl starts `kubeiam token` before every command: build only the command asked for (all
  // of them for help, so the usage lists everything).
  std::string_view asked = argc > 1 ? argv[1] : "";
  bool known = false;
  for (const auto& [name, add] : kCommands) known |= asked == name;
  if (!known && !asked.empty() && asked[0] != '-') {
    std::cerr << "kubeiam: unknown command \"" << asked << "\"" << kubeiam::DidYouMeanSuffix(asked, CommandNames())
              << "\nRun 'kubeiam --help' for the commands.\n";
    return 2;
  }
  std::map<CLI::App*, kubeiam::cli::Runner> runners;
  for (const auto& [name, add] : kCommands) {
    if (known && asked != name) continue;
    auto runner = add(app);
    CLI::App* sub = app.get_subcommands({}).back();
    sub->footer(kFooter);
    runners[sub] = std::move(runner);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "kubeiam: " << e.what() << Guess(app, e, std::vector<std::string>(argv, argv + argc))
              << "\nRun with --help for more information.\n";
    return 2;
  }
  for (auto* sub : app.get_subcommands()) {
    if (auto it = runners.find(sub); it != runners.end()) return it->second();
  }
  return 2;
}
