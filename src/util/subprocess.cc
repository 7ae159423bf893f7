#include "util/subprocess.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace kubeiam {
namespace {

std::vector<std::string> MergedEnvironment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [k, v] : extra) overridden |= entry.starts_with(k + "=");
    if (!overridden) env.emplace_back(entry);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads until EOF; past `max_out` keeps draining (so the child never blocks) but reports it.
bool ReadAll(int fd, std::string& out, size_t max_out) {
  char buf[4096];
  bool too_big = false;
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() + size_t(n) > max_out) too_big = true;
    if (!too_big) out.append(buf, size_t(n));
  }
  return !too_big;
}

}  // namespace

Result<ProcessOutput> RunAndCapture(const std::vector<std::string>& argv,
                                    const std::vector<std::pair<std::string, std::string>>& extra_env, size_t max_out) {
  if (argv.empty()) return Fail(ErrorCode::kInvalidArgument, "no program to run");
  int fds[2];
  if (pipe(fds) != 0) return Fail(ErrorCode::kInternal, "cannot create a pipe: " + std::string(strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> args = argv, env = MergedEnvironment(extra_env);
  std::vector<char*> arg_ptrs = Pointers(args), env_ptrs = Pointers(env);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, arg_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Fail(ErrorCode::kNotFound, "cannot run " + argv[0] + ": " + strerror(rc));
  }
  ProcessOutput result;
  bool fits = ReadAll(fds[0], result.out, max_out);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!fits) return Fail(ErrorCode::kFormat, argv[0] + ": output is larger than " + std::to_string(max_out >> 10) + " KiB");
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace kubeiam
