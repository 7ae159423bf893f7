// The fault suite: `kubeiam serve` against a hanging STS, malformed HTTP on every listener,
// running out of file descriptors, and tokens whose secrets must stay out of every answer and
// log line. Each case asserts the exact behaviour (docs/reliability.md lists them).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/loopback_listener.h"
#include "support/raw_exchange.h"
#include "support/paths.h"
#include "support/temp_dir.h"
#include "token/generate.h"
#include "util/encoding.h"

namespace kubeiam {
namespace {

namespace asio = boost::asio;
using testing::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}


// A server verifying with "real" STS, whose endpoint is a listener that never answers.
class HangingSts : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::FreePort();
    front_port_ = testing::FreePort();
    eks_port_ = testing::FreePort();
    dir_.Write("config.yaml", "clusterID: demo\n"
                              "server:\n"
                              "  address: 127.0.0.1\n"
                              "  port: " + std::to_string(port_) + "\n"
                              "  stateDir: ./state\n"
                              "  handlerThreads: 8\n"
                              "  tokenCacheSeconds: 0\n"
                              "sts:\n"
                              "  endpoint: https://127.0.0.1:" + std::to_string(sts_.port()) + "\n"
                              "  maxInFlight: 4\n"
                              "kubeAPI:\n"
                              "  address: 127.0.0.1\n"
                              "  port: " + std::to_string(front_port_) + "\n"
                              "eksAPI:\n"
                              "  address: 127.0.0.1\n"
                              "  port: " + std::to_string(eks_port_) + "\n"
                              "  accountID: \"111122223333\"\n");
    server_ = testing::StartServe(dir_.path(), port_);
  }
  void TearDown() override { server_.reset(); }
  std::string Url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  std::string Ca() const { return dir_.path() + "/state/ca.crt"; }
  Result<http::Response> Review(const std::string& token, std::chrono::milliseconds timeout) const {
    return http::Fetch({.method = "POST", .url = Url("/authenticate"),
                        .headers = {{"Content-Type", "application/json"}},
                        .body = R"({"spec":{"token":")" + token + R"("}})", .timeout = timeout, .ca_file = Ca()});
  }
  static std::string FreshToken(int n) {
    aws::Credentials creds{"ASIAEXAMPLEFAULTS001", "secret", "session-" + std::to_string(n), std::nullopt, "t"};
    return token::Generate("demo", creds, "https://sts.us-east-1.amazonaws.com", "us-east-1", Clock::now())->value;
  }

  testing::LoopbackListener sts_{testing::LoopbackListener::Mode::kSilent};  // an STS that hangs
  TempDir dir_;
  int port_ = 0, front_port_ = 0, eks_port_ = 0;
  std::unique_ptr<testing::Process> server_;
};

TEST_F(HangingSts, HealthAndShedRequestsAnswerWhileStsHangs) {
  std::vector<std::future<int>> reviews;
  for (int i = 0; i < 12; ++i) {
    reviews.push_back(std::async(std::launch::async, [this, i] {
      auto r = Review(FreshToken(i), std::chrono::seconds(30));
      return r ? r->status : -1;
    }));
  }
  // Long enough for every shed review to have its 429 on a loaded machine.
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  // Health, readiness and metrics do not need a handler thread.
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    auto start = std::chrono::steady_clock::now();
    auto r = http::Fetch({.url = Url(path), .timeout = std::chrono::seconds(2), .ca_file = Ca()});
    ASSERT_TRUE(r.has_value()) << path << ": " << r.error().message;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << path;
  }
  // Past sts.maxInFlight (4), a review gets 429 at once rather than waiting for STS.
  int shed = 0, waited = 0;
  for (auto& f : reviews) {
    if (f.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready) {
      EXPECT_EQ(f.get(), 429);
      ++shed;
    }
  }
  EXPECT_EQ(shed, 8);
  for (auto& f : reviews) {
    if (!f.valid()) continue;
    EXPECT_EQ(f.get(), 403);  // the STS call timed out
    ++waited;
  }
  EXPECT_EQ(waited, 4);
  auto metrics = http::Fetch({.url = Url("/metrics"), .ca_file = Ca()});
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("kubeiam_sts_calls_shed_total 8"), std::string::npos) << metrics->body;
}

