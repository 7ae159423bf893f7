// Field selector text -> terms, and terms x fields -> selected, as the API server's
// fields.ParseSelector and Selector.Matches decide.
#include "kubeapi/field_selector.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace kubeiam::kubeapi {
namespace {

using Op = FieldTerm::Op;

// "key=value" / "key!=value" per term, in order, so a table row can say what it expects.
std::vector<std::string> Terms(const FieldSelector& s) {
  std::vector<std::string> out;
  for (const auto& t : s.terms()) out.push_back(t.key + (t.op == Op::kEquals ? "=" : "!=") + t.value);
  return out;
}

TEST(FieldSelector, Parses) {
  struct Row {
    std::string text;
    std::vector<std::string> terms;
  } rows[] = {
      {"", {}},
      {"metadata.name=web", {"metadata.name=web"}},
      {"metadata.name==web", {"metadata.name=web"}},
      {"metadata.name!=web", {"metadata.name!=web"}},
      {"metadata.name=", {"metadata.name="}},
      // Sorted by their text, as Go sorts them.
      {"spec.nodeName=n1,metadata.name=web", {"metadata.name=web", "spec.nodeName=n1"}},
      {"b!=2,a=1", {"a=1", "b!=2"}},
      // Escapes in values.
      {"a=x\\,y", {"a=x,y"}},
      {"a=x\\=y", {"a=x=y"}},
      {"a=x\\\\y", {"a=x\\y"}},
      {"a=\\,,b=c", {"a=,", "b=c"}},
      {"a!=\\\\\\,", {"a!=\\,"}},
      // Empty terms are skipped, and so is a term with neither key nor value.
      {"a=b,", {"a=b"}},
      {",a=b", {"a=b"}},
      {",,", {}},
      {"=", {}},
      {"==", {}},
      {"!=", {}},
      {"=x", {"=x"}},
      // Nothing is trimmed: the key and value keep their spaces.
      {" a = b ", {" a = b "}},
      // The key runs to the first operator.
      {"a!b=c", {"a!b=c"}},
      {"a=!b", {"a=!b"}},
  };
  for (const auto& r : rows) {
    auto s = FieldSelector::Parse(r.text);
    ASSERT_TRUE(s) << r.text << ": " << s.error().message;
    EXPECT_EQ(Terms(*s), r.terms) << r.text;
    EXPECT_EQ(s->Empty(), r.terms.empty()) << r.text;
  }
  auto spaced = FieldSelector::Parse(" a = b ");
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->terms()[0].key, " a ");
  EXPECT_EQ(spaced->terms()[0].value, " b ");
}

TEST(FieldSelector, RefusesMalformedSelectors) {
  struct Row {
    std::string text;
    std::string message;
  } rows[] = {
      {"abc", "invalid selector: 'abc'; can't understand 'abc'"},
      {"a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"},
      // Go reports the first bad term in sorted order.
      {"z,a=b,y", "invalid selector: 'z,a=b,y'; can't understand 'y'"},
      {"a=b\\,c,d", "invalid selector: 'a=b\\,c,d'; can't understand 'd'"},
      {"a=b=c", "invalid field selector: unescaped character in value: '=' (write it as '\\=')"},
      {"a==b=c", "invalid field selector: unescaped character in value: '=' (write it as '\\=')"},
      {"a===b", "invalid field selector: unescaped character in value: '=' (write it as '\\=')"},
      {"a!==b", "invalid field selector: unescaped character in value: '=' (write it as '\\=')"},
      {"a=b\\", "invalid field selector: invalid escape sequence: \\ at the end of a value"},
      {"a=\\x", "invalid field selector: invalid escape sequence: \\x (only \\\\, \\, and \\= are allowed)"},
      {"a=\\\n", "invalid field selector: invalid escape sequence: \\\\x0a (only \\\\, \\, and \\= are allowed)"},
  };
  for (const auto& r : rows) {
    auto s = FieldSelector::Parse(r.text);
    ASSERT_FALSE(s) << r.text;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << r.text;
    EXPECT_EQ(s.error().message, r.message) << r.text;
  }
}

