// spec/authenticator.md §6.1 (verifier pre-STS validations) and §6.3 (STS host allow-list),
// row by row, with the reference's behaviour (strict = false) and kubeiam's stricter defaults.
#include <gtest/gtest.h>

#include "token/sts_host.h"
#include "token/validate.h"
#include "util/encoding.h"

namespace kubeiam::token {
namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));
std::string T(const std::string& url) { return "k8s-aws-v1." + Base64UrlEncodeNoPad(url); }
std::string NowStamp() { return FormatAmzDate(kNow); }

ValidatorConfig Reference(const std::string& partition = "aws") {
  ValidatorConfig c;
  c.partition = partition;
  c.strict = false;
  return c;
}

struct Row {
  int number;
  std::string partition, token, expected;  // expected: substring of the error, or "" for success
};

TEST(TokenValidation, ReferenceRows) {
  std::string q = "https://sts.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id";
  std::vector<Row> rows = {
      {1, "aws", std::string(4097, '\0'), "token is too large"},
      {2, "aws", "k8s-aws-v2.asdfasdfa", "token is missing expected \"k8s-aws-v1.\" prefix"},
      {3, "aws", "k8s-aws-v1.decodingerror", "illegal base64 data"},
      {4, "aws", T(":ab:cd.af:/asda"), "missing protocol scheme"},
      {5, "aws", T("http://"), "unexpected scheme"},
      {6, "aws", T("https://google.com"),
       "input token was not properly formatted: could not parse region for pre-signed URL google.com, invalid host "
       "format: google.com"},
      {7, "aws-cn", T("https://sts.cn-north-1.amazonaws.com.cn/abc"), "unexpected path in pre-signed URL"},
      {8, "aws", T("https://sts.amazonaws.com/abc"), "unexpected path in pre-signed URL"},
      {9, "aws", T("https://sts.amazonaws.com/?NoInWhiteList=abc"), "non-whitelisted query parameter"},
      {10, "aws", T("https://sts.amazonaws.com/?action=get&action=post"),
       "query parameter with multiple values not supported"},
      {11, "aws", T("https://sts.amazonaws.com/?action=NotGetCallerIdenity"), "unexpected action parameter in pre-signed URL"},
      {12, "aws", T("https://sts.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=abc%3bx-k8s-aws-i%3bdef"),
       "client did not sign the x-k8s-aws-id header in the pre-signed URL"},
      {13, "aws", T(q + "&x-amz-date=" + NowStamp() + "&x-amz-expires=9999999"), "invalid X-Amz-Expires parameter in pre-signed URL"},
      {14, "aws", T(q + "&x-amz-date=xxxxxxx&x-amz-expires=60"), "error parsing X-Amz-Date parameter"},
      {15, "aws", T(q + "&x-amz-date=19900422T010203Z&x-amz-expires=60"), "X-Amz-Date parameter is expired"},
      {16, "aws",
       T("https://sts.sa-east-1.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date=" +
         NowStamp() + "&x-amz-expires=60%gh"),
       "input token was not properly formatted: malformed query parameter"},
      {22, "aws",
       T("https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-"
         "SHA256&X-Amz-Credential=ASIAAAAAAAAAAAAAAAAA%2F20220601%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=" +
         NowStamp() + "&X-Amz-Expires=900&X-Amz-Security-Token=XXXXXXXXXXXXX&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&x-"
                      "amz-credential=eve&X-Amz-Signature=999999999999999999"),
       "input token was not properly formatted: duplicate query parameter found:"},
  };
  for (const char* region : {"us-east-2", "ap-northeast-2", "ca-central-1", "eu-west-1", "sa-east-1"}) {
    rows.push_back({17, "aws",
                    T(std::string("https://sts.") + region + ".amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date=" +
                      NowStamp() + "&x-amz-expires=60"),
                    ""});
  }
  for (const auto& r : rows) {
    auto v = Validate(r.token, Reference(r.partition), kNow);
    if (r.expected.empty()) {
      EXPECT_TRUE(v.has_value()) << "row " << r.number << ": " << v.error().message;
    } else {
      ASSERT_FALSE(v.has_value()) << "row " << r.number;
      EXPECT_NE(v.error().message.find(r.expected), std::string::npos)
          << "row " << r.number << ": " << v.error().message;
    }
  }
}

TEST(TokenValidation, StrictRejectsWhatTheReferenceLetsThrough) {
  std::string good = "https://sts.us-east-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="
                     "AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20231114%2Fus-east-2%2Fsts%2Faws4_request&X-Amz-Date=" +
                     NowStamp() + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc";
  ValidatorConfig strict;
  strict.cluster_id = "c";
  auto ok = Validate(T(good), strict, kNow);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->access_key_id, "AKID");
  EXPECT_EQ(ok->sts_region, "us-east-2");
  EXPECT_EQ(*ok->request.FindHeader("x-k8s-aws-id"), "c");

  auto expect = [&](const std::string& url, const std::string& want) {
    auto v = Validate(T(url), strict, kNow);
    ASSERT_FALSE(v.has_value()) << url;
    EXPECT_NE(v.error().message.find(want), std::string::npos) << v.error().message;
  };
  expect("https://evil@sts.us-east-2.amazonaws.com/?" + good.substr(good.find('?') + 1), "user information");
  expect(good + "#frag", "fragment");
  expect("https://sts.us-east-2.amazonaws.com:8443/?" + good.substr(good.find('?') + 1), "must not name a port");
  std::string v2 = good;
  v2.replace(v2.find("2011-06-15"), 10, "2099-01-01");
  expect(v2, "Version parameter must be 2011-06-15");
  expect(good.substr(0, good.find("&X-Amz-Signature")), "X-Amz-Signature parameter must be present");
  std::string future = good;
  future.replace(future.find(NowStamp()), 16, FormatAmzDate(kNow + std::chrono::minutes(16)));
  expect(future, "X-Amz-Date parameter is in the future");
  expect(good.substr(0, good.find("&X-Amz-Signature")) + "&X-Amz-Signature=abc;x=y", "malformed query parameter");
}