// While STS holds every slot, the Kubernetes API front answers 429 with Retry-After (what
// client-go waits out and retries), not a 401 that would read as a failed login.
TEST_F(HangingSts, TheFrontAsksClientsToRetry) {
  std::vector<std::future<int>> holding;
  for (int i = 0; i < 4; ++i) {
    holding.push_back(std::async(std::launch::async, [this, i] {
      auto r = Review(FreshToken(100 + i), std::chrono::seconds(30));
      return r ? r->status : -1;
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto r = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(front_port_) + "/api/v1/namespaces",
                        .headers = {{"Authorization", "Bearer " + FreshToken(200)}},
                        .timeout = std::chrono::seconds(5), .ca_file = Ca()});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 429) << r->body;
  ASSERT_NE(r->Header("Retry-After"), nullptr);
  EXPECT_EQ(*r->Header("Retry-After"), "1");
  EXPECT_NE(r->body.find("\"reason\":\"TooManyRequests\""), std::string::npos) << r->body;
  for (auto& f : holding) EXPECT_EQ(f.get(), 403);
}

// A client that sends its request a byte a second, and one that sends requests and never reads
// the answers: each is cut off by the 10 s read and write deadlines, and neither holds anyone up.
TEST_F(HangingSts, SlowAndNeverReadingClientsAreCutOffAndStallNobody) {
  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  auto connect = [&](asio::ip::tcp::socket& socket, asio::ssl::stream<asio::ip::tcp::socket&>& s) {
    socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    s.handshake(asio::ssl::stream_base::client);
  };
  asio::ip::tcp::socket slow_socket(io), mute_socket(io);
  asio::ssl::stream<asio::ip::tcp::socket&> slow(slow_socket, ctx), mute(mute_socket, ctx);
  connect(slow_socket, slow);
  int small = 4096;
  ::setsockopt(mute_socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  connect(mute_socket, mute);
  auto start = std::chrono::steady_clock::now();
  std::string requests;
  for (int i = 0; i < 3000; ++i) requests += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  std::thread never_reads([&] {
    boost::system::error_code ec;
    asio::write(mute, asio::buffer(requests), ec);
  });
  std::atomic<bool> slow_closed{false};
  std::thread trickles([&] {
    std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    boost::system::error_code ec;
    asio::write(slow, asio::buffer(head), ec);
    for (int i = 0; i < 20 && !ec; ++i) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      asio::write(slow, asio::buffer("a", 1), ec);
      char c;
      pollfd p{slow_socket.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 0) > 0 && ::recv(slow_socket.native_handle(), &c, 1, MSG_PEEK) <= 0) break;
    }
    slow_closed = true;
  });
  // Meanwhile everyone else is answered at once.
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto t0 = std::chrono::steady_clock::now();
    auto r = http::Fetch({.url = Url("/healthz"), .timeout = std::chrono::seconds(2), .ca_file = Ca()});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
  }
  trickles.join();
  EXPECT_TRUE(slow_closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(14)) << "the slow client was not cut off";
  // The never-reading client's connection is gone within the write deadline.
  std::string open;
  for (int i = 0; i < 40; ++i) {
    auto m = http::Fetch({.url = Url("/metrics"), .ca_file = Ca()});
    ASSERT_TRUE(m.has_value());
    std::string_view gauge = "kubeiam_http_open_connections{listener=\"main\"} ";
    size_t at = m->body.find(gauge);
    open = at == std::string::npos ? "" : m->body.substr(at + gauge.size(), m->body.find('\n', at) - at - gauge.size());
    if (open == "1") break;  // the metrics request itself
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(open, "1");
  ::shutdown(mute_socket.native_handle(), SHUT_RDWR);  // ends the blocked write either way
  never_reads.join();
}