TEST(FieldSelector, HostileInputFailsWithAShortMessage) {
  const size_t mb = 1 << 20;
  for (const std::string& text : {std::string(mb, 'a'), std::string(mb, '\\'), "a=" + std::string(mb + 1, '\\'),
                                  std::string(mb, ',') + "x", std::string(mb, '\0')}) {
    auto s = FieldSelector::Parse(text);
    ASSERT_FALSE(s) << text.size();
    EXPECT_LT(s.error().message.size(), 400u);
  }
  auto quoted = FieldSelector::Parse(std::string("a\0b", 3));
  ASSERT_FALSE(quoted);
  EXPECT_EQ(quoted.error().message, "invalid selector: 'a\\x00b'; can't understand 'a\\x00b'");
}

TEST(FieldSelector, CheckKeysNamesTheFirstUnknownKey) {
  const std::vector<std::string> allowed = {"metadata.name", "metadata.namespace"};
  for (std::string_view ok : {"", "metadata.name=a", "metadata.namespace!=a,metadata.name==b", "=", ","}) {
    auto s = FieldSelector::Parse(ok);
    ASSERT_TRUE(s) << ok;
    EXPECT_TRUE(s->CheckKeys(allowed)) << ok;
  }
  struct Row {
    const char* text;
    const char* message;
  } rows[] = {
      {"metadata.name=a,spec.x=b",
       R"("spec.x" is not a known field selector: only "metadata.name", "metadata.namespace")"},
      {"status.phase=Running,spec.nodeName=n",
       R"("spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace")"},
      {"=x", R"("" is not a known field selector: only "metadata.name", "metadata.namespace")"},
      {" metadata.name=x",
       R"(" metadata.name" is not a known field selector: only "metadata.name", "metadata.namespace")"},
      {"a\"b=x", R"("a\"b" is not a known field selector: only "metadata.name", "metadata.namespace")"},
  };
  for (const auto& r : rows) {
    auto s = FieldSelector::Parse(r.text);
    ASSERT_TRUE(s) << r.text << ": " << s.error().message;
    auto checked = s->CheckKeys(allowed);
    ASSERT_FALSE(checked) << r.text;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(checked.error().message, r.message);
  }
  auto none = FieldSelector::Parse("a=b");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->CheckKeys({}).error().message, R"("a" is not a known field selector)");
}

TEST(FieldSelector, MatchesAMissingFieldAsEmpty) {
  const std::map<std::string, std::string, std::less<>> fields = {
      {"metadata.name", "web"}, {"metadata.namespace", "default"}, {"spec.note", "a,b=c\\d"}};
  auto lookup = [&](std::string_view key) -> std::optional<std::string> {
    auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  struct Row {
    const char* selector;
    bool want;
  } rows[] = {
      {"", true},
      {"metadata.name=web", true},
      {"metadata.name==web", true},
      {"metadata.name=db", false},
      {"metadata.name!=db", true},
      {"metadata.name!=web", false},
      {"metadata.name=web,metadata.namespace=default", true},
      {"metadata.name=web,metadata.namespace=kube-system", false},
      {"metadata.name=web,metadata.namespace!=kube-system", true},
      {"spec.nodeName=", true},
      {"spec.nodeName!=", false},
      {"spec.nodeName=n1", false},
      {"spec.nodeName!=n1", true},
      {"spec.note=a\\,b\\=c\\\\d", true},
      {"spec.note!=a\\,b\\=c\\\\d", false},
  };
  for (const auto& r : rows) {
    auto s = FieldSelector::Parse(r.selector);
    ASSERT_TRUE(s) << r.selector << ": " << s.error().message;
    EXPECT_EQ(s->Matches(lookup), r.want) << r.selector;
  }
}

TEST(FieldSelector, RequiredValueIsTheFirstEqualsTermInSortedOrder) {
  struct Row {
    const char* selector;
    std::optional<std::string> want;
  } rows[] = {
      {"", std::nullopt},
      {"metadata.name=web", "web"},
      {"metadata.name==web", "web"},
      {"metadata.name=", ""},
      {"metadata.name!=web", std::nullopt},
      {"metadata.namespace=web", std::nullopt},
      {"spec.nodeName=n1,metadata.name=web", "web"},
      {"metadata.name!=a,metadata.name=b", "b"},
      {"metadata.name=b,metadata.name=a", "a"},
      {"metadata.name=x\\,y", "x,y"},
  };
  for (const auto& r : rows) {
    auto s = FieldSelector::Parse(r.selector);
    ASSERT_TRUE(s) << r.selector << ": " << s.error().message;
    EXPECT_EQ(s->RequiredValue("metadata.name"), r.want) << r.selector;
  }
}

}  // namespace
}  // namespace kubeiam::kubeapi
