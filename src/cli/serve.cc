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
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "server/startup.h"
#include "config/config.h"
#include "server/eks_api.h"
#include "kubeapi/front.h"
#include "http/http_server.h"
#include "util/file.h"
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

void CountServerEvents(http::HttpServer& http, server::Metrics& metrics) {
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
void ReturnFreedMemory(const http::HttpServer& http, uint64_t& closed_at_trim) {
  uint64_t closed = http.ClosedConnections();
  if (closed - closed_at_trim < 64) return;
  closed_at_trim = closed;
  malloc_trim(0);
}

// The running server: its listeners, the handlers they call, and what they share.
struct Server {
  Server(const config::Config& c, server::Parts& p) : config(c), parts(p), http(c.threads, c.handler_threads) {}
  const config::Config& config;
  server::Parts& parts;
  http::HttpServer http;
  std::unique_ptr<server::EksApi> eks_api;
  std::unique_ptr<kubeapi::Front> kube_api;
  int port = 0;  // the main listener's

  server::Authenticator& auth() { return *parts.authenticator; }
  http::ListenerOptions Options(const std::string& address, int port, const char* name, size_t max_body = 1 << 20) const {
    http::ListenerOptions o{address, port, parts.tls.server_cert, parts.tls.server_key, max_body};
    o.name = name;
    o.max_connections = size_t(config.max_connections);
    return o;
  }
};

// The Kubernetes front's URL as clients reach it: a wildcard address is named by the hostname.
std::string FrontUrl(const config::Config& c) {
  std::string host = c.kube_api->address;
  if (host == "0.0.0.0" || host == "::") host = c.hostname;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "https://" + host + ":" + std::to_string(c.kube_api->port);
}

// Signals are taken synchronously by a waiting thread, never by a handler mid-request.
sigset_t BlockSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

Status ListenMain(Server& s) {
  http::ListenerOptions main{s.config.address, s.config.port, s.parts.tls.server_cert, s.parts.tls.server_key};
  main.max_connections = size_t(s.config.max_connections);
  server::Authenticator* auth = &s.auth();
  auto port = s.http.Listen(main, [auth](const http::HttpRequest& r) { return auth->Handle(r); });
  if (!port) return std::unexpected(port.error());
  s.port = *port;
  return {};
}

Status ListenLocalSts(Server& s) {
  if (!s.parts.local_sts) return {};
  auto sts = s.parts.local_sts;
  auto bound = s.http.Listen(s.Options(s.config.local_sts->address, s.config.local_sts->port, "localSTS"),
                             [sts](const http::HttpRequest& r) {
                               sts::StsAnswer a = sts->Handle({r.method, r.target, r.headers, r.body}, Clock::now());
                               return http::HttpResponse{a.status, a.content_type, a.body, {}};
                             });
  if (!bound) return std::unexpected(bound.error().Wrap("local STS"));
  Log(LogLevel::kInfo, "local STS listening", {{"address", "https://" + s.config.local_sts->HostPort()}});
  return {};
}

// An optional listener, with the server's certificate.
Status ListenOn(Server& s, http::ListenerOptions options, http::Handler handler) {
  auto bound = s.http.Listen(options, std::move(handler));
  if (!bound) return std::unexpected(bound.error().Wrap(options.name));
  Log(LogLevel::kInfo, options.name + " listening", {{"address", "https://" + options.address + ":" + std::to_string(*bound)}});
  return {};
}

Status ListenEksApi(Server& s) {
  if (!s.config.eks_api) return {};
  s.eks_api = std::make_unique<server::EksApi>(s.parts.store, s.parts.local_sts, &s.auth());
  if (s.config.kube_api) {
    // DescribeCluster names the Kubernetes front as the cluster's endpoint, with the CA that signed it.
    auto ca = ReadFile(s.parts.tls.ca_cert, 1 << 20);
    s.eks_api->SetEndpoint({FrontUrl(s.config), ca ? *ca : ""});
  }
  auto api = s.eks_api.get();
  // Every EKS API call reads or writes the store: on the handler threads from the start.
  auto options = s.Options(s.config.eks_api->address, s.config.eks_api->port, "eksAPI");
  options.threads = http::ListenerOptions::Threads::kHandler;
  return ListenOn(s, options, [api](const http::HttpRequest& r) { return api->Handle(r); });
}

Result<std::shared_ptr<const http::Upstream>> OpenUpstream(const config::UpstreamConfig& up) {
  auto u = http::Upstream::Create({up.url, up.ca_file, up.client_cert, up.client_key, up.token_file, "kubeAPI.upstream"});
  if (!u) return std::unexpected(u.error());
  bool decides = up.authorization == config::UpstreamConfig::Authorization::kUpstream;
  Log(LogLevel::kInfo, "kubeAPI proxies to an upstream", {{"upstream", up.url}, {"authorization", decides ? "upstream" : "kubeiam"}});
  return *u;
}

// kubeAPI.audit: the policy read and checked, the log file opened (0600).
Result<std::shared_ptr<kubeapi::AuditLog>> OpenAuditLog(const config::AuditConfig& c) {
  auto text = ReadFile(c.policy_file);
  if (!text) return std::unexpected(text.error().Wrap("kubeAPI.audit.policyFile"));
  auto policy = kubeapi::AuditPolicy::Parse(*text, c.policy_file);
  if (!policy) return std::unexpected(policy.error());
  auto log = kubeapi::AuditLog::Open(std::move(*policy), {c.path, c.max_size_mb, c.max_age_days, c.max_backups});
  if (!log) return std::unexpected(log.error());
  Log(LogLevel::kInfo, "kubeAPI audit log", {{"path", c.path}, {"policy", c.policy_file}});
  return std::shared_ptr<kubeapi::AuditLog>(std::move(*log));
}

Status ListenKubeApi(Server& s) {
  if (!s.config.kube_api) return {};
  const auto& c = *s.config.kube_api;
  kubeapi::FrontOptions options{c.objects, nullptr, false, s.parts.objects};
  if (c.upstream) {
    auto upstream = OpenUpstream(*c.upstream);
    if (!upstream) return std::unexpected(upstream.error());
    options.upstream = *upstream;
    options.upstream_decides = c.upstream->authorization == config::UpstreamConfig::Authorization::kUpstream;
  }
  if (c.audit) {
    auto audit = OpenAuditLog(*c.audit);
    if (!audit) return std::unexpected(audit.error());
    options.audit = std::move(*audit);
  }
  options.on_request = [metrics = &s.auth().metrics()](const std::string& verb, int status, std::chrono::steady_clock::duration d) {
    metrics->CountRequest("kubeapi", verb, status, d);
  };
  s.kube_api = std::make_unique<kubeapi::Front>(&s.auth(), std::move(options));
  auto front = s.kube_api.get();
  // As the API server: request bodies up to 3 MiB.
  return ListenOn(s, s.Options(c.address, c.port, "kubeAPI", 3u << 20),
                  [front](const http::HttpRequest& r) { return front->Handle(r); });
}

// Every listener bound, the webhook kubeconfigs written, then accepting.
Status Start(Server& s) {
  for (auto listen : {ListenMain, ListenLocalSts, ListenEksApi, ListenKubeApi}) {
    if (auto ok = listen(s); !ok) return ok;
  }
  if (auto ok = server::WriteWebhookKubeconfigs(s.parts.tls, s.config.hostname, s.port); !ok) return ok;
  s.http.Start();
  Log(LogLevel::kInfo, "listening",
      {{"address", server::AuthenticateUrl(s.config.address, s.port)}, {"webhookKubeconfig", s.parts.tls.kubeconfig},
       {"authorizeKubeconfig", s.parts.tls.authorize_kubeconfig}, {"ca", s.parts.tls.ca_cert}});
  return {};
}

void LogReloadFailure(const std::string& why) {
  Log(LogLevel::kError, "SIGHUP: config not reloaded", {{"error", why}});
}

// SIGHUP: the config read again and applied; one that fails changes nothing.
void Reload(const std::string& config_path, server::Authenticator& auth) {
  auto next = config::LoadConfig(config_path);
  if (!next) return LogReloadFailure(next.error().message);
  auto applied = auth.Reconfigure(*next);
  if (!applied) return LogReloadFailure(applied.error().message);
  for (const auto& w : *applied) {
    Log(LogLevel::kWarning, w);
  }
  Log(LogLevel::kInfo, "config reloaded");
}

// Refresh outcomes, logged once per change rather than four times a second: a failure when it
// starts or its reason changes (and once a minute while it lasts), then the recovery.
class ReloadLog {
 public:
  void Note(const Status& outcome) {
    std::lock_guard<std::mutex> l(mu_);
    auto now = std::chrono::steady_clock::now();
    if (outcome) {
      if (failing_) Log(LogLevel::kInfo, "reload succeeded again; every source is current", {});
      failing_ = false;
      return;
    }
    if (failing_ && outcome.error().message == last_ && now - logged_at_ < std::chrono::minutes(1)) return;
    Log(LogLevel::kError, "reload failed, previous mappings kept", {{"error", outcome.error().message}});
    failing_ = true;
    last_ = outcome.error().message;
    logged_at_ = now;
  }

 private:
  std::mutex mu_;
  bool failing_ = false;
  std::string last_;
  std::chrono::steady_clock::time_point logged_at_;
};

// Serves until SIGTERM or SIGINT, reloading on SIGHUP; sources watched meanwhile, and the
// objects folder and memory looked after four times a second.
void ServeUntilStopped(Server& s, sigset_t signals, const std::string& config_path) {
  // Mapping and RBAC sources: a file change is served within milliseconds (inotify), a store
  // write from another process within 20 ms.
  auto reloads = std::make_shared<ReloadLog>();
  s.auth().sources().Watch([reloads](const Status& outcome) { reloads->Note(outcome); });
  std::atomic<bool> stop{false};
  std::thread housekeeping([&] {
    uint64_t closed_at_trim = 0;
    while (!stop.load()) {
      ReturnFreedMemory(s.http, closed_at_trim);
      if (s.kube_api) s.kube_api->Refresh();
      for (int i = 0; i < 5 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  for (int sig = SIGHUP; sig == SIGHUP;) {
    sigwait(&signals, &sig);
    if (sig == SIGHUP) Reload(config_path, s.auth());
  }
  Log(LogLevel::kInfo, "shutting down");
  stop = true;
  housekeeping.join();
  s.auth().sources().StopWatching();
  s.http.Stop();
}

// --check-config: the file's problems (every one, with its line) or "is valid", then exit.
int CheckConfig(const Result<config::Config>& config, const std::string& config_path) {
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 1;
  }
  for (const auto& w : config->warnings) std::cerr << "warning: " << w << "\n";
  std::cout << config_path << ": valid\n";
  return 0;
}

int Run(const std::string& config_path, bool check_only) {
  auto config = config::LoadConfig(config_path);
  if (check_only) return CheckConfig(config, config_path);
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 1;
  }
  for (const auto& w : config->warnings) Log(LogLevel::kWarning, "config key ignored", {{"problem", w}});
  auto parts = server::Bootstrap(*config);
  if (!parts) {
    std::cerr << "kubeiam: " << parts.error().message << "\n";
    return 1;
  }
  sigset_t signals = BlockSignals();
  RaiseDescriptorLimit();
  // A write past a file-size limit fails (the store reports it) instead of killing the server.
  signal(SIGXFSZ, SIG_IGN);
  Server s(*config, *parts);
  CountServerEvents(s.http, s.auth().metrics());
  if (auto started = Start(s); !started) {
    std::cerr << "kubeiam: " << started.error().message << "\n";
    return 1;
  }
  ServeUntilStopped(s, signals, config_path);
  return 0;
}

}  // namespace

Runner AddServeCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto check = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("json");
  auto level = std::make_shared<std::string>("info");
  auto* cmd = app.add_subcommand("serve", "Run the webhook authenticator (and the local STS)");
  cmd->add_option("-c,--config", *path, "Config file")->required();
  cmd->add_flag("--check-config", *check, "Validate the config (every problem, with its line and column) and exit");
  cmd->add_option("-l,--log-format", *format, "json (default: one JSON object per line) or text")
      ->check(CLI::IsMember({"json", "text"}));
  cmd->add_option("--log-level", *level, "info (default), warning or error")->check(CLI::IsMember({"info", "warning", "error"}));
  return [path, check, format, level] {
    ConfigureLog(*format == "text" ? LogFormat::kText : LogFormat::kJson,
                 *level == "error" ? LogLevel::kError : *level == "warning" ? LogLevel::kWarning : LogLevel::kInfo);
    return Run(*path, *check);
  };
}

}  // namespace kubeiam::cli