// spec: a token whose URL does not parse is refused without its signature in the answer or the log.
TEST_F(HangingSts, UnparsableTokenLeavesNoSecretBehind) {
  std::string url = token::Generate("demo", {"ASIAEXAMPLEFAULTS001", "secret", "FwoGZXIvYXdzSESSION", std::nullopt, "t"},
                                    "https://sts.us-east-1.amazonaws.com", "us-east-1", Clock::now())
                        ->url;
  std::string signature = url.substr(url.find("X-Amz-Signature=") + 16, 64);
  std::string token = token::Encode(url + std::string(1, '\0'));
  auto r = Review(token, std::chrono::seconds(5));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("invalid control character"), std::string::npos) << r->body;
  server_->Stop();
  std::string log = Slurp(dir_.path() + "/serve.log");
  EXPECT_NE(log.find("invalid control character"), std::string::npos) << log;
  for (const std::string& secret : {signature, std::string("FwoGZXIvYXdzSESSION"), token.substr(11, 40)}) {
    EXPECT_EQ(r->body.find(secret), std::string::npos) << secret;
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

// Go's net/http answers what it cannot parse; so does every kubeiam listener (they share one server).
TEST_F(HangingSts, MalformedHttpIsAnswered) {
  struct Case {
    std::string bytes, status;
  } cases[] = {
      {"GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request"},
      {std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a") + '\0' + "b\r\n\r\n", "HTTP/1.1 400 Bad Request"},
      {"POST /authenticate HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
      {"POST /authenticate HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
       "HTTP/1.1 400 Bad Request"},
      {"POST /authenticate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request"},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large"},
      {"POST /authenticate HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", "HTTP/1.1 413 Payload Too Large"},
  };
  // The webhook, the Kubernetes API front and the EKS API (the local STS listener is the same
  // server code, and has its own test in serve_test).
  for (int port : {port_, front_port_, eks_port_}) {
    for (const auto& c : cases) {
      if (port == front_port_ && c.status.starts_with("HTTP/1.1 413")) continue;  // the front takes 3 MiB
      std::string answer = testing::RawExchange(port, c.bytes, true);
      EXPECT_EQ(testing::StatusLine(answer), c.status) << port << ": " << c.bytes.substr(0, 80);
      EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    }
    // Plain HTTP to the TLS port, as Go answers it.
    EXPECT_EQ(testing::RawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false),
              "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
  }
  auto metrics = http::Fetch({.url = Url("/metrics"), .ca_file = Ca()});
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("kubeiam_http_malformed_requests_total{listener=\"main\"} 9"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("kubeiam_http_malformed_requests_total{listener=\"kubeAPI\"} 8"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("kubeiam_http_malformed_requests_total{listener=\"eksAPI\"} 9"), std::string::npos)
      << metrics->body;
}

// Out of file descriptors: the accept loop backs off (no busy loop), says so once, frees the
// longest-idle connection, and the server keeps answering.
TEST(FileDescriptors, ExhaustionBacksOffAndRecovers) {
  TempDir dir;
  int port = testing::FreePort();
  dir.Write("config.yaml", "clusterID: demo\nserver:\n  address: 127.0.0.1\n  port: " + std::to_string(port) +
                               "\n  stateDir: ./state\n");
  // Start once to write the TLS material, so the limited run needs no extra descriptors for it.
  testing::StartServe(dir.path(), port).reset();
  testing::Process server({"/usr/bin/prlimit", "--nofile=48:48", KUBEIAM_BINARY, "serve", "--config",
                           dir.path() + "/config.yaml"},
                          {{"PATH", "/usr/bin:/bin"}}, dir.path() + "/serve.log");
  std::string ca = dir.path() + "/state/ca.crt", url = "https://127.0.0.1:" + std::to_string(port);
  for (int i = 0; i < 100; ++i) {
    auto r = http::Fetch({.url = url + "/healthz", .timeout = std::chrono::milliseconds(500), .ca_file = ca});
    if (r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> idle;
  asio::io_context io;
  for (int i = 0; i < 80; ++i) {
    auto s = std::make_unique<asio::ip::tcp::socket>(io);
    boost::system::error_code ec;
    s->connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) idle.push_back(std::move(s));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // CPU over one second, from /proc: a spinning accept loop would use most of a core.
  auto cpu_ticks = [&] {
    std::string stat = Slurp("/proc/" + std::to_string(server.pid()) + "/stat");
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14) utime = std::stol(field);
      if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
  };
  long before = cpu_ticks();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  long used = cpu_ticks() - before;
  EXPECT_LT(used, sysconf(_SC_CLK_TCK) / 5) << "ticks in one second";
  auto r = http::Fetch({.url = url + "/metrics", .timeout = std::chrono::seconds(5), .ca_file = ca});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_NE(r->body.find("kubeiam_http_accept_errors_total{listener=\"main\"}"), std::string::npos) << r->body;
  idle.clear();
  EXPECT_EQ(server.Stop(), 0);
  std::string log = Slurp(dir.path() + "/serve.log");
  size_t first = log.find("cannot accept connections; backing off");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("cannot accept connections; backing off", first + 1), std::string::npos) << "logged once a minute";
}

}  // namespace
}  // namespace kubeiam
