// Runs the kubeiam binary (or any command) with a controlled environment and captures stdout,
// stderr and the exit code.
#pragma once

#include <map>
#include <memory>
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

// The kubeiam binary under test with `args`, in an empty environment.
Outcome RunKubeiam(std::vector<std::string> args);

// A background process (a server under test), stopped with SIGTERM when the object dies.
class Process {
 public:
  // stderr goes to `log_path`; stdout is discarded.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::string& log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  bool running() const;
  int pid() const { return pid_; }
  int Stop();  // SIGTERM, wait; returns the exit code
  void Signal(int sig) const;

 private:
  void ArchiveLog() const;
  int pid_ = -1;
  int exit_code_ = -1;
  std::string log_path_;
};

// `kubeiam serve --config DIR/config.yaml` (stderr to DIR/serve.log, PATH only), once its
// https://127.0.0.1:PORT/healthz answers with DIR/state/ca.crt (or 5 s have passed).
std::unique_ptr<Process> StartServe(const std::string& dir, int port);

// True when `kubectl auth whoami -o json` output shows exactly `group` besides
// system:authenticated (every user's): a reload that drops a group shows only once it is gone.
bool WhoamiGroupsAre(const std::string& whoami_json, const std::string& group);

// A kubeconfig for the API front on 127.0.0.1:api_port (trusting `ca_file`) whose user gets its
// token from `kubeiam token` against the local STS on sts_port, with these access keys.
std::string ExecKubeconfig(int api_port, int sts_port, const std::string& ca_file, const std::string& key,
                           const std::string& secret);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace kubeiam::testing
