// What etcd adds to the KvStore contract (the shared suite is in kv_store_test.cc): a member that
// cannot be reached is passed over, prefixes keep clusters apart, etcd's own users and roles
// (least privilege: read/write on the prefix), and clear errors.
#include "store/etcd_kv.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <thread>

#include "support/etcd_server.h"
#include "support/fake_http_server.h"
#include "util/encoding.h"

namespace kubeiam::store {
namespace {

// The shared etcd's URL; the test fails (and stops) without one.
#define ETCD_URL(var)                                  \
  std::string var##_error;                             \
  std::string var = testing::SharedEtcd(&var##_error); \
  ASSERT_FALSE(var.empty()) << var##_error

TEST(EtcdKv, AnUnreachableMemberIsPassedOver) {
  ETCD_URL(url);
  auto kv = EtcdKv::Open({.endpoints = {"http://127.0.0.1:9", url}, .prefix = "/failover/"});
  ASSERT_TRUE(kv) << kv.error().message;
  auto put = (*kv)->Txn({{}, {Put("a", "1")}, {}});
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ((*kv)->Range({"a", "", 0})->kvs.at(0).value, "1");
  auto none = EtcdKv::Open({.endpoints = {"http://127.0.0.1:9"}, .timeout = std::chrono::milliseconds(500)});
  auto refused = (*none)->Range({"a", "", 0});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().message.rfind("etcd unreachable: its endpoint did not answer (the last: etcd endpoint 1: connecting to 127.0.0.1:9", 0), 0u)
      << refused.error().message;
  auto two = EtcdKv::Open({.endpoints = {"http://127.0.0.1:9", "http://127.0.0.1:11"}});
  EXPECT_EQ((*two)->Range({"a", "", 0}).error().message.rfind("etcd unreachable: none of its 2 endpoints answered (the last: ", 0), 0u);
}

// A refusal in plain text (the gateway's answer to a client certificate with a CommonName) is
// quoted, not reduced to its status.
TEST(EtcdKv, PlainTextRefusalsAreQuoted) {
  testing::FakeHttpServer gateway([](const testing::SeenRequest&) {
    return testing::CannedResponse{400, "client sending requests against gateway must have empty CommonName in its cert\n"};
  });
  auto kv = EtcdKv::Open({.endpoints = {gateway.url()}});
  auto refused = (*kv)->Range({"a", "", 0});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "etcd: HTTP 400: client sending requests against gateway must have empty CommonName in its cert");
}

TEST(EtcdKv, PrefixesKeepClustersApart) {
  ETCD_URL(url);
  auto a = *EtcdKv::Open({.endpoints = {url}, .prefix = "/kubeiam/a/"});
  auto b = *EtcdKv::Open({.endpoints = {url}, .prefix = "/kubeiam/b/"});
  ASSERT_TRUE(a->Txn({{}, {Put("k", "from a"), Put("z", "z")}, {}}));
  ASSERT_TRUE(b->Txn({{}, {Put("k", "from b")}, {}}));
  auto all_a = a->Range({"", std::string(1, '\0'), 0});
  ASSERT_EQ(all_a->kvs.size(), 2u);
  EXPECT_EQ(all_a->kvs[0].value, "from a");
  ASSERT_TRUE(b->Txn({{}, {{Operation::Kind::kDelete, "", "", std::string(1, '\0')}}, {}}));
  EXPECT_EQ(a->Range({"", std::string(1, '\0'), 0})->kvs.size(), 2u) << "b's delete-all stays in b";
  EXPECT_TRUE(b->Range({"", std::string(1, '\0'), 0})->kvs.empty());
}

// A user with a role that may read and write only the prefix: what kubeiam needs, nothing more.
TEST(EtcdKv, EtcdUsersAndRoles) {
  std::string error;
  auto etcd = testing::EtcdServer::Start(&error);
  ASSERT_TRUE(etcd) << error;
  auto admin = *EtcdKv::Open({.endpoints = {etcd->url()}});
  std::string prefix = "/kubeiam/", end = PrefixEnd(prefix);
  for (auto [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/v3/auth/user/add", R"({"name":"root","password":"rootpw"})"},
           {"/v3/auth/user/grant", R"({"user":"root","role":"root"})"},
           {"/v3/auth/role/add", R"({"name":"kubeiam"})"},
           {"/v3/auth/role/grant", R"({"name":"kubeiam","perm":{"permType":"READWRITE","key":")" + Base64Encode(prefix) +
                                       R"(","range_end":")" + Base64Encode(end) + R"("}})"},
           {"/v3/auth/user/add", R"({"name":"kubeiam","password":"s3cret"})"},
           {"/v3/auth/user/grant", R"({"user":"kubeiam","role":"kubeiam"})"},
           {"/v3/auth/enable", "{}"}}) {
    auto done = admin->Call(path, body);
    ASSERT_TRUE(done) << path << ": " << done.error().message;
  }
  auto kv = *EtcdKv::Open({.endpoints = {etcd->url()}, .prefix = prefix, .username = "kubeiam", .password = "s3cret"});
  auto put = kv->Txn({{}, {Put("a", "1")}, {}});
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(kv->Range({"a", "", 0})->kvs.at(0).value, "1");
  auto outside = *EtcdKv::Open({.endpoints = {etcd->url()}, .prefix = "/other/", .username = "kubeiam", .password = "s3cret"});
  auto denied = outside->Range({"a", "", 0});
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message.find("permission denied"), std::string::npos) << denied.error().message;
  auto wrong = *EtcdKv::Open({.endpoints = {etcd->url()}, .prefix = prefix, .username = "kubeiam", .password = "nope"});
  auto refused = wrong->Range({"a", "", 0});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("authenticating as kubeiam"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("nope"), std::string::npos) << "no password in errors";
}

// A watch read with no wait gives what has arrived meanwhile (the front polls its watches so).
TEST(EtcdKv, AWatchReadWithNoWaitGivesWhatArrived) {
  ETCD_URL(url);
  auto kv = *EtcdKv::Open({.endpoints = {url}, .prefix = "/no-wait/"});
  auto w = kv->Watch("n/", PrefixEnd("n/"), 0);
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_TRUE(kv->Txn({{}, {Put("n/a", "1")}, {}}));
  std::vector<Event> seen;
  for (int i = 0; i < 20 && seen.empty(); ++i) {
    auto batch = (*w)->Next(std::chrono::milliseconds(0));
    ASSERT_TRUE(batch) << batch.error().message;
    seen.insert(seen.end(), batch->begin(), batch->end());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kv.key, "n/a");
}

TEST(EtcdKv, BadEndpointsAreRefused) {
  auto none = EtcdKv::Open({});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "store.etcd.endpoints: at least one is required");
  auto bad = EtcdKv::Open({.endpoints = {"127.0.0.1:2379"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "store.etcd.endpoints: 127.0.0.1:2379 must be an http:// or https:// URL");
}

}  // namespace
}  // namespace kubeiam::store
