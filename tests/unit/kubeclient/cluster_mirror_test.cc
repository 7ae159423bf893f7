// The watching mirror against a scripted API server: a watch resumed from its last bookmark, a
// relist after 410 Gone, the metrics that tell it, and a refusal that names who was refused.
#include "kubeclient/cluster_mirror.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "support/fake_http_server.h"
#include "support/temp_dir.h"

namespace kubeiam::kubeclient {
namespace {

using testing::CannedResponse;
using testing::SeenRequest;

std::string Role(const std::string& name, int version) {
  return R"({"metadata":{"name":")" + name + R"(","resourceVersion":")" + std::to_string(version) + R"("},"rules":[]})";
}

// clusterroles: listed at version 10 (role a); the watch from 10 adds b, bookmarks 12 and ends;
// the watch from 12 is too old; listed again at 20 (a and c: b went meanwhile). Other kinds are
// empty and their watches end at once.
CannedResponse ScriptedCluster(const SeenRequest& r, std::atomic<int>& lists) {
  const std::string& t = r.target;
  bool roles = t.starts_with("/apis/rbac.authorization.k8s.io/v1/clusterroles?");
  bool watch = t.find("watch=true") != std::string::npos;
  CannedResponse out{.status = 200, .content_type = "application/json"};
  if (!roles) {
    out.body = watch ? "" : R"({"metadata":{"resourceVersion":"1"},"items":[]})";
  } else if (!watch) {
    out.body = lists++ == 0 ? R"({"metadata":{"resourceVersion":"10"},"items":[)" + Role("a", 10) + "]}"
                            : R"({"metadata":{"resourceVersion":"20"},"items":[)" + Role("a", 10) + "," + Role("c", 20) + "]}";
  } else if (t.find("resourceVersion=10&") != std::string::npos) {
    out.body = R"({"type":"ADDED","object":)" + Role("b", 11) + "}\n" +
               R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"12"}}})" + "\n";
  } else if (t.find("resourceVersion=12&") != std::string::npos) {
    out.body = R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410}})"
               "\n";
  }
  return out;
}

class ClusterMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(testing::MakeSelfSignedCert(dir_.path())); }

  KubeClient ClientFor(const testing::FakeHttpServer& server) {
    KubeContext c;
    c.context_name = "test";
    c.user_name = "tester";
    c.server = server.url();
    c.ca_file = dir_.path() + "/cert.pem";
    c.token = "t";
    return *KubeClient::Open(c);
  }

  testing::TempDir dir_;
};

std::vector<std::string> RoleNames(ClusterMirror& m) {
  std::vector<std::string> names;
  auto objects = m.Rbac();
  for (const auto& r : objects->cluster_roles) names.push_back(r.name);
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(ClusterMirrorTest, ResumesFromBookmarksAndRelistsWhenGone) {
  std::atomic<int> lists{0};
  testing::FakeHttpServer server([&](const SeenRequest& r) { return ScriptedCluster(r, lists); }, dir_.path() + "/cert.pem",
                                 dir_.path() + "/key.pem");
  auto mirror = ClusterMirror::Start(ClientFor(server), {.aws_auth = false, .first_backoff = std::chrono::milliseconds(20)});
  ASSERT_TRUE(mirror.has_value()) << mirror.error().message;
  for (int i = 0; i < 100 && lists.load() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (int i = 0; i < 40 && RoleNames(**mirror) != std::vector<std::string>{"a", "c"}; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(RoleNames(**mirror), (std::vector<std::string>{"a", "c"}));
  EXPECT_GE((*mirror)->Generation(), 3u);
  EXPECT_NE((*mirror)->Metrics().find("kubeiam_cluster_watch_relists_total{resource=\"clusterroles\"} 1\n"), std::string::npos)
      << (*mirror)->Metrics();
  bool resumed = false;
  for (const auto& r : server.requests()) {
    if (r.target.find("clusterroles?watch=true&allowWatchBookmarks=true&resourceVersion=12&") != std::string::npos) resumed = true;
    EXPECT_EQ(r.Header("Authorization"), "Bearer t");
  }
  EXPECT_TRUE(resumed);
  (*mirror)->OnChange(nullptr);
}

TEST_F(ClusterMirrorTest, ARefusalNamesTheContextAndTheUser) {
  testing::FakeHttpServer server(
      [](const SeenRequest&) {
        return CannedResponse{403, R"({"kind":"Status","status":"Failure","reason":"Forbidden","code":403,)"
                                   R"("message":"clusterroles.rbac.authorization.k8s.io is forbidden: User \"tester\" cannot list resource"})",
                              "application/json"};
      },
      dir_.path() + "/cert.pem", dir_.path() + "/key.pem");
  auto mirror = ClusterMirror::Start(ClientFor(server), {});
  ASSERT_FALSE(mirror.has_value());
  EXPECT_EQ(mirror.error().message,
            "context test (user tester on " + server.url() +
                ") cannot list clusterroles: kubeiam needs get, list and watch on the RBAC kinds and on kube-system/aws-auth: "
                "Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io is forbidden: User \"tester\" cannot "
                "list resource");
}

}  // namespace
}  // namespace kubeiam::kubeclient
