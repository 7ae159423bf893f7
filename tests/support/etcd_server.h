// A real etcd (Debian's etcd-server) for tests: one member on free loopback ports with its data
// in a temporary folder, stopped when the object goes.
#pragma once

#include <memory>
#include <string>

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

// The one etcd of this test process, started on first use (before any test forks): its URL, or
// "" with `error` set.
std::string SharedEtcd(std::string* error);

}  // namespace kubeiam::testing
