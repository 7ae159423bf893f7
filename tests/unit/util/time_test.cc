#include "util/time.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TimePoint At(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

TEST(Time, AmzDateRoundTrip) {
  EXPECT_EQ(FormatAmzDate(At(1682640000)), "20230428T000000Z");
  EXPECT_EQ(FormatAmzDay(At(1682640000)), "20230428");
  EXPECT_EQ(*ParseAmzDate("20230428T000000Z"), At(1682640000));
  EXPECT_FALSE(ParseAmzDate("xxxxxxx").has_value());
  EXPECT_FALSE(ParseAmzDate("20230230T000000Z").has_value());  // 30 February
  EXPECT_FALSE(ParseAmzDate("20230428T000000").has_value());
}

TEST(Time, Rfc3339Forms) {
  EXPECT_EQ(FormatRfc3339(At(1682640840)), "2023-04-28T00:14:00Z");
  EXPECT_EQ(*ParseRfc3339("2023-04-28T00:14:00Z"), At(1682640840));
  EXPECT_EQ(*ParseRfc3339("2023-04-28T02:14:00+02:00"), At(1682640840));
  auto frac = ParseRfc3339("2023-04-28T00:14:00.5Z");
  ASSERT_TRUE(frac.has_value());
  EXPECT_EQ(*frac - At(1682640840), std::chrono::milliseconds(500));
  EXPECT_FALSE(ParseRfc3339("2023-04-28 00:14").has_value());
  EXPECT_FALSE(ParseRfc3339("2023-04-28T00:14:00").has_value());
  EXPECT_FALSE(ParseRfc3339("").has_value());
}

TEST(Time, GoFormat) { EXPECT_EQ(FormatGoTime(At(640746123)), "1990-04-22 01:02:03 +0000 UTC"); }

}  // namespace
}  // namespace kubeiam
