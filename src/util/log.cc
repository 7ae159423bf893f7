#include "util/log.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "util/redact.h"

namespace kubeiam {

namespace {

// JSON as boost::json writes it, but numbers with a fraction in plain decimals ("0.32", never
// "3.2E-1"): log readers and people compare them by eye.
void AppendPlain(const boost::json::value& v, std::string& out);

void AppendObject(const boost::json::object& o, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& [k, item] : o) {
    if (!first) out += ',';
    first = false;
    out += boost::json::serialize(boost::json::value(boost::json::string_view(k.data(), k.size())));
    out += ':';
    AppendPlain(item, out);
  }
  out += '}';
}

void AppendPlain(const boost::json::value& v, std::string& out) {
  if (v.is_double()) {
    char buf[64];
    double d = v.as_double();
    if (!std::isfinite(d)) d = 0;
    std::snprintf(buf, sizeof buf, "%.3f", d);
    std::string text = buf;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    out += text;
  } else if (v.is_object()) {
    AppendObject(v.as_object(), out);
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : v.as_array()) {
      if (!first) out += ',';
      first = false;
      AppendPlain(item, out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string PlainJson(const boost::json::object& fields) {
  std::string out;
  AppendObject(fields, out);
  return out;
}

void LogJson(const boost::json::object& fields) {
  static std::mutex mu;
  std::string line = RedactSecrets(PlainJson(fields));
  line.push_back('\n');
  std::lock_guard<std::mutex> l(mu);
  // One write per line: a log collector reading the pipe never sees half a line.
  for (size_t done = 0; done < line.size();) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

void Log(LogLevel level, std::string_view msg, boost::json::object fields) {
  static constexpr const char* kNames[] = {"info", "warning", "error"};
  boost::json::object line;
  line["level"] = kNames[static_cast<int>(level)];
  line["msg"] = msg;
  for (auto& [k, v] : fields) line[k] = std::move(v);
  LogJson(line);
}

}  // namespace kubeiam
