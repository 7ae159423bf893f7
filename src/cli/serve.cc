// kubeiam serve --config FILE: the webhook authenticator and, when configured, the embedded
// local STS on its own HTTPS listener. SIGTERM/SIGINT drain and stop; SIGHUP and file edits
// reload the aws-auth and DynamicFile mappings.
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "server/startup.h"
#include "config/config.h"
#include "server/eks_api.h"
#include "server/kube_api.h"
#include "server/http_server.h"
#include "util/log.h"

namespace kubeiam::cli {
namespace {

// As Go programs do: the soft limit on open files up to the hard one, so that a burst of
// clients meets the connection cap (server.maxConnections) before it meets EMFILE.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void CountServerEvents(server::HttpServer& http, server::Metrics& metrics) {
  http.SetEventCounter([&metrics](std::string_view event, std::string_view listener) {
    metrics.Count("kubeiam_http_" + std::string(event) + "_total", "listener=\"" + std::string(listener) + "\"");
  });
  metrics.AddSource([&http] {
    std::string out = "# TYPE kubeiam_http_open_connections gauge\n";
    for (const auto& [name, open] : http.OpenConnections()) {
      out += "kubeiam_http_open_connections{listener=\"" + name + "\"} " + std::to_string(open) + "\n";
    }
    return out;
  });
}

// glibc keeps the memory of closed connections in its arenas; after many have closed, hand it
// back to the system so that a burst of idle clients does not leave the process large.
void ReturnFreedMemory(const server::HttpServer& http, uint64_t& closed_at_trim) {
  uint64_t closed = http.ClosedConnections();
  if (closed - closed_at_trim < 64) return;
  closed_at_trim = closed;
  malloc_trim(0);
}

int Run(const std::string& config_path) {
  auto config = config::LoadConfig(config_path);
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 1;
  }
  auto parts = server::Bootstrap(*config);
  if (!parts) {
    std::cerr << "kubeiam serve: " << parts.error().message << "\n";
    return 1;
  }
  // Signals are taken synchronously by a waiting thread, never by a handler mid-request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  RaiseDescriptorLimit();
  // A write past a file-size limit fails (the store reports it) instead of killing the server.
  signal(SIGXFSZ, SIG_IGN);
  server::HttpServer http(config->threads, config->handler_threads);
  server::Authenticator* auth = parts->authenticator.get();
  CountServerEvents(http, auth->metrics());
  server::ListenerOptions main{config->address, config->port, parts->tls.server_cert, parts->tls.server_key};
  main.max_connections = size_t(config->max_connections);
  auto port = http.Listen(main, [auth](const server::HttpRequest& r) { return auth->Handle(r); });
  if (!port) {
    std::cerr << "kubeiam serve: " << port.error().message << "\n";
    return 1;
  }
  if (parts->local_sts) {
    auto sts = parts->local_sts;
    server::ListenerOptions opts{config->local_sts->address, config->local_sts->port, parts->tls.server_cert,
                                 parts->tls.server_key};
    opts.name = "localSTS";
    opts.max_connections = size_t(config->max_connections);
    auto sts_port = http.Listen(opts, [sts](const server::HttpRequest& r) {
      sts::StsAnswer a = sts->Handle({r.method, r.target, r.headers, r.body}, Clock::now());
      return server::HttpResponse{a.status, a.content_type, a.body, {}};
    });
    if (!sts_port) {
      std::cerr << "kubeiam serve: local STS: " << sts_port.error().message << "\n";
      return 1;
    }
    std::cerr << "{\"msg\":\"local STS listening\",\"address\":\"https://" << config->local_sts->HostPort() << "\"}\n";
  }
  // The optional listeners, each with the server's certificate.
  auto listen = [&](const char* what, const std::string& address, int port, server::Handler handler,
                    size_t max_body = 1 << 20,
                    server::ListenerOptions::Threads threads = server::ListenerOptions::Threads::kNetworkFirst) -> bool {
    server::ListenerOptions opts{address, port, parts->tls.server_cert, parts->tls.server_key, max_body};
    opts.name = what;
    opts.threads = threads;
    opts.max_connections = size_t(config->max_connections);
    auto bound = http.Listen(opts, std::move(handler));
    if (!bound) {
      std::cerr << "kubeiam serve: " << what << ": " << bound.error().message << "\n";
      return false;
    }
    std::cerr << "{\"msg\":\"" << what << " listening\",\"address\":\"https://" << address << ":" << *bound << "\"}\n";
    return true;
  };
  std::unique_ptr<server::EksApi> eks_api;
  if (config->eks_api) {
    eks_api = std::make_unique<server::EksApi>(parts->store, parts->local_sts, auth);
    auto api = eks_api.get();
    // Every EKS API call reads or writes the store: on the handler threads from the start.
    if (!listen("eksAPI", config->eks_api->address, config->eks_api->port,
                [api](const server::HttpRequest& r) { return api->Handle(r); }, 1 << 20,
                server::ListenerOptions::Threads::kHandler)) {
      return 1;
    }
  }
  std::unique_ptr<server::KubeApi> kube_api;
  if (config->kube_api) {
    std::shared_ptr<const server::Upstream> upstream;
    if (config->kube_api->upstream) {
      auto u = server::Upstream::Create(*config->kube_api->upstream);
      if (!u) {
        std::cerr << "kubeiam serve: " << u.error().message << "\n";
        return 1;
      }
      upstream = *u;
      std::cerr << "{\"msg\":\"kubeAPI proxies to an upstream\",\"upstream\":"
                << boost::json::serialize(boost::json::value(config->kube_api->upstream->url))
                << ",\"authorization\":\""
                << (config->kube_api->upstream->authorization == config::UpstreamConfig::Authorization::kUpstream ? "upstream"
                                                                                                          : "kubeiam")
                << "\"}\n";
    }
    kube_api = std::make_unique<server::KubeApi>(auth, config->kube_api->objects, upstream);
    auto front = kube_api.get();
    // As the API server: request bodies up to 3 MiB.
    if (!listen("kubeAPI", config->kube_api->address, config->kube_api->port,
                [front](const server::HttpRequest& r) { return front->Handle(r); }, 3u << 20)) {
      return 1;
    }
  }
  if (auto s = server::WriteWebhookKubeconfigs(parts->tls, config->hostname, *port); !s) {
    std::cerr << "kubeiam serve: " << s.error().message << "\n";
    return 1;
  }
  http.Start();
  std::cerr << "{\"msg\":\"listening\",\"address\":\"" << server::AuthenticateUrl(config->address, *port)
            << "\",\"webhookKubeconfig\":\"" << parts->tls.kubeconfig << "\",\"authorizeKubeconfig\":\""
            << parts->tls.authorize_kubeconfig << "\",\"ca\":\"" << parts->tls.ca_cert << "\"}\n";

