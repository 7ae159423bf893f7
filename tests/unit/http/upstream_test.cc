#include "http/upstream.h"

#include <gtest/gtest.h>

#include "support/fake_http_server.h"
#include "support/temp_dir.h"

namespace kubeiam::http {
namespace {

TEST(UpstreamUrl, Parsed) {
  auto u = ParseUpstreamUrl("https://api.example.com:6443/k8s/clusters/c-1/", "kubeAPI.upstream.url");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_EQ(u->port, "6443");
  EXPECT_EQ(u->host_header, "api.example.com:6443");
  EXPECT_EQ(u->base_path, "/k8s/clusters/c-1");
  auto v6 = ParseUpstreamUrl("https://[::1]", "kubeAPI.upstream.url");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "443");
  EXPECT_EQ(v6->base_path, "");
  EXPECT_TRUE(ParseUpstreamUrl("http://127.0.0.1:8080", "kubeAPI.upstream.url").has_value());
  EXPECT_TRUE(ParseUpstreamUrl("http://localhost:8080", "kubeAPI.upstream.url").has_value());
}

TEST(UpstreamUrl, Refused) {
  struct Case {
    const char* url;
    const char* message;
  };
  for (const auto& c : std::vector<Case>{
           {"api.example.com", "kubeAPI.upstream.url: \"api.example.com\" is not an absolute URL"},
           {"ftp://api.example.com", "kubeAPI.upstream.url: scheme must be https (or http to a loopback address)"},
           {"https://user:pw@api.example.com", "kubeAPI.upstream.url: must not carry user information (use clientCert or tokenFile)"},
           {"https://api.example.com/?x=1", "kubeAPI.upstream.url: must not carry a query"},
           {"http://api.example.com", "kubeAPI.upstream.url: plain http is only allowed to a loopback address, not api.example.com"},
           {"https://api.example.com:0", "kubeAPI.upstream.url: port must be from 1 to 65535"},
           {"https://api.example.com:99999", "kubeAPI.upstream.url: port must be from 1 to 65535"},
           {"https:///path", "kubeAPI.upstream.url: has no host"},
       }) {
    auto u = ParseUpstreamUrl(c.url, "kubeAPI.upstream.url");
    ASSERT_FALSE(u.has_value()) << c.url;
    EXPECT_EQ(u.error().message, c.message) << c.url;
  }
}

TEST(Upstream, CreateNamesTheFileThatFails) {
  testing::TempDir dir;
  auto missing_ca = Upstream::Create({.url = "https://127.0.0.1:6443", .ca_file = dir.path() + "/nope.crt", .config_path = "kubeAPI.upstream"});
  ASSERT_FALSE(missing_ca.has_value());
  EXPECT_TRUE(missing_ca.error().message.starts_with("kubeAPI.upstream.caFile: cannot load " + dir.path() + "/nope.crt"));
  ASSERT_TRUE(testing::MakeSelfSignedCert(dir.path()));
  auto bad_key = Upstream::Create({.url = "https://127.0.0.1:6443", .client_cert = dir.path() + "/cert.pem",
                                   .client_key = dir.path() + "/cert.pem", .config_path = "kubeAPI.upstream"});
  ASSERT_FALSE(bad_key.has_value());
  EXPECT_TRUE(bad_key.error().message.starts_with("kubeAPI.upstream.clientKey: cannot load")) << bad_key.error().message;
  auto plain_with_cert = Upstream::Create({.url = "http://127.0.0.1:8080", .client_cert = dir.path() + "/cert.pem",
                                           .client_key = dir.path() + "/key.pem", .config_path = "kubeAPI.upstream"});
  ASSERT_FALSE(plain_with_cert.has_value());
  EXPECT_EQ(plain_with_cert.error().message, "kubeAPI.upstream: caFile and clientCert need an https url");
  auto empty_token = Upstream::Create({.url = "https://127.0.0.1:6443", .token_file = dir.Write("token", "\n"), .config_path = "kubeAPI.upstream"});
  ASSERT_FALSE(empty_token.has_value());
  EXPECT_EQ(empty_token.error().message, "kubeAPI.upstream.tokenFile: " + dir.path() + "/token is empty");
  auto two = Upstream::Create({.url = "https://127.0.0.1:6443", .token_file = dir.Write("token", "a b\n"), .config_path = "kubeAPI.upstream"});
  ASSERT_FALSE(two.has_value());
}

TEST(Upstream, TokenFollowsItsFile) {
  testing::TempDir dir;
  std::string file = dir.Write("token", "first-token\n");
  auto u = Upstream::Create({.url = "https://127.0.0.1:6443", .token_file = file, .config_path = "kubeAPI.upstream"});
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ((*u)->Token(), "first-token");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  dir.Write("token", "second-token-longer\n");
  EXPECT_EQ((*u)->Token(), "second-token-longer");
  // A token file that goes bad keeps the last good token.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  dir.Write("token", "");
  EXPECT_EQ((*u)->Token(), "second-token-longer");
}

}  // namespace
}  // namespace kubeiam::http
