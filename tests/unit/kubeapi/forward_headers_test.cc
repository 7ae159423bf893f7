#include "kubeapi/forward_headers.h"

#include <gtest/gtest.h>

namespace kubeiam::kubeapi {
namespace {

std::vector<std::string> All(const Headers& h, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : h) {
    if (k == name) out.push_back(v);
  }
  return out;
}

const ForwardIdentity kWho{"alice", {"dev", "system:authenticated", "system:masters"}, "aws-iam-authenticator:1:AIDA",
                           {{"arn", {"arn:aws:iam::1:user/alice"}}, {"sessionName", {""}}}};

TEST(ForwardHeaders, ClientCredentialsAndIdentityHeadersAreReplaced) {
  Headers client = {{"Authorization", "Bearer k8s-aws-v1.secret"}, {"impersonate-user", "root"},
                    {"Impersonate-Group", "system:masters"}, {"Impersonate-Extra-Scopes", "all"},
                    {"Impersonate-Uid", "0"}, {"X-Remote-User", "root"}, {"x-remote-extra-a", "b"},
                    {"Proxy-Authorization", "Basic x"}, {"Accept", "application/json"}, {"Content-Type", "application/json"},
                    {"Host", "front:6443"}, {"Content-Length", "12"}, {"Transfer-Encoding", "chunked"}, {"TE", "trailers"},
                    {"Keep-Alive", "timeout=5"}, {"Connection", "keep-alive, X-Trace"}, {"X-Trace", "hop"},
                    {"X-Request-Id", "42"}};
  auto out = ForwardHeaders(client, kWho);
  ASSERT_TRUE(out.has_value());
  Headers expected = {{"Accept", "application/json"},
                      {"Content-Type", "application/json"},
                      {"X-Request-Id", "42"},
                      {"Impersonate-User", "alice"},
                      {"Impersonate-Group", "dev"},
                      {"Impersonate-Group", "system:masters"},
                      {"Impersonate-Uid", "aws-iam-authenticator:1:AIDA"},
                      {"Impersonate-Extra-arn", "arn:aws:iam::1:user/alice"},
                      {"Impersonate-Extra-sessionName", ""}};
  EXPECT_EQ(*out, expected);
}

TEST(ForwardHeaders, UpgradesKeepTheirUpgradeHeaders) {
  Headers client = {{"Connection", "Upgrade, X-Hop"}, {"Upgrade", "SPDY/3.1"}, {"X-Hop", "x"},
                    {"X-Stream-Protocol-Version", "v4.channel.k8s.io"}};
  EXPECT_TRUE(IsUpgrade(client));
  auto out = ForwardHeaders(client, {"bob", {}, "", {}});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(All(*out, "Connection"), std::vector<std::string>{"Upgrade"});
  EXPECT_EQ(All(*out, "Upgrade"), std::vector<std::string>{"SPDY/3.1"});
  EXPECT_TRUE(All(*out, "X-Hop").empty());
  EXPECT_EQ(All(*out, "X-Stream-Protocol-Version"), std::vector<std::string>{"v4.channel.k8s.io"});
  EXPECT_TRUE(All(*out, "Impersonate-Uid").empty());
  // Without "Connection: upgrade" an Upgrade header is just hop-by-hop.
  Headers plain = {{"Upgrade", "h2c"}, {"Connection", "keep-alive"}};
  EXPECT_FALSE(IsUpgrade(plain));
  EXPECT_TRUE(All(*ForwardHeaders(plain, {"bob", {}, "", {}}), "Upgrade").empty());
}

TEST(ForwardHeaders, ExtraKeysAreEscapedAsClientGoEscapesThem) {
  EXPECT_EQ(EscapeExtraKey("canonicalArn"), "canonicalArn");
  EXPECT_EQ(EscapeExtraKey("sigs.k8s.io/aws-iam-authenticator/principalId"), "sigs.k8s.io%2Faws-iam-authenticator%2FprincipalId");
  EXPECT_EQ(EscapeExtraKey("a b%c:d"), "a%20b%25c%3Ad");
  EXPECT_EQ(EscapeExtraKey("\xc3\xa9"), "%C3%A9");
  auto out = ForwardHeaders({}, {"u", {}, "", {{"example.com/scopes", {"a", "b"}}}});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(All(*out, "Impersonate-Extra-example.com%2Fscopes"), (std::vector<std::string>{"a", "b"}));
}

TEST(ForwardHeaders, WebSocketBearerSubprotocolAndExpectStayBehind) {
  Headers client = {{"Sec-WebSocket-Protocol", "v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.c2VjcmV0"},
                    {"Expect", "100-continue"}};
  auto out = ForwardHeaders(client, {"bob", {}, "", {}});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(All(*out, "Sec-WebSocket-Protocol"), std::vector<std::string>{"v5.channel.k8s.io"});
  EXPECT_TRUE(All(*out, "Expect").empty());
  auto only_token = ForwardHeaders({{"Sec-WebSocket-Protocol", "base64url.bearer.authorization.k8s.io.c2VjcmV0"}}, {"bob", {}, "", {}});
  EXPECT_TRUE(All(*only_token, "Sec-WebSocket-Protocol").empty());
}

TEST(ForwardHeaders, IdentityValuesThatCannotBeHeadersAreRefused) {
  // An empty user would leave the upstream acting as kubeiam itself.
  auto nobody = ForwardHeaders({}, {"", {"system:authenticated"}, "", {}});
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error().message, "Impersonate-User would be empty");
  auto bad_user = ForwardHeaders({}, {"eve\r\nImpersonate-Group: system:masters", {}, "", {}});
  ASSERT_FALSE(bad_user.has_value());
  EXPECT_EQ(bad_user.error().message, "Impersonate-User would contain a control character");
  auto bad_extra = ForwardHeaders({}, {"eve", {}, "", {{"k", {"a\nb"}}}});
  ASSERT_FALSE(bad_extra.has_value());
  EXPECT_EQ(bad_extra.error().message, "Impersonate-Extra-k would contain a control character");
}

}  // namespace
}  // namespace kubeiam::kubeapi
