#include "util/table.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(Table, ColumnsThreeApartNoTrailingBlanks) {
  EXPECT_EQ(FormatTable({{"NAME", "LIST"}, {"pods", "\u2714"}, {"deployments.apps", ""}}),
            "NAME               LIST\n"
            "pods               \u2714\n"
            "deployments.apps\n");
  EXPECT_EQ(DisplayWidth("\u2714\u2716ab"), 4u);
}

TEST(Table, NarrowsTheWidestColumnToFit) {
  std::vector<std::vector<std::string>> rows = {
      {"SUBJECT", "VIA"}, {"alice", "RoleBinding default/a-very-long-binding-name -> ClusterRole view"}};
  std::string out = FormatTable(rows, 40);
  for (size_t start = 0; start < out.size();) {
    size_t end = out.find('\n', start);
    EXPECT_LE(DisplayWidth(std::string_view(out).substr(start, end - start)), 40u) << out;
    start = end + 1;
  }
  EXPECT_NE(out.find("\u2026"), std::string::npos);
  EXPECT_EQ(FormatTable(rows, 0), FormatTable(rows, 1000)) << "wide enough: unchanged";
  // Never below 8 characters a column, even if the line then overflows.
  EXPECT_NE(FormatTable(rows, 5).find("RoleBin\u2026"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam
