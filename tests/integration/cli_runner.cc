#include "integration/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <random>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>

#include "http/client.h"
#include "support/paths.h"

namespace kubeiam::testing {
namespace {

// argv and environment as the NULL-terminated arrays posix_spawn wants; `storage` owns the text.
struct SpawnArgs {
  std::vector<std::string> storage;
  std::vector<char*> argv, envp;
  SpawnArgs(const std::vector<std::string>& args, const std::map<std::string, std::string>& env, bool add_path) {
    bool has_path = false;
    for (const auto& [k, v] : env) {
      storage.push_back(k + "=" + v);
      has_path |= k == "PATH";
    }
    if (add_path && !has_path) storage.push_back(std::string("PATH=") + (getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : storage) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
};

}  // namespace

Outcome Run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& stdin_text) {
  int out[2], err[2], in[2];
  if (pipe(out) || pipe(err) || pipe(in)) return {};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1]}) posix_spawn_file_actions_addclose(&fa, fd);
  SpawnArgs args(argv, env, true);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, args.argv.data(), args.envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  close(err[1]);
  close(in[0]);
  Outcome o;
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    close(in[1]);
    o.err = "cannot start " + argv[0];
    return o;
  }
  if (!stdin_text.empty()) {
    ssize_t ignored = write(in[1], stdin_text.data(), stdin_text.size());
    (void)ignored;
  }
  close(in[1]);
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[8192];
  while (open_fds > 0) {
    if (poll(fds, 2, 30000) <= 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? o.out : o.err).append(buf, size_t(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

Process::Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                 const std::string& log_path)
    : log_path_(log_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  SpawnArgs args(argv, env, false);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, args.argv.data(), args.envp.data()) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&fa);
}

bool Process::running() const {
  if (pid_ <= 0) return false;
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

int Process::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    ArchiveLog();
  }
  return exit_code_;
}

// Every server log the suite produced is kept for the secret scan that runs after it
// (tests/secret-scan, the ctest test SecretScan).
void Process::ArchiveLog() const {
  std::string archive = KUBEIAM_TEST_LOG_ARCHIVE;
  if (log_path_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(archive, ec);
  static std::atomic<int> n{0};
  std::string name = archive + "/" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".log";
  std::filesystem::copy_file(log_path_, name, std::filesystem::copy_options::overwrite_existing, ec);
}

Process::~Process() { Stop(); }

void Process::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int FreePort() {
  // Below the kernel's ephemeral range (32768 and up): a port the kernel handed out could be taken
  // by any outgoing connection (kubectl's, awscli's) before the server binds it. Random, so that
  // tests running in parallel processes rarely meet; bound once to see that it is free now.
  static std::mutex mu;
  static std::set<int> given;
  static std::mt19937 random(std::random_device{}());
  std::lock_guard<std::mutex> l(mu);
  for (int attempt = 0;; ++attempt) {
    int port = std::uniform_int_distribution<int>(20000, 32000)(random);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    bool free = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if ((free && given.insert(port).second) || attempt > 1000) return port;
  }
}

Outcome RunKubeiam(std::vector<std::string> args) {
  args.insert(args.begin(), KUBEIAM_BINARY);
  return Run(args, {});
}

std::unique_ptr<Process> StartServe(const std::string& dir, int port) {
  auto server = std::make_unique<Process>(std::vector<std::string>{KUBEIAM_BINARY, "serve", "--config", dir + "/config.yaml"},
                                          std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}}, dir + "/serve.log");
  for (int i = 0; i < 100; ++i) {
    auto r = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(port) + "/healthz",
                          .timeout = std::chrono::milliseconds(500), .ca_file = dir + "/state/ca.crt"});
    if (r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server;
}

bool WhoamiGroupsAre(const std::string& whoami_json, const std::string& group) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(whoami_json, ec);
  if (ec || !doc.is_object()) return false;
  const auto* status = doc.as_object().if_contains("status");
  const auto* info = status && status->is_object() ? status->as_object().if_contains("userInfo") : nullptr;
  const auto* groups = info && info->is_object() ? info->as_object().if_contains("groups") : nullptr;
  if (!groups || !groups->is_array()) return false;
  std::set<std::string> seen, want = {group, "system:authenticated"};
  for (const auto& g : groups->as_array()) {
    if (g.is_string()) seen.insert(std::string(g.as_string()));
  }
  return seen == want;
}

std::string ExecKubeconfig(int api_port, int sts_port, const std::string& ca_file, const std::string& key,
                           const std::string& secret) {
  return R"(apiVersion: v1
kind: Config
clusters:
- name: demo
  cluster:
    server: https://127.0.0.1:)" + std::to_string(api_port) + R"(
    certificate-authority: )" + ca_file + R"(
contexts:
- name: demo
  context: {cluster: demo, user: iam, namespace: default}
current-context: demo
users:
- name: iam
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: )" + std::string(KUBEIAM_BINARY) + R"(
      args: [token, -i, demo, --sts-endpoint, "https://127.0.0.1:)" + std::to_string(sts_port) + R"("]
      interactiveMode: Never
      env:
      - {name: AWS_ACCESS_KEY_ID, value: )" + key + R"(}
      - {name: AWS_SECRET_ACCESS_KEY, value: )" + secret + R"(}
      - {name: AWS_CA_BUNDLE, value: )" + ca_file + R"(}
)";
}

}  // namespace kubeiam::testing
