// Runs the kubeiam binary (or any command) with a controlled environment and captures stdout,
// stderr and the exit code.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kubeiam::testing {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// argv[0] is the program; `env` is the whole environment of the child (nothing inherited but PATH).
Outcome Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& stdin_text = "");

}  // namespace kubeiam::testing
