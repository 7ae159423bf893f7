// spec/rbac.md §7.9: the review `kubectl auth can-i` sends for each invocation of the table, read
// from the spec, against the attributes `kubeiam can-i -o json` reports for the same arguments.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <regex>

#include "integration/cli_runner.h"
#include "support/paths.h"
#include "util/strings.h"

namespace kubeiam {
namespace {

std::string Spec() {
  std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/data/rbac/conformance-corpus.md");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Words of a shell-like command line: single quotes group, nothing else is special.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

TEST(KubectlCanI, ReviewAttributesFromTheSpecTable) {
  std::string spec = Spec();
  size_t at = spec.find("### 7.9 `kubectl auth can-i`");
  ASSERT_NE(at, std::string::npos);
  std::istringstream in(spec.substr(at));
  std::string line;
  std::regex row(R"(^\| (KC\d+) \| `can-i ([^`]*)` \| SSAR (res|nonres) \{([^}]*)\} \|)");
  std::regex field(R"(\s*(\w+):("[^"]*"|[^,]*))");
  int checked = 0;
  while (std::getline(in, line) && (line.starts_with("|") || checked == 0)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    std::vector<std::string> argv = {KUBEIAM_BINARY, "can-i"};
    for (auto& w : Words(m[2])) argv.push_back(w);
    argv.insert(argv.end(), {"--as", "someone", "-o", "json"});
    testing::Outcome o = testing::Run(argv, {});
    ASSERT_TRUE(o.exit_code == 0 || o.exit_code == 1) << m[1] << ": " << o.err;
    auto doc = boost::json::parse(o.out).as_object();
    bool resource = m[3] == "res";
    const auto& attrs = doc.at(resource ? "resourceAttributes" : "nonResourceAttributes").as_object();
    std::string fields = m[4];
    for (std::sregex_iterator it(fields.begin(), fields.end(), field), end; it != end; ++it) {
      std::string key = (*it)[1], want = (*it)[2];
      if (want == "\"\"") want = "";
      if (key == "ns") key = "namespace";
      EXPECT_EQ(attrs.at(key).as_string(), want) << m[1] << " " << key;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6) << "KC1-KC6 carry a review to compare";
}

TEST(KubectlCanI, NamespaceOnAClusterScopedResource) {  // KC13
  testing::Outcome o = testing::Run({KUBEIAM_BINARY, "can-i", "get", "nodes", "-n", "ns1", "--as", "a", "-o", "json"}, {});
  EXPECT_NE(o.err.find("Warning: resource 'nodes' is not namespace scoped"), std::string::npos) << o.err;
  EXPECT_EQ(boost::json::parse(o.out).at("resourceAttributes").at("namespace").as_string(), "ns1");
}

}  // namespace
}  // namespace kubeiam
