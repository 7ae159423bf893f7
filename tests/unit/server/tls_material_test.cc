#include "server/tls_material.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kubeiam::server {
namespace {

unsigned Mode(const std::string& p) {
  struct stat st;
  stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST(TlsMaterial, CreatesOnceWithPrivateKeysAndValidChain) {
  testing::TempDir dir;
  auto p = EnsureTlsMaterial(dir.path() + "/state", {"192.0.2.1", "kubeiam.example.com"});
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(Mode(p->ca_key), 0600u);
  EXPECT_EQ(Mode(p->server_key), 0600u);
  EXPECT_EQ(Mode(dir.path() + "/state"), 0700u);
  int status = -1;
  std::string out = testing::RunCommand("openssl verify -CAfile '" + p->ca_cert + "' '" + p->server_cert + "' 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  std::string text = testing::RunCommand("openssl x509 -noout -text -in '" + p->server_cert + "'");
  for (const char* san : {"IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1", "DNS:localhost", "IP Address:192.0.2.1",
                          "DNS:kubeiam.example.com", "TLS Web Server Authentication"}) {
    EXPECT_NE(text.find(san), std::string::npos) << san;
  }
  std::string before = testing::RunCommand("cat '" + p->server_cert + "'");
  ASSERT_TRUE(EnsureTlsMaterial(dir.path() + "/state", {}).has_value());
  EXPECT_EQ(testing::RunCommand("cat '" + p->server_cert + "'"), before);  // reused, not regenerated
}

TEST(TlsMaterial, KubeconfigAndUrls) {
  testing::TempDir dir;
  auto p = EnsureTlsMaterial(dir.path(), {});
  ASSERT_TRUE(WriteWebhookKubeconfig(*p, AuthenticateUrl("localhost", 21362)).has_value());
  std::string text = testing::RunCommand("cat '" + p->kubeconfig + "'");
  EXPECT_NE(text.find("server: https://localhost:21362/authenticate"), std::string::npos);
  EXPECT_NE(text.find("certificate-authority-data: "), std::string::npos);
  EXPECT_EQ(AuthenticateUrl("example.com", 6443), "https://example.com:6443/authenticate");
  EXPECT_EQ(AuthenticateUrl("127.0.0.1", 8080), "https://127.0.0.1:8080/authenticate");
  EXPECT_EQ(AuthenticateUrl("2001:db8::1:0", 1234), "https://[2001:db8::1:0]:1234/authenticate");
}

}  // namespace
}  // namespace kubeiam::server
