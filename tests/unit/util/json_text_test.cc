#include "util/json_text.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(JsonText, ParsesAValue) {
  auto v = ParseJsonText(" {\"a\": [1, 2]}\n");
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->at("a").as_array().size(), 2u);
}

TEST(JsonText, SyntaxErrorsNameTheirLineAndColumn) {
  struct Case {
    const char* text;
    const char* where;
  } cases[] = {
      {"{\n  \"a\": 1,\n  \"b\": x\n}", " at line 3, column 8"},
      {"{\"a\": 1", " at line 1, column 8"},
      {"[1] [2]", " at line 1, column 5"},
      {"", " at line 1, column 1"},
  };
  for (const auto& c : cases) {
    auto v = ParseJsonText(c.text);
    ASSERT_FALSE(v.has_value()) << c.text;
    EXPECT_EQ(v.error().code, ErrorCode::kFormat);
    EXPECT_TRUE(v.error().message.ends_with(c.where)) << c.text << " -> " << v.error().message;
  }
  EXPECT_FALSE(ParseJsonText("[[[[1]]]]", 3).has_value());
}

}  // namespace
}  // namespace kubeiam
