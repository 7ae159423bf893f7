// Log lines: plain decimals for fractions, whatever nests them; strings as JSON escapes them.
#include "util/log.h"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

namespace kubeiam {
namespace {

TEST(Log, NumbersArePlainDecimals) {
  boost::json::object fields{{"msg", "x\"y"}, {"latencyMs", 0.32}, {"big", 1234567.0}, {"tiny", 0.0001}, {"n", 42},
                             {"nested", boost::json::object{{"d", 2.5}}}, {"list", boost::json::array{1.125, true, nullptr}}};
  EXPECT_EQ(PlainJson(fields),
            R"({"msg":"x\"y","latencyMs":0.32,"big":1234567,"tiny":0,"n":42,"nested":{"d":2.5},"list":[1.125,true,null]})");
}

}  // namespace
}  // namespace kubeiam
