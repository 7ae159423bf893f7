// Exec credential plugins as client-go runs them: KUBERNETES_EXEC_INFO and the plugin's env
// given, the ExecCredential's token and expiry read, failures named as client-go names them.
#include "kubeclient/exec_credential.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kubeiam::kubeclient {
namespace {

constexpr char kApi[] = "client.authentication.k8s.io/v1beta1";

TEST(ExecCredentialPlugin, GivesTheTokenWithTheCallsInfo) {
  testing::TempDir dir;
  std::string plugin = dir.Write("plugin.sh", R"(#!/bin/sh
case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 3 ;; esac
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",'
printf '"status":{"token":"tok-%s-%s","expirationTimestamp":"2030-01-02T03:04:05Z"}}' "$1" "$FLAVOUR"
)", 0755);
  auto c = RunExecPlugin({kApi, plugin, {"arg"}, {{"FLAVOUR", "mint"}}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->token, "tok-arg-mint");
  ASSERT_TRUE(c->expires);
  EXPECT_EQ(FormatRfc3339(*c->expires), "2030-01-02T03:04:05Z");
}

TEST(ExecCredentialPlugin, FailuresAreNamed) {
  testing::TempDir dir;
  EXPECT_EQ(RunExecPlugin({kApi, "no-such-plugin-anywhere", {}, {}}).error().message,
            "exec: executable no-such-plugin-anywhere not found");
  std::string failing = dir.Write("fail.sh", "#!/bin/sh\nexit 7\n", 0755);
  EXPECT_EQ(RunExecPlugin({kApi, failing, {}, {}}).error().message, "exec: executable " + failing + " failed with exit code 7");
  std::string garbage = dir.Write("garbage.sh", "#!/bin/sh\necho not-json\n", 0755);
  EXPECT_EQ(RunExecPlugin({kApi, garbage, {}, {}}).error().message, "exec plugin: decoding stdout: not a JSON object");
  std::string empty = dir.Write("empty.sh", std::string("#!/bin/sh\necho '{\"apiVersion\":\"") + kApi +
                                                "\",\"kind\":\"ExecCredential\",\"status\":{}}'\n", 0755);
  EXPECT_EQ(RunExecPlugin({kApi, empty, {}, {}}).error().message,
            "exec plugin: invalid output: neither a token nor a client certificate");
  std::string other = dir.Write("other.sh", "#!/bin/sh\necho '{\"apiVersion\":\"v9\",\"kind\":\"ExecCredential\"}'\n", 0755);
  EXPECT_EQ(RunExecPlugin({kApi, other, {}, {}}).error().message,
            std::string("exec plugin: expected an ExecCredential of apiVersion ") + kApi);
}

}  // namespace
}  // namespace kubeiam::kubeclient
