// kubeiam lint: each trap of spec/authenticator.md §3.4 / spec/eks-access.md §5.4 and §7 found on
// its line, with a fix; a clean ConfigMap has no errors.
#include "identity/aws_auth_lint.h"

#include <gtest/gtest.h>

#include "support/aws_auth_fixtures.h"

namespace kubeiam::identity {
namespace {

std::string Wrap(const std::string& data) { return testing::AwsAuthManifest(data); }

const LintFinding* Find(const std::vector<LintFinding>& f, const std::string& part) {
  for (const auto& x : f) {
    if (x.message.find(part) != std::string::npos) return &x;
  }
  return nullptr;
}

const std::string& kNodeAndAdmin = testing::kNodeAndAdminData;

TEST(AwsAuthLint, CleanConfigMapHasNoFindings) { EXPECT_TRUE(LintAwsAuth(Wrap(kNodeAndAdmin)).empty()); }

TEST(AwsAuthLint, EachTrapOnItsLine) {
  struct Case {
    std::string data;
    const char* part;
    int line;
    bool error;
  } cases[] = {
      // T26: unquoted template -> whole section dropped (line of the offending key).
      {kNodeAndAdmin + "    - rolearn: arn:aws:iam::111122223333:role/Dev\n      username: {{SessionName}}\n",
       "mapRoles does not parse as the authenticator reads it", 15, true},
      // Missing | (T24).
      {kNodeAndAdmin + "  mapUsers:\n    - userarn: arn:aws:iam::111122223333:user/a\n", "mapUsers is a YAML list", 14, true},
      // Case of top-level keys (T24).
      {kNodeAndAdmin + "  MapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/a\n", "data key \"MapUsers\" is ignored", 14,
       true},
      // Entry key case: accepted but flagged.
      {kNodeAndAdmin + "    - roleARN: arn:aws:iam::111122223333:role/Dev\n      username: dev\n", "key \"roleARN\" works", 14,
       false},
      // T28: role path.
      {kNodeAndAdmin + "    - rolearn: arn:aws:iam::111122223333:role/teams/Dev\n      username: dev\n", "has a path", 14, true},
      // T27: duplicates, the last wins.
      {kNodeAndAdmin + "    - rolearn: arn:aws:iam::111122223333:role/admin\n      username: other\n",
       "this row replaces the one on line 11", 14, false},
      // Stray indentation merges groups.
      {kNodeAndAdmin + "    - rolearn: arn:aws:iam::111122223333:role/Dev\n      username: dev\n      groups:\n        - a\n          - b\n",
       "two groups run together", 17, true},
      // STS session ARN as rolearn.
      {kNodeAndAdmin + "    - rolearn: arn:aws:sts::111122223333:assumed-role/Dev/x\n      username: dev\n", "STS session ARN", 14,
       true},
      // Bad accounts.
      {kNodeAndAdmin + "  mapAccounts: |\n    - 1234\n", "not a 12-digit account ID", 14, true},
  };
  for (const auto& c : cases) {
    auto findings = LintAwsAuth(Wrap(c.data));
    const LintFinding* f = Find(findings, c.part);
    ASSERT_NE(f, nullptr) << c.part << "\n" << Wrap(c.data);
    EXPECT_EQ(f->line, c.line) << c.part;
    EXPECT_EQ(f->error, c.error) << c.part;
    EXPECT_FALSE(f->fix.empty()) << c.part;
  }
}

TEST(AwsAuthLint, LockOutRisks) {
  auto no_admin = LintAwsAuth(Wrap("  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/N\n      username: n\n      groups: [system:nodes]\n"));
  const LintFinding* f = Find(no_admin, "no mapping grants system:masters");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->error);
  EXPECT_EQ(Find(LintAwsAuth(Wrap("  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/N\n      username: n\n      groups: "
                                  "[system:nodes]\n"),
                             1),
                 "system:masters"),
            nullptr)
      << "an administrator elsewhere";
  // A path-bearing admin row grants nothing, so it does not count.
  auto path_admin = LintAwsAuth(Wrap("  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/x/Admin\n      groups: "
                                     "[system:masters]\n"));
  EXPECT_NE(Find(path_admin, "no mapping grants system:masters"), nullptr);
  EXPECT_NE(Find(LintAwsAuth(Wrap("  mapUsers: |\n    - userarn: arn:aws:iam::1:user/a\n      groups: [system:masters]\n")),
                 "no mapping grants system:nodes"),
            nullptr);
  EXPECT_NE(Find(LintAwsAuth("kind: Secret\n"), "not a ConfigMap"), nullptr);
  EXPECT_NE(Find(LintAwsAuth("data: [\n"), "not valid YAML"), nullptr);
}

}  // namespace
}  // namespace kubeiam::identity
