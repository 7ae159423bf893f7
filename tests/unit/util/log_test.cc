// Log lines: plain decimals for fractions, whatever nests them; strings as JSON escapes them.
#include "util/log.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

namespace kubeiam {
namespace {

TEST(Log, NumbersArePlainDecimals) {
  boost::json::object fields{{"msg", "x\"y"}, {"latencyMs", 0.32}, {"big", 1234567.0}, {"tiny", 0.0001}, {"n", 42},
                             {"nested", boost::json::object{{"d", 2.5}}}, {"list", boost::json::array{1.125, true, nullptr}}};
  EXPECT_EQ(PlainJson(fields),
            R"({"msg":"x\"y","latencyMs":0.32,"big":1234567,"tiny":0,"n":42,"nested":{"d":2.5},"list":[1.125,true,null]})");
}

// Text lines: time, level and message first, then key=value, quoted only where needed; secrets
// redacted as in JSON.
TEST(Log, TextLinesForPeople) {
  boost::json::object fields{{"time", "2026-12-01T00:00:00Z"}, {"level", "warning"}, {"msg", "kubeAPI request"},
                             {"user", "jane"}, {"path", "/api/v1/pods"}, {"note", "two words"}, {"status", 403},
                             {"latencyMs", 1.5}, {"groups", boost::json::array{"a", "b"}}};
  EXPECT_EQ(FormatLogLine(fields, LogFormat::kText),
            R"(2026-12-01T00:00:00Z warning kubeAPI request user=jane path=/api/v1/pods note="two words" status=403 )"
            R"(latencyMs=1.5 groups=["a","b"])");
  boost::json::object secret{{"msg", "x"}, {"token", "k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9u"}};
  EXPECT_EQ(FormatLogLine(secret, LogFormat::kText).find("aHR0cHM6"), std::string::npos);
  EXPECT_EQ(FormatLogLine(secret, LogFormat::kJson).find("aHR0cHM6"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam
