// The verifier never calls a host a token chose: tokens whose presigned URL names a hostile host
// (or hides one behind URL tricks) are refused before any connection, with a listener on
// loopback to prove no connection was made (spec/authenticator.md §2.3).
#include <gtest/gtest.h>

#include <thread>

#include "server/authenticator.h"
#include "support/loopback_listener.h"
#include "token/generate.h"
#include "util/encoding.h"

namespace kubeiam::server {
namespace {

TEST(HostileHosts, NoTokenMakesTheVerifierConnectAnywhere) {
  testing::LoopbackListener listener(testing::LoopbackListener::Mode::kCountAndClose);
  std::string p = std::to_string(listener.port());
  config::Config c;
  c.cluster_id = "demo";
  c.region = "us-east-1";
  // Verification goes to the listener whatever host a token names: a token that got past the
  // checks shows up there as a connection (and nothing ever leaves this machine).
  c.sts_endpoint = "https://127.0.0.1:" + p;
  auto auth = Authenticator::Create(c, nullptr);
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  aws::Credentials creds{"ASIAEXAMPLEHOSTILE01", "secret", "session", std::nullopt, "t"};
  std::string good = token::Generate("demo", creds, "https://sts.us-east-1.amazonaws.com", "us-east-1", Clock::now())->url;
  std::string query = good.substr(good.find('?'));
  std::string hosts[] = {
      "127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "[::ffff:127.0.0.1]:" + p, "2130706433:" + p, "0x7f000001:" + p,
      "0177.0.0.1:" + p, "127.1:" + p, "127.0.0.1", "sts.amazonaws.com@127.0.0.1:" + p,
      "sts.amazonaws.com:443@127.0.0.1:" + p, "127.0.0.1:" + p + "#@sts.amazonaws.com", "127.0.0.1:" + p + "\\@sts.amazonaws.com",
      "127.0.0.1:" + p + "\\.sts.amazonaws.com", "sts.amazonaws.com.127.0.0.1.nip.io", "sts.amazonaws.com.evil.example",
      "evilsts.amazonaws.com", "sts.amazonaws.com.:" + p, "sts.amazonaws.com:" + p, "STS.AMAZONAWS.COM:" + p,
      "sts%2eamazonaws%2ecom", "sts.amazonaws.com%00.127.0.0.1", "xn--sts-9la.amazonaws.com",
      std::string(64, 'a') + ".sts.amazonaws.com", "sts..amazonaws.com",
      "sts.amazonaws.com\r\nHost: 127.0.0.1:" + p, std::string("sts.amazonaws.com\0.x", 20), "sts.amazonaws.com%0d%0a"};
  std::vector<std::string> urls;
  for (const auto& h : hosts) urls.push_back("https://" + h + "/" + query);
  for (const auto& scheme : {"http", "file", "ftp", "gopher", "HTTPS"}) {
    urls.push_back(std::string(scheme) + "://127.0.0.1:" + p + "/" + query);
  }
  urls.push_back("https://127.0.0.1:" + p + "/" + query + "&Action=GetCallerIdentity");
  urls.push_back("https://sts.amazonaws.com/" + query + "&Action=AssumeRole");
  urls.push_back("https://sts.amazonaws.com/" + query + "#@127.0.0.1:" + p);
  urls.push_back("https://sts.amazonaws.com/" + query + "\r\n");
  urls.push_back("//127.0.0.1:" + p + "/" + query);
  for (const auto& url : urls) {
    auto id = (*auth)->Verify(token::Encode(url), Clock::now());
    EXPECT_FALSE(id.has_value()) << url;
    if (!id) {
      EXPECT_NE(id.error().code, ErrorCode::kUpstream) << url << ": " << id.error().message;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(listener.accepted(), 0);
  // The listener does see a well-formed token's call: the check above can fail.
  EXPECT_FALSE((*auth)->Verify(token::Encode(good), Clock::now()).has_value());
  for (int i = 0; i < 100 && listener.accepted() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(listener.accepted(), 1);
}

}  // namespace
}  // namespace kubeiam::server
