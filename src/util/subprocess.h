// Runs a helper program (credential_process, kubeconfig exec plugins) and captures its standard
// output; its stderr passes through to ours, since such helpers may prompt or explain.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace kubeiam {

struct ProcessOutput {
  int exit_code = -1;  // -1 when it died of a signal
  std::string out;
};

// argv[0] is looked up on PATH; `extra_env` is added to (and overrides) our environment.
// Errors: kNotFound when the program cannot be started, kFormat when it prints more than
// `max_out` bytes.
Result<ProcessOutput> RunAndCapture(const std::vector<std::string>& argv,
                                    const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                                    size_t max_out = 1u << 20);

}  // namespace kubeiam
