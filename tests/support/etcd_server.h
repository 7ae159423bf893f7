// A real etcd (Debian's etcd-server) for tests: one member on free loopback ports with its data
// in a temporary folder, stopped when the object goes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace kubeiam::testing {

class EtcdServer {
 public:
  // Once etcd answers /health; null with `error` set when it could not be started.
  static std::unique_ptr<EtcdServer> Start(std::string* error);
  ~EtcdServer();
  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT

 private:
  static std::unique_ptr<EtcdServer> TryStartOnce(std::string* error);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string url_;
};

// A cluster of real etcd members on loopback ports, each with its data kept in a temporary
// folder, so that a member can be stopped and started again (it rejoins with its data).
class EtcdCluster {
 public:
  // Once every member answers /health; null with `error` set otherwise.
  static std::unique_ptr<EtcdCluster> Start(int members, std::string* error);
  ~EtcdCluster();
  int size() const;
  const std::string& url(int member) const;  // http://127.0.0.1:PORT
  void Stop(int member);                     // SIGTERM and wait
  void Kill(int member);                     // SIGKILL and wait
  // Starts a stopped member again, without waiting: a member answers no client until it has
  // rejoined a quorum (Healthy waits for that).
  void Restart(int member);
  // Whether the cluster answers a linearizable read through `member` within 5 s (a quorum).
  bool Healthy(int member) const;

 private:
  struct Member;
  EtcdCluster() = default;
  void Launch(int member, bool fresh);
  TempDir dir_;
  std::vector<std::unique_ptr<Member>> members_;
  std::string initial_cluster_;
};

// The one etcd of this test process, started on first use (before any test forks): its URL, or
// "" with `error` set.
std::string SharedEtcd(std::string* error);

}  // namespace kubeiam::testing
