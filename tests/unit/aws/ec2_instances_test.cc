// spec/authenticator.md §6.12 (EC2): single lookups, a wave of concurrent lookups batched, the
// cache, the rate limiter, and errors.
#include "aws/ec2_instances.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include "aws/sigv4.h"
#include "support/fake_http_server.h"

namespace kubeiam::aws {
namespace {

using testing::CannedResponse;
using testing::SeenRequest;

// Answers DescribeInstances for i-<n> with ip-<n>.internal; records how many IDs each call named.
CannedResponse Describe(const SeenRequest& r, std::vector<size_t>* sizes, std::mutex* mu) {
  auto params = ParseQuery(r.body);
  std::string items;
  size_t n = 0;
  for (const auto& [k, v] : *params) {
    if (!k.starts_with("InstanceId.")) continue;
    ++n;
    if (v == "i-missing00") continue;
    items += "<item><instancesSet><item><instanceId>" + v + "</instanceId><privateDnsName>ip-" + v.substr(2) +
             ".internal</privateDnsName></item></instancesSet></item>";
  }
  {
    std::lock_guard<std::mutex> l(*mu);
    sizes->push_back(n);
  }
  if (r.Header("Authorization").find("/ec2/aws4_request") == std::string::npos) return {403, "unsigned"};
  return {200, "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><reservationSet>" + items +
                   "</reservationSet></DescribeInstancesResponse>",
          "text/xml"};
}

Ec2PrivateDns::Options Opts(const std::string& url) {
  Ec2PrivateDns::Options o;
  o.endpoint = url;
  o.region = "us-east-1";
  o.batch_window = std::chrono::milliseconds(50);
  o.qps = 0;
  o.credentials = [] { return Result<Credentials>(Credentials{"AKIDEC2", "secret", "", std::nullopt, "t"}); };
  return o;
}

TEST(Ec2PrivateDns, SingleLookupAndCache) {
  std::vector<size_t> sizes;
  std::mutex mu;
  testing::FakeHttpServer ec2([&](const SeenRequest& r) { return Describe(r, &sizes, &mu); });
  Ec2PrivateDns dns(Opts(ec2.url()));
  EXPECT_EQ(*dns.Lookup("i-0c6f21bf1f24f9708"), "ip-0c6f21bf1f24f9708.internal");
  EXPECT_EQ(*dns.Lookup("i-0c6f21bf1f24f9708"), "ip-0c6f21bf1f24f9708.internal");
  EXPECT_EQ(dns.calls(), 1u);
  auto missing = dns.Lookup("i-missing00");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "failed to find node i-missing00");
}

TEST(Ec2PrivateDns, ConcurrentLookupsAreBatched) {
  std::vector<size_t> sizes;
  std::mutex mu;
  testing::FakeHttpServer ec2([&](const SeenRequest& r) { return Describe(r, &sizes, &mu); });
  Ec2PrivateDns dns(Opts(ec2.url()));
  std::vector<std::future<Result<std::string>>> wave;
  for (int i = 0; i < 100; ++i) {
    std::string id = "i-" + std::to_string(10000000 + i);
    wave.push_back(std::async(std::launch::async, [&dns, id] { return dns.Lookup(id); }));
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*wave[i].get(), "ip-" + std::to_string(10000000 + i) + ".internal");
  EXPECT_LT(dns.calls(), 10u) << "100 concurrent lookups should share a few calls";
  for (size_t n : sizes) EXPECT_LE(n, 100u);
}

TEST(Ec2PrivateDns, ErrorsAreReportedAndNotCached) {
  std::atomic<int> status{500};
  testing::FakeHttpServer ec2([&](const SeenRequest&) {
    return CannedResponse{status.load(), "<Response><Errors><Error><Code>Unavailable</Code></Error></Errors></Response>"};
  });
  Ec2PrivateDns dns(Opts(ec2.url()));
  auto r = dns.Lookup("i-00000001");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("failed querying private DNS from EC2 API for node i-00000001"), std::string::npos);
  EXPECT_FALSE(dns.Lookup("i-00000001").has_value());
  EXPECT_EQ(dns.calls(), 2u);
}

TEST(RateLimiter, SpacesCallsBeyondTheBurst) {
  RateLimiter limiter(20, 1);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) limiter.Acquire();
  // One token up front, then one every 50 ms: at least 4 waits. (A lower bound only; no upper
  // bound is asserted on a shared machine.)
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
}

TEST(Ec2PrivateDns, ParsesDescribeInstances) {
  auto m = Ec2PrivateDns::ParseDescribeInstances(
      "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-1</instanceId>"
      "<privateDnsName>ip-1</privateDnsName></item><item><instanceId>i-2</instanceId><privateDnsName/></item>"
      "</instancesSet></item></reservationSet></DescribeInstancesResponse>");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->at("i-1"), "ip-1");
  EXPECT_EQ(m->at("i-2"), "");
  EXPECT_FALSE(Ec2PrivateDns::ParseDescribeInstances("<a>").has_value());
}

}  // namespace
}  // namespace kubeiam::aws
