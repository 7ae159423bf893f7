// What the authentication mode leaves out, and a lookup that cannot answer stops that check once.
#include "state/doctor.h"

#include <gtest/gtest.h>

namespace kubeiam::state {
namespace {

constexpr char kAwsAuth[] = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/admin
      username: admin
      groups: [system:masters]
)";

Snapshot WithEntries(eks::AuthenticationMode mode) {
  Snapshot s;
  s.authentication_mode = mode;
  eks::AccessEntry e;
  e.principal_arn = "arn:aws:iam::111122223333:user/a";
  e.principal_id = "AIDAA";
  e.kubernetes_groups = {"team"};
  s.access_entries = std::make_shared<const eks::AccessEntries>(std::vector<eks::AccessEntry>{e});
  return s;
}

std::string All(const std::vector<DoctorFinding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.about + ": " + f.message + "\n";
  return out;
}

TEST(Doctor, WhatTheModeIgnores) {
  Snapshot api = WithEntries(eks::AuthenticationMode::kApi);
  std::string found = All(Diagnose({api, kAwsAuth, "kube-system/aws-auth", nullptr, nullptr}));
  EXPECT_NE(found.find("kube-system/aws-auth: the authentication mode API ignores aws-auth: its 1 rows map nobody"),
            std::string::npos) << found;
  Snapshot config_map = WithEntries(eks::AuthenticationMode::kConfigMap);
  found = All(Diagnose({config_map, kAwsAuth, "kube-system/aws-auth", nullptr, nullptr}));
  EXPECT_NE(found.find("access entries: 1 access entries are ignored: the authentication mode is CONFIG_MAP"), std::string::npos)
      << found;
}

TEST(Doctor, ALookupThatCannotAnswerStopsOnce) {
  Snapshot s = WithEntries(eks::AuthenticationMode::kApiAndConfigMap);
  int calls = 0;
  PrincipalIdLookup none = [&](const std::string&) -> Result<std::optional<std::string>> {
    ++calls;
    return Fail(ErrorCode::kUnauthenticated, "no credentials");
  };
  auto findings = Diagnose({s, std::nullopt, "", nullptr, none});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message, "principal IDs not checked: no credentials");
  EXPECT_FALSE(findings[0].error);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace kubeiam::state
