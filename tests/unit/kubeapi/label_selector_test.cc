// Label selector text -> requirements, and requirements x labels -> selected, as the API server's
// labels.Parse and Selector.Matches decide.
#include "kubeapi/label_selector.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace kubeiam::kubeapi {
namespace {

using Op = LabelRequirement::Op;
using Labels = std::map<std::string, std::string>;

constexpr std::string_view kPrefix = "unable to parse requirement: ";

TEST(LabelSelector, ParsesEveryOperator) {
  struct Row {
    std::string text;
    std::string key;
    Op op;
    std::vector<std::string> values;
  } rows[] = {
      {"a=b", "a", Op::kEquals, {"b"}},
      {"a==b", "a", Op::kEquals, {"b"}},
      {"a!=b", "a", Op::kNotEquals, {"b"}},
      {"a in (c,b)", "a", Op::kIn, {"b", "c"}},
      {"a notin (b)", "a", Op::kNotIn, {"b"}},
      {"a", "a", Op::kExists, {}},
      {"!a", "a", Op::kDoesNotExist, {}},
      {"a>5", "a", Op::kGreaterThan, {"5"}},
      {"a<5", "a", Op::kLessThan, {"5"}},
      // Whitespace around every token.
      {"  a  =  b  ", "a", Op::kEquals, {"b"}},
      {"\ta\n in\r( b , c ) ", "a", Op::kIn, {"b", "c"}},
      {" ! a ", "a", Op::kDoesNotExist, {}},
      // Nothing after the operator is the empty value; empty items in a set are "" (as in Go).
      {"a=", "a", Op::kEquals, {""}},
      {"a!=", "a", Op::kNotEquals, {""}},
      {"a in (b,)", "a", Op::kIn, {"", "b"}},
      {"a in (,b)", "a", Op::kIn, {"", "b"}},
      {"a notin (b,,c)", "a", Op::kNotIn, {"", "b", "c"}},
      {"a in (b,b)", "a", Op::kIn, {"b"}},
      // "in" and "notin" are words where a key or value stands.
      {"in in (notin)", "in", Op::kIn, {"notin"}},
      {"a=in", "a", Op::kEquals, {"in"}},
      {"example.com/My_app-1.x=V-1_b.c", "example.com/My_app-1.x", Op::kEquals, {"V-1_b.c"}},
      {std::string(63, 'k') + "=" + std::string(63, 'v'), std::string(63, 'k'), Op::kEquals, {std::string(63, 'v')}},
      {std::string(253, 'p') + "/n", std::string(253, 'p') + "/n", Op::kExists, {}},
  };
  for (const auto& r : rows) {
    auto s = LabelSelector::Parse(r.text);
    ASSERT_TRUE(s) << r.text << ": " << s.error().message;
    ASSERT_EQ(s->requirements().size(), 1u) << r.text;
    const LabelRequirement& got = s->requirements()[0];
    EXPECT_EQ(got.key, r.key) << r.text;
    EXPECT_EQ(got.op, r.op) << r.text;
    EXPECT_EQ(got.values, r.values) << r.text;
    EXPECT_FALSE(s->Empty()) << r.text;
  }
}

TEST(LabelSelector, EmptySelectsEverythingAndRequirementsAreSortedByKey) {
  for (std::string_view text : {"", "   ", " \t\r\n"}) {
    auto s = LabelSelector::Parse(text);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->Empty());
    EXPECT_TRUE(s->Matches(Labels{}));
    EXPECT_TRUE(s->Matches(Labels{{"a", "b"}}));
  }
  EXPECT_TRUE(LabelSelector().Empty());
  auto s = LabelSelector::Parse("c!=1, b in (x), !a");
  ASSERT_TRUE(s) << s.error().message;
  std::vector<std::string> keys;
  for (const auto& r : s->requirements()) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(LabelSelector, MatchesAsTheApiServer) {
  const Labels web{{"app", "web"}, {"tier", "front"}, {"n", "10"}, {"empty", ""}};
  const Labels none;
  struct Row {
    const char* selector;
    const Labels& labels;
    bool want;
  } rows[] = {
      {"app=web", web, true},
      {"app==web", web, true},
      {"app=db", web, false},
      {"app=web", none, false},
      {"app!=db", web, true},
      {"app!=web", web, false},
      {"app!=web", none, true},  // absent key: != holds
      {"app in (db,web)", web, true},
      {"app in (db)", web, false},
      {"app in (web)", none, false},
      {"app notin (web)", web, false},
      {"app notin (db)", web, true},
      {"app notin (web)", none, true},  // absent key: notin holds
      {"app", web, true},
      {"app", none, false},
      {"!app", web, false},
      {"!app", none, true},
      {"n>5", web, true},
      {"n>10", web, false},
      {"n<11", web, true},
      {"n<10", web, false},
      {"n>09", web, true},
      {"n>5", none, false},
      {"app>5", web, false},  // a label that is not an integer never compares
      {"empty=", web, true},
      {"empty", web, true},
      {"empty in (x,)", web, true},
      {"empty!=", web, false},
      {"app=", web, false},
      {"app=", none, false},
      {"app=web,tier=front", web, true},
      {"app=web,tier=back", web, false},
      {"app=web,!tier", web, false},
      {"app=web,!missing,missing!=x,missing notin (y)", web, true},
      {"", none, true},
  };
  for (const auto& r : rows) {
    auto s = LabelSelector::Parse(r.selector);
    ASSERT_TRUE(s) << r.selector << ": " << s.error().message;
    EXPECT_EQ(s->Matches(r.labels), r.want) << r.selector;
  }
}

TEST(LabelSelector, MatchesJsonLabelsAndNonStringValuesNeverMatch) {
  const boost::json::object labels{
      {"app", "web"}, {"n", "10"}, {"num", 5}, {"nul", nullptr}, {"obj", boost::json::object{}}};
  struct Row {
    const char* selector;
    bool want;
  } rows[] = {
      {"app=web", true},      {"app=db", false},       {"app!=db", true},    {"app in (web)", true},
      {"app", true},          {"!app", false},         {"missing!=x", true}, {"!missing", true},
      {"missing", false},     {"n>5", true},           {"n<5", false},       {"", true},
      // A label that is not a string fails every requirement on it, whatever the operator.
      {"num=5", false},       {"num!=x", false},       {"num", false},       {"!num", false},
      {"num notin (x)", false}, {"num>1", false},      {"nul", false},       {"nul!=x", false},
      {"!obj", false},        {"app=web,num!=x", false},
  };
  for (const auto& r : rows) {
    auto s = LabelSelector::Parse(r.selector);
    ASSERT_TRUE(s) << r.selector << ": " << s.error().message;
    EXPECT_EQ(s->Matches(labels), r.want) << r.selector;
  }
}

TEST(LabelSelector, RefusesMalformedSelectors) {
  struct Row {
    std::string text;
    std::string reason;  // what follows the prefix, or a part of it
  } rows[] = {
      {"((((", "found '(', expected: !, identifier, or end of string"},
      {")", "found ')', expected: !, identifier, or end of string"},
      {"=b", "found '=', expected: !, identifier, or end of string"},
      {"!=b", "found '!=', expected: !, identifier, or end of string"},
      {"a in (b", "found end of string, expected: ',' or ')'"},
      {"a notin (b,", "found end of string, expected: ',' or identifier"},
      {"a in (b))", "found ')', expected: ',' or end of string"},
      {"a in b", "found 'b', expected: '('"},
      {"a in", "found end of string, expected: '('"},
      {"a in ((b))", "found '(', expected: ',', ')' or identifier"},
      {"a in (b c)", "found 'c', expected: ',' or ')'"},
      {"a in (b,=)", "found '=', expected: ',' or identifier"},
      {",a", "found ',', expected: !, identifier, or end of string"},
      {"a,", "found end of string, expected: identifier after ','"},
      {"a,,b", "found ',', expected: identifier after ','"},
      {"a, ,b", "found ',', expected: identifier after ','"},
      {"a b", "found 'b', expected: in, notin, =, ==, !=, >, <"},
      {"a)", "found ')', expected: in, notin, =, ==, !=, >, <"},
      {"a!b", "found '!', expected: in, notin, =, ==, !=, >, <"},
      {"a=b=c", "found '=', expected: ',' or end of string"},
      {"a=b c", "found 'c', expected: ',' or end of string"},
      {"!a=b", "found '=', expected: ',' or end of string"},
      {"!", "found end of string, expected: identifier"},
      {"!!a", "found '!', expected: identifier"},
      {"a=(", "found '(', expected: identifier"},
      {"a>=5", "found '=', expected: identifier"},
      {"a>b", "the value must be an integer, not \"b\""},
      {"a<", "the value must be an integer, not \"\""},
      {"a>99999999999999999999", "the value must be an integer"},
      {"a>-1", "invalid label value \"-1\" for key \"a\""},
      {"a=b$", "invalid label value \"b$\" for key \"a\""},
      {"a=-b", "invalid label value \"-b\""},
      {"a in (b,c_)", "invalid label value \"c_\""},
      {"a=" + std::string(64, 'v'), "must be no more than 63 characters"},
      {"a$b=c", "invalid label key \"a$b\": name part must consist of"},
      {"-a", "invalid label key \"-a\": name part must consist of"},
      {"a.", "invalid label key \"a.\""},
      {"caf\xc3\xa9", "invalid label key \"caf\\xc3\\xa9\""},
      {std::string(64, 'k'), "name part must be no more than 63 characters"},
      {"a/b/c", "a label key has at most one '/'"},
      {"/a", "prefix part must be non-empty"},
      {"example.com/", "name part must be non-empty"},
      {"Example.com/a", "prefix part must be a lowercase RFC 1123 subdomain"},
      {"example..com/a", "prefix part must be a lowercase RFC 1123 subdomain"},
      {"-example.com/a", "prefix part must be a lowercase RFC 1123 subdomain"},
      {"ex_ample.com/a", "prefix part must be a lowercase RFC 1123 subdomain"},
      {std::string(254, 'p') + "/a", "prefix part must be no more than 253 characters"},
      {std::string("a\0b", 3), "the selector has a NUL byte at offset 1"},
      {std::string("\0", 1), "the selector has a NUL byte at offset 0"},
  };
  for (const auto& r : rows) {
    auto s = LabelSelector::Parse(r.text);
    ASSERT_FALSE(s) << r.text;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << r.text;
    EXPECT_TRUE(s.error().message.starts_with(kPrefix)) << r.text << ": " << s.error().message;
    EXPECT_NE(s.error().message.find(r.reason), std::string::npos) << r.text << ": " << s.error().message;
  }
  auto s = LabelSelector::Parse("((((");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "unable to parse requirement: found '(', expected: !, identifier, or end of string");
}