  // Mapping and RBAC sources: a file change is served within milliseconds (inotify), a store
  // write from another process within 20 ms.
  auth->sources().Watch([](const Error& e) {
    Log(LogLevel::kError, "reload failed, previous mappings kept", {{"error", e.message}});
  });
  std::atomic<bool> stop{false};
  std::thread housekeeping([&] {
    uint64_t closed_at_trim = 0;
    while (!stop.load()) {
      ReturnFreedMemory(http, closed_at_trim);
      if (kube_api) kube_api->Refresh();
      for (int i = 0; i < 5 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      auto next = config::LoadConfig(config_path);
      if (!next) {
        std::cerr << "{\"level\":\"error\",\"msg\":\"SIGHUP: config not reloaded\",\"error\":"
                  << boost::json::serialize(boost::json::value(next.error().message)) << "}\n";
        continue;
      }
      auto applied = auth->Reconfigure(*next);
      if (!applied) {
        std::cerr << "{\"level\":\"error\",\"msg\":\"SIGHUP: config not reloaded\",\"error\":"
                  << boost::json::serialize(boost::json::value(applied.error().message)) << "}\n";
        continue;
      }
      for (const auto& w : *applied) {
        std::cerr << "{\"level\":\"warning\",\"msg\":" << boost::json::serialize(boost::json::value(w)) << "}\n";
      }
      std::cerr << "{\"msg\":\"config reloaded\"}\n";
      continue;
    }
    break;
  }
  std::cerr << "{\"msg\":\"shutting down\"}\n";
  stop = true;
  housekeeping.join();
  auth->sources().StopWatching();
  http.Stop();
  return 0;
}

}  // namespace

Runner AddServeCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("serve", "Run the webhook authenticator (and the local STS)");
  cmd->add_option("-c,--config", *path, "Config file")->required();
  return [path] { return Run(*path); };
}

}  // namespace kubeiam::cli
