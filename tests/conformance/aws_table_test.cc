// kubeiam's `--output table` against awscli's own table formatter (the installed awscli, run
// through tests/conformance/awscli_table.py): the same answers must draw the same tables.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/aws_table.h"
#include "integration/cli_runner.h"
#include "support/paths.h"

namespace kubeiam {
namespace {

namespace json = boost::json;

struct TableCase {
  const char* title;
  const char* answer;
  int width;
};

const TableCase kCases[] = {
    {"DescribeAccessEntry",
     R"({"accessEntry": {"clusterName": "demo", "principalArn": "arn:aws:iam::111122223333:role/Deployer",
        "kubernetesGroups": ["deployers", "viewers"], "accessEntryArn":
        "arn:aws:eks:us-east-1:111122223333:access-entry/demo/role/111122223333/Deployer/0cc8b1e3-6a2d-4a2f",
        "createdAt": "2026-12-01T00:55:55.123456+00:00", "modifiedAt": "2026-12-01T00:55:55.123456+00:00",
        "tags": {}, "username": "arn:aws:sts::111122223333:assumed-role/Deployer/{{SessionName}}", "type": "STANDARD"}})",
     80},
    {"DescribeAccessEntry", R"({"accessEntry": {"clusterName": "demo", "type": "STANDARD", "username": "dev"}})", 80},
    {"DescribeAccessEntry", R"({"accessEntry": {"clusterName": "demo", "type": "STANDARD", "username": "dev"}})", 20},
    {"ListAccessEntries",
     R"({"accessEntries": ["arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:user/dev"]})", 80},
    {"ListAssociatedAccessPolicies",
     R"({"clusterName": "demo", "principalArn": "arn:aws:iam::111122223333:role/Dev", "associatedAccessPolicies": [
        {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
         "accessScope": {"type": "namespace", "namespaces": ["dev-*", "qa"]},
         "associatedAt": "2026-12-01T00:55:55+00:00", "modifiedAt": "2026-12-01T00:55:55+00:00"},
        {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
         "accessScope": {"type": "cluster", "namespaces": []}}]})",
     80},
    {"ListAccessPolicies",
     R"({"accessPolicies": [{"name": "AmazonEKSAdminPolicy", "arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"},
        {"name": "AmazonEKSViewPolicy", "arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"}]})",
     80},
    {"ListAccessPolicies", R"({"accessPolicies": [{"name": "A", "arn": "x"}, {"name": "B", "extra": true}]})", 200},
    {"DescribeCluster", R"({"cluster": {"name": "demo", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}})", 80},
    {"Numbers", R"({"a": 1, "b": 2.5, "c": true, "d": null, "e": 1e20, "f": 0.0001, "g": -3.0, "h": 0})", 80},
    {"Nested", R"({"l": [[1, 2], [3, 4]], "m": [["x", {"y": 1}]], "n": [[1], {"k": 1}], "o": {}, "p": ""})", 80},
    {"Wide", R"({"名前": "クラスター", "owner": "管理者", "note": "été"})", 80},
    {"A very long title that is wider than every column of the table", R"({"a": "b"})", 80},
    {"Empty", R"({})", 80},
    {"EmptyKey", R"({"a": 1, "b": 2, "": {"c": 1, "d": 2}})", 80},
    {"Repr", R"({"x": [{"a": 1}, {"a": {"q": 1, "r": [1, "s", true, null, "it's", "a\"b'c"]}}]})", 80},
};

std::string CasesJson() {
  json::array cases;
  for (const auto& c : kCases) {
    cases.push_back(json::object{{"title", c.title}, {"answer", json::parse(c.answer)}, {"width", c.width}});
  }
  return json::serialize(cases);
}

TEST(AwsTable, DrawsWhatAwscliDraws) {
  testing::Outcome awscli = testing::Run({"python3", std::string(KUBEIAM_TEST_DIR) + "/conformance/awscli_table.py"},
                                         {}, CasesJson());
  ASSERT_EQ(awscli.exit_code, 0) << awscli.err;
  json::array tables = json::parse(awscli.out).as_array();
  ASSERT_EQ(tables.size(), std::size(kCases));
  for (size_t i = 0; i < std::size(kCases); ++i) {
    const TableCase& c = kCases[i];
    EXPECT_EQ(cli::FormatAwsTable(json::parse(c.answer), c.title, c.width), std::string(tables[i].as_string()))
        << "case " << i << ": " << c.title << " at width " << c.width;
  }
}

TEST(AwsTable, PythonStrOfScalars) {
  EXPECT_EQ(cli::PythonStr(json::value(1.5)), "1.5");
  EXPECT_EQ(cli::PythonStr(json::value(1e16)), "1e+16");
  EXPECT_EQ(cli::PythonStr(json::value(123456.0)), "123456.0");
  EXPECT_EQ(cli::PythonStr(json::value(0.00012)), "0.00012");
  EXPECT_EQ(cli::PythonStr(json::value(1.5e-7)), "1.5e-07");
  EXPECT_EQ(cli::PythonStr(json::value(-2.0)), "-2.0");
  EXPECT_EQ(cli::PythonStr(json::value(true)), "True");
  EXPECT_EQ(cli::PythonStr(json::value(nullptr)), "None");
  EXPECT_EQ(cli::PythonStr(json::value(42)), "42");
}

}  // namespace
}  // namespace kubeiam
