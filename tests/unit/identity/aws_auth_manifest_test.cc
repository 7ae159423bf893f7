// An aws-auth manifest written back reads back with the same rows, whatever other keys it holds.
#include "identity/aws_auth_manifest.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

TEST(AwsAuthManifest, AMultiLineKeyIsWrittenSoItReadsBack) {
  // Found by the fuzzer: a quoted key spanning lines was written as a literal block, which no
  // YAML reader takes back as a key.
  auto m = AwsAuthManifest::Parse(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/Admin
      username: admin
      groups: [system:masters]
  "a key\nover two lines": x
)");
  ASSERT_TRUE(m) << m.error().message;
  std::string written = m->Serialize();
  auto again = AwsAuthManifest::Parse(written);
  ASSERT_TRUE(again) << again.error().message << "\n" << written;
  EXPECT_EQ(again->roles, m->roles);
  EXPECT_NE(written.find(R"("a key\nover two lines": x)"), std::string::npos) << written;
}

// Control characters in a value (a CR from a Windows editor) survive writing: the rows read
// back are the rows written.
TEST(AwsAuthManifest, ControlCharactersRoundTrip) {
  auto m = AwsAuthManifest::Parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\n");
  ASSERT_TRUE(m);
  m->roles.push_back({true, "arn:aws:iam::111122223333:role/Admin", "admin\r", {"system:masters\r\r", "tab\there"}});
  auto again = AwsAuthManifest::Parse(m->Serialize());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->roles, m->roles) << m->Serialize();
}

}  // namespace
}  // namespace kubeiam::identity
