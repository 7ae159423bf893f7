#include "support/etcd_server.h"

#include <chrono>
#include <thread>

#include <unistd.h>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/temp_dir.h"

namespace kubeiam::testing {

struct EtcdServer::Impl {
  TempDir dir;
  std::unique_ptr<Process> process;
};

EtcdServer::~EtcdServer() = default;

std::unique_ptr<EtcdServer> EtcdServer::Start(std::string* error) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (auto e = TryStartOnce(error)) return e;
  }
  return nullptr;
}

std::unique_ptr<EtcdServer> EtcdServer::TryStartOnce(std::string* error) {
  std::unique_ptr<EtcdServer> e(new EtcdServer);
  e->impl_ = std::make_unique<Impl>();
  int client = FreePort(), peer = FreePort();
  e->url_ = "http://127.0.0.1:" + std::to_string(client);
  std::string peer_url = "http://127.0.0.1:" + std::to_string(peer);
  std::string dir = e->impl_->dir.path();
  e->impl_->process = std::make_unique<Process>(
      std::vector<std::string>{"etcd", "--name", "test", "--data-dir", dir + "/data", "--listen-client-urls", e->url_,
                               "--advertise-client-urls", e->url_, "--listen-peer-urls", peer_url,
                               "--initial-advertise-peer-urls", peer_url, "--initial-cluster", "test=" + peer_url,
                               "--log-level", "warn"},
      std::map<std::string, std::string>{}, dir + "/etcd.log");
  for (int i = 0; i < 100; ++i) {
    auto health = http::Fetch({.url = e->url_ + "/health", .timeout = std::chrono::milliseconds(500)});
    if (health && health->status == 200 && health->body.find("true") != std::string::npos) return e;
    if (!e->impl_->process->running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *error = "etcd did not start (is Debian's etcd-server installed? scripts/install-deps installs it)";
  return nullptr;
}

std::string SharedEtcd(std::string* error) {
  static std::string why;
  static const pid_t owner = getpid();
  // Never destroyed by a forked child that happens to exit normally: only the starter stops it.
  static EtcdServer* etcd = EtcdServer::Start(&why).release();
  static struct Stop {
    ~Stop() {
      if (getpid() == owner) delete etcd;
    }
  } stop;
  *error = why;
  return etcd ? etcd->url() : "";
}

}  // namespace kubeiam::testing