TEST(LabelSelector, HostileInputFailsQuicklyWithAShortMessage) {
  const size_t mb = 1 << 20;
  std::vector<std::string> bad = {
      std::string(mb, '('),
      std::string(mb, ')'),
      std::string(mb, ','),
      std::string(mb, '!'),
      std::string(mb, 'a'),
      std::string(mb, '\0'),
      "a in (" + std::string(mb, ','),
      "a in (" + std::string(mb, 'b'),
      "a=" + std::string(mb, 'b'),
  };
  // Lighter than a megabyte: these build a value or requirement per item before failing.
  const size_t items = 100000;
  std::string many_values = "a in (";
  for (size_t i = 0; i < items; ++i) many_values += "b,";
  bad.push_back(many_values);  // never closed
  std::string many_requirements;
  for (size_t i = 0; i < items; ++i) many_requirements += "a,";
  bad.push_back(many_requirements);  // trailing comma
  for (const auto& text : bad) {
    auto s = LabelSelector::Parse(text);
    ASSERT_FALSE(s) << text.substr(0, 20);
    EXPECT_TRUE(s.error().message.starts_with(kPrefix)) << s.error().message;
    EXPECT_LT(s.error().message.size(), 400u) << text.substr(0, 20);
  }
  // A long selector that is well formed still parses.
  many_requirements += "a";
  auto s = LabelSelector::Parse(many_requirements);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->requirements().size(), items + 1);
  EXPECT_TRUE(s->Matches(Labels{{"a", ""}}));
}

// As the API server reads it: an empty set is the set of the empty value.
TEST(LabelSelector, EmptySetIsTheEmptyValue) {
  auto in = LabelSelector::Parse("a in ()");
  ASSERT_TRUE(in.has_value()) << in.error().message;
  EXPECT_EQ(in->requirements()[0].values, std::vector<std::string>{""});
  EXPECT_TRUE(in->Matches(std::map<std::string, std::string>{{"a", ""}}));
  EXPECT_FALSE(in->Matches(std::map<std::string, std::string>{{"a", "x"}}));
  auto notin = LabelSelector::Parse("a notin ( )");
  ASSERT_TRUE(notin.has_value());
  EXPECT_TRUE(notin->Matches(std::map<std::string, std::string>{}));
}

}  // namespace
}  // namespace kubeiam::kubeapi
