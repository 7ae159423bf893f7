// state::ClusterObjects kept current by list + watch, as client-go's informers keep a cache:
// each collection (the RBAC kinds, kube-system/aws-auth) is listed, then watched from the
// list's resourceVersion with bookmarks. A watch the server ends is opened again from the last
// version seen; "too old" (410 Gone) lists again; a lost server is retried after a pause that
// doubles up to a ceiling, with jitter so that replicas spread out. Meanwhile the last good
// objects keep serving, and Metrics says how long they have gone unconfirmed.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kubeclient/kube_client.h"
#include "state/cluster_objects.h"

namespace kubeiam::kubeclient {

struct MirrorOptions {
  bool rbac = true;      // watch the RBAC kinds
  bool aws_auth = true;  // watch kube-system/aws-auth
  std::chrono::seconds watch_timeout{240};  // asked of the server: it ends each watch after this
  // Silence that ends a watch (it is opened again from the last version): a connection that
  // died without a word is noticed.
  std::chrono::seconds idle{90};
  std::chrono::milliseconds first_backoff{200}, max_backoff{30000};
  // Lost and regained contact, relists: one line each (a level and a message).
  std::function<void(bool warning, const std::string& message)> log;
};

class ClusterMirror : public state::ClusterObjects {
 public:
  // Lists every collection once (errors as ReadClusterObjects gives them: nothing is served
  // from a cluster never read), then watches each on a thread of its own until destroyed.
  static Result<std::shared_ptr<ClusterMirror>> Start(KubeClient client, MirrorOptions options);
  ~ClusterMirror() override;

  Result<rbac::Objects> Rbac() override;
  Result<std::optional<std::string>> AwsAuth() override;
  uint64_t Generation() const override { return generation_.load(); }
  void OnChange(std::function<void()> call) override;

  // Prometheus text: per collection, whether it is current (0 once a watch or list failed,
  // until one opens again), for how long it has not been (seconds), relists and reconnects.
  std::string Metrics() const;

 private:
  struct Feed;
  ClusterMirror(KubeClient client, MirrorOptions options);
  // How one watch ended: the server ended it (quiet: at once, with no event), 410 Gone, or a
  // failure.
  struct WatchEnd {
    enum Kind { kEnded, kGone, kFailed } kind;
    Error error;
    bool quiet = false;
  };
  void Run(Feed& feed);
  Status Relist(Feed& feed);
  WatchEnd WatchOnce(Feed& feed);
  std::optional<WatchEnd> ApplyEvent(Feed& feed, std::string_view line);
  void Changed();
  void Lost(Feed& feed, const Error& error);

  KubeClient client_;
  MirrorOptions options_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::atomic<uint64_t> generation_{1};
  std::atomic<bool> stop_{false};
  std::mutex call_mu_;  // guards on_change_
  std::function<void()> on_change_;
};

}  // namespace kubeiam::kubeclient
