#include "sts/sts_api.h"

#include <gtest/gtest.h>

namespace kubeiam::sts {
namespace {

TEST(StsParse, AssumeRoleResponse) {
  auto r = ParseAssumeRoleResponse(
      R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
      <AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s3-access-example</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s3-access-example</Arn></AssumedRoleUser>
      <Credentials><SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>
      <SessionToken>AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE</SessionToken>
      <Expiration>2011-07-15T23:28:33.359Z</Expiration><AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>
      </Credentials></AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
      </AssumeRoleResponse>)",
      "AssumeRole");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->credentials.access_key_id, "ASIAJEXAMPLEXEG2JICEA");
  EXPECT_EQ(r->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/s3-access-example");
  ASSERT_TRUE(r->credentials.expiration.has_value());
  EXPECT_EQ(FormatRfc3339(*r->credentials.expiration), "2011-07-15T23:28:33Z");
}

TEST(StsParse, MissingOrBrokenDocuments) {
  EXPECT_FALSE(ParseAssumeRoleResponse("<AssumeRoleResponse/>", "AssumeRole").has_value());
  EXPECT_NE(ParseAssumeRoleResponse("<a><b></a>", "AssumeRole").error().message.find("not valid XML"),
            std::string::npos);
  EXPECT_FALSE(ParseAssumeRoleResponse("", "AssumeRole").has_value());
}

TEST(StsParse, Errors) {
  Error e = ParseErrorResponse(403,
                               "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The "
                               "security token included in the request is expired</Message></Error></ErrorResponse>",
                               "AssumeRole");
  EXPECT_EQ(e.code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(e.message,
            "An error occurred (ExpiredToken) when calling the AssumeRole operation: The security token included in "
            "the request is expired");
  EXPECT_EQ(ParseErrorResponse(400, R"({"Error":{"Code":"Throttling","Message":"Rate exceeded"}})", "GetCallerIdentity").code,
            ErrorCode::kThrottled);
  EXPECT_EQ(ParseErrorResponse(502, "<html>bad gateway</html>", "AssumeRole").message,
            "An error occurred (502) when calling the AssumeRole operation: ");
}

TEST(StsParse, CallerIdentityJsonAndXml) {
  auto j = ParseCallerIdentityResponse(
      R"({"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"123456789012","Arn":"arn:aws:sts::123456789012:assumed-role/Admin/alice","UserId":"AROAEXAMPLE:alice"},"ResponseMetadata":{"RequestId":"x"}}})");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->user_id, "AROAEXAMPLE:alice");
  auto x = ParseCallerIdentityResponse(
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn><UserId>AIDA</UserId>"
      "<Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->arn, "arn:aws:iam::1:user/a");
}

}  // namespace
}  // namespace kubeiam::sts
