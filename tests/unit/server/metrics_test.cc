// Request metrics: counted by verb and code with latency histograms under Prometheus' names; a
// verb nobody knows is "other", so clients cannot add series at will.
#include "server/metrics.h"

#include <gtest/gtest.h>

namespace kubeiam::server {
namespace {

TEST(Metrics, RequestsByVerbAndCode) {
  Metrics m;
  m.CountRequest("kubeapi", "list", 200, std::chrono::milliseconds(3));
  m.CountRequest("kubeapi", "list", 200, std::chrono::milliseconds(30));
  m.CountRequest("kubeapi", "get", 0, std::chrono::milliseconds(1));
  for (int i = 0; i < 100; ++i) m.CountRequest("kubeapi", "invented" + std::to_string(i), 400, std::chrono::milliseconds(1));
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE kubeiam_kubeapi_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kubeiam_kubeapi_requests_total{verb=\"list\",code=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kubeiam_kubeapi_requests_total{verb=\"get\",code=\"proxied\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kubeiam_kubeapi_requests_total{verb=\"other\",code=\"400\"} 100\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("invented"), std::string::npos);
  EXPECT_NE(text.find("# TYPE kubeiam_kubeapi_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("kubeiam_kubeapi_request_duration_seconds_bucket{verb=\"list\",le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kubeiam_kubeapi_request_duration_seconds_count{verb=\"list\"} 2\n"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam::server
