// spec/authenticator.md §1.4 and §6.4 (TestFormatJson).
#include "token/exec_credential.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kubeiam::token {
namespace {

TEST(ExecCredential, ApiVersionFromKubernetesExecInfo) {
  EXPECT_EQ(ChooseApiVersion("").api_version, kExecV1beta1);
  EXPECT_EQ(ChooseApiVersion("").warning, "");
  auto bad = ChooseApiVersion("{not json");
  EXPECT_EQ(bad.api_version, kExecV1beta1);
  EXPECT_NE(bad.warning.find("Error parsing KUBERNETES_EXEC_INFO"), std::string::npos);
  EXPECT_EQ(ChooseApiVersion(R"({"apiVersion":"client.authentication.k8s.io/v1beta1"})").api_version, kExecV1beta1);
  EXPECT_EQ(ChooseApiVersion(R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}})")
                .api_version,
            kExecV1);
  auto odd = ChooseApiVersion(R"({"apiVersion":"client.authentication.k8s.io/v9"})");
  EXPECT_EQ(odd.api_version, kExecV1beta1);
  EXPECT_NE(odd.warning.find("Unrecognized API version"), std::string::npos);
}

TEST(ExecCredential, Shape) {
  TimePoint exp = TimePoint(std::chrono::seconds(1351807721));  // 2012-11-01T22:08:41Z
  std::string out = FormatExecCredential(kExecV1, "token", exp);
  EXPECT_EQ(out,
            R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{},)"
            R"("status":{"expirationTimestamp":"2012-11-01T22:08:41Z","token":"token"}})");
  EXPECT_NO_THROW(boost::json::parse(out));
}

}  // namespace
}  // namespace kubeiam::token