TEST(TokenValidation, LocalModeAcceptsOnlyItsOwnHost) {
  ValidatorConfig local;
  local.local_sts_host = "127.0.0.1:21364";
  std::string rest = "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=AKID%2F20231114%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=" +
                     NowStamp() + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc";
  EXPECT_TRUE(Validate(T("https://127.0.0.1:21364" + rest), local, kNow).has_value());
  for (const char* host : {"127.0.0.1:21365", "sts.amazonaws.com", "localhost:21364", "127.0.0.1"}) {
    auto v = Validate(T(std::string("https://") + host + rest), local, kNow);
    ASSERT_FALSE(v.has_value()) << host;
    EXPECT_NE(v.error().message.find("unexpected hostname"), std::string::npos);
  }
}

struct HostRow {
  const char* partition;
  const char* host;
  const char* region;
  bool valid;
};

TEST(StsHostAllowList, ReferenceTable) {
  const HostRow rows[] = {
      {"aws", "sts.amazonaws.com", "", true},
      {"aws-cn", "sts.amazonaws.com", "", false},
      {"aws-us-gov", "sts.amazonaws.com", "", false},
      {"aws-iso", "sts.amazonaws.com", "", false},
      {"aws-iso-b", "sts.amazonaws.com", "", false},
      {"aws-iso-e", "sts.amazonaws.com", "", false},
      {"aws-iso-f", "sts.amazonaws.com", "", false},
      {"aws-not-a-partition", "sts.amazonaws.com", "", false},
      {"aws-cn", "sts.cn-northwest-1.amazonaws.com.cn", "", true},
      {"aws-cn", "sts.cn-north-1.amazonaws.com.cn", "", true},
      {"aws-cn", "sts.us-iso-east-1.c2s.ic.gov", "", false},
      {"aws-cn", "sts.not-a-region1.amazonaws.com.cn", "", false},
      {"aws-cn", "sts.not-a-region2.amazonaws.com.cn", "not-a-region2", true},
      {"aws", "sts-fips.us-west-2.amazonaws.com", "", true},
      {"aws", "sts-fips.us-east-1.amazonaws.com", "", true},
      {"aws", "sts.amazonaws.com.cn", "", false},
      {"aws", "website.amazonaws.com", "", false},
      {"aws", "sts.default-region.amazonaws.com", "default-region", true},
      {"aws-iso", "sts.us-iso-east-1.c2s.ic.gov", "", true},
      {"aws-iso", "sts.cn-north-1.amazonaws.com.cn", "", false},
      {"aws-iso-b", "sts.cn-north-1.amazonaws.com.cn", "", false},
      {"aws-us-gov", "sts.us-gov-east-1.amazonaws.com", "", true},
      {"aws-cn", "sts-fips.us-east-1.amazonaws.com", "", false},
      {"aws-cn", "sts.us-isob-east-1.amazonaws.com.cn", "", false},
      {"aws-cn", "sts.us-isob-east-1.amazonaws.com.cn", "us-isob-east-1", true},
      {"aws-iso-b", "sts.us-isob-east-1.amazonaws.com.cn", "", false},
      {"aws-iso-b", "sts.us-isob-east-1.amazonaws.com.cn", "us-isob-east-1", false},
      {"aws", "sts.us-west-2.api.aws", "", true},
      {"aws-cn", "sts.cn-north-1.api.amazonwebservices.com.cn", "", true},
      {"aws", "sts.cn-north-1.api.amazonwebservices.com.cn", "", false},
      {"aws", "sts.not-a-region.amazonaws.com", "", true},
      {"aws", "sts.not-a-region.amazonaws.com", "not-a-region", true},
      {"aws", "sts.not-a-region.amazonaws.com", "us-west-2", true},
      {"aws-cn", "sts.not-a-region3.amazonaws.com.cn", "", false},
      {"aws-cn", "sts.not-a-region4.amazonaws.com.cn", "not-a-region4", true},
      {"aws-cn", "sts.not-a-region5.amazonaws.com.cn", "us-west-2", false},
      {"aws-cn", "sts.us-west-2.amazonaws.com.cn", "", false},
      {"aws", "sts.us-west-2.amazonaws.com.cn", "", false},
      {"aws", "sts.us-west-2.amazonaws.com.cn", "us-west-2", false},
      {"aws-cn", "sts.not-a-region.amazonaws.com", "not-a-region", false},
      {"aws", "invalid.amazonaws.com", "", false},
      {"aws", "invalid2.amazonaws.com", "", false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(CheckStsHost(r.host, r.partition, r.region).has_value(), r.valid)
        << r.partition << " | " << r.host << " | " << r.region;
  }
  for (const char* region : {"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
                             "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
                             "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1"}) {
    EXPECT_TRUE(CheckStsHost(std::string("sts.") + region + ".amazonaws.com", "aws", "").has_value()) << region;
  }
}

TEST(StsHostAllowList, RegionOfHost) {
  EXPECT_EQ(*StsRegionOfHost("sts.amazonaws.com"), "global");
  EXPECT_EQ(*StsRegionOfHost("sts.us-west-2.amazonaws.com"), "us-west-2");
  EXPECT_EQ(*StsRegionOfHost("sts.eu-central-1.amazonaws.com"), "eu-central-1");
  for (const char* bad : {"", "sts", "sts.wrongformat"}) EXPECT_FALSE(StsRegionOfHost(bad).has_value()) << bad;
}

}  // namespace
}  // namespace kubeiam::token
