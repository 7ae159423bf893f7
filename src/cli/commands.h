// Each command registers itself on the root CLI11 app and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace kubeiam::cli {

// Adds the subcommand; the returned function runs it (after parsing) and gives the exit code.
using Runner = std::function<int()>;

Runner AddTokenCommand(CLI::App& app);
Runner AddVersionCommand(CLI::App& app);
Runner AddServeCommand(CLI::App& app);
Runner AddInitCommand(CLI::App& app);
Runner AddVerifyCommand(CLI::App& app);
Runner AddWhoamiCommand(CLI::App& app);
Runner AddCanICommand(CLI::App& app);
Runner AddWhoCanCommand(CLI::App& app);
Runner AddLookupCommand(CLI::App& app);
Runner AddAccessMatrixCommand(CLI::App& app);
Runner AddAccessEntryCommand(CLI::App& app);
Runner AddMappingCommand(CLI::App& app);
Runner AddLintCommand(CLI::App& app);
Runner AddMigrateCommand(CLI::App& app);
Runner AddUpdateKubeconfigCommand(CLI::App& app);
Runner AddExplainCommand(CLI::App& app);
Runner AddDoctorCommand(CLI::App& app);
Runner AddStoreCommand(CLI::App& app);

}  // namespace kubeiam::cli
