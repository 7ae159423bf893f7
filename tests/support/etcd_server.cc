#include "support/etcd_server.h"

#include <chrono>
#include <thread>

#include <signal.h>
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

struct EtcdCluster::Member {
  std::string name, client, peer;
  std::unique_ptr<Process> process;
};

EtcdCluster::~EtcdCluster() = default;

std::unique_ptr<EtcdCluster> EtcdCluster::Start(int members, std::string* error) {
  std::unique_ptr<EtcdCluster> c(new EtcdCluster);
  for (int i = 0; i < members; ++i) {
    auto m = std::make_unique<Member>();
    m->name = "m" + std::to_string(i + 1);
    m->client = "http://127.0.0.1:" + std::to_string(FreePort());
    m->peer = "http://127.0.0.1:" + std::to_string(FreePort());
    c->initial_cluster_ += (i ? "," : "") + m->name + "=" + m->peer;
    c->members_.push_back(std::move(m));
  }
  for (int i = 0; i < members; ++i) c->Launch(i, true);
  for (int i = 0; i < members; ++i) {
    if (!c->Healthy(i)) {
      *error = "etcd member " + std::to_string(i + 1) + " did not start (is Debian's etcd-server installed?)";
      return nullptr;
    }
  }
  return c;
}

int EtcdCluster::size() const { return int(members_.size()); }
const std::string& EtcdCluster::url(int member) const { return members_[member]->client; }

void EtcdCluster::Launch(int i, bool fresh) {
  Member& m = *members_[i];
  std::string data = dir_.path() + "/" + m.name;
  m.process = std::make_unique<Process>(
      std::vector<std::string>{"etcd", "--name", m.name, "--data-dir", data, "--listen-client-urls", m.client,
                               "--advertise-client-urls", m.client, "--listen-peer-urls", m.peer,
                               "--initial-advertise-peer-urls", m.peer, "--initial-cluster", initial_cluster_,
                               "--initial-cluster-state", fresh ? "new" : "existing", "--initial-cluster-token",
                               "kubeiam-test", "--heartbeat-interval", "50", "--election-timeout", "500",
                               "--log-level", "warn"},
      std::map<std::string, std::string>{}, data + ".log");
}

void EtcdCluster::Stop(int member) {
  if (members_[member]->process) members_[member]->process->Stop();
  members_[member]->process.reset();
}

void EtcdCluster::Kill(int member) {
  if (!members_[member]->process) return;
  members_[member]->process->Signal(SIGKILL);
  members_[member]->process->Stop();
  members_[member]->process.reset();
}

void EtcdCluster::Restart(int member) { Launch(member, false); }

bool EtcdCluster::Healthy(int member) const {
  for (int i = 0; i < 50; ++i) {
    // A linearizable read needs the leader and a quorum.
    auto read = http::Fetch({.method = "POST", .url = url(member) + "/v3/kv/range", .body = R"({"key":"aGVhbHRo"})",
                             .timeout = std::chrono::milliseconds(500)});
    if (read && read->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
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
