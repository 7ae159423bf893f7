#include "http/client.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "support/fake_http_server.h"

namespace kubeiam::http {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::SeenRequest;

TEST(HttpClient, GetWithHeadersAndStatus) {
  FakeHttpServer server([](const SeenRequest& r) {
    return CannedResponse{r.Header("X-Test") == "1" ? 200 : 400, "hello " + r.target};
  });
  auto res = Fetch({.url = server.url() + "/a/b?x=1", .headers = {{"X-Test", "1"}}});
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello /a/b?x=1");
  EXPECT_EQ(server.requests().at(0).Header("Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(HttpClient, RedirectsAreReturnedNotFollowed) {
  FakeHttpServer server([](const SeenRequest&) { return CannedResponse{302, "moved"}; });
  auto res = Fetch({.url = server.url() + "/"});
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, TimesOutOnASilentPeer) {
  // A listener that accepts and never answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  int port = acceptor.local_endpoint().port();
  auto start = std::chrono::steady_clock::now();
  auto res = Fetch({.url = "http://127.0.0.1:" + std::to_string(port) + "/", .timeout = std::chrono::milliseconds(300)});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("timed out"), std::string::npos) << res.error().message;
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(HttpClient, RefusedConnection) {
  boost::asio::io_context io;
  int port;
  {
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  auto res = Fetch({.url = "http://127.0.0.1:" + std::to_string(port) + "/", .timeout = std::chrono::milliseconds(500)});
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
}

TEST(HttpClient, BodyLimit) {
  FakeHttpServer server([](const SeenRequest&) { return CannedResponse{200, std::string(100000, 'x')}; });
  auto res = Fetch({.url = server.url() + "/", .max_body = 1000});
  ASSERT_FALSE(res.has_value());
}

TEST(HttpClient, BadUrls) {
  EXPECT_EQ(Fetch({.url = "ftp://example.com/"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fetch({.url = "not a url"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fetch({.url = "http://user@127.0.0.1/"}).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace kubeiam::http
