#include "aws/process_credentials.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

extern char** environ;

namespace kubeiam::aws {

Result<Credentials> ProcessCredentials(const std::string& command) {
  int fds[2];
  if (pipe(fds) != 0) return Fail(ErrorCode::kInternal, "credential_process: cannot create a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return Fail(ErrorCode::kInternal, "credential_process: cannot start /bin/sh");
  }
  std::string out;
  char buf[4096];
  bool too_big = false;
  while (true) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() + size_t(n) > (1u << 20)) {
      too_big = true;
      break;
    }
    out.append(buf, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_big) return Fail(ErrorCode::kFormat, "credential_process: output is larger than 1 MiB");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(ErrorCode::kUnauthenticated,
                "Error when retrieving credentials from custom-process: the command exited with status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  const boost::json::value* version = (!ec && v.is_object()) ? v.as_object().if_contains("Version") : nullptr;
  if (!version || !version->is_int64() || version->as_int64() != 1) {
    return Fail(ErrorCode::kFormat, "credential_process: output must be a JSON object with \"Version\": 1");
  }
  return ParseJsonCredentials(out, "credential_process");
}

}  // namespace kubeiam::aws
