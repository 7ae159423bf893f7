#include "util/log.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "util/redact.h"
#include "util/time.h"

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

namespace {

std::atomic<LogFormat> g_format{LogFormat::kJson};
std::atomic<LogLevel> g_min_level{LogLevel::kInfo};

constexpr const char* kLevelNames[] = {"info", "warning", "error"};

// A value as text format writes it: bare when it is a simple word, else as a JSON string.
void AppendTextValue(const boost::json::value& v, std::string& out) {
  if (!v.is_string()) return AppendPlain(v, out);
  std::string_view s = v.as_string();
  bool bare = !s.empty() && s.find_first_of(" \t\"=\\") == std::string_view::npos &&
              std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x20; });
  out += bare ? std::string(s) : boost::json::serialize(v);
}

// "TIME LEVEL msg key=value ...": the time, level and message first, as people read logs.
std::string TextLine(const boost::json::object& fields) {
  auto text = [&](const char* key) -> std::string {
    const boost::json::value* v = fields.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : "";
  };
  std::string level = text("level");
  std::string out = text("time") + " " + (level.empty() ? "info" : level) + " " + text("msg");
  for (const auto& [k, v] : fields) {
    if (k == "time" || k == "level" || k == "msg") continue;
    out += " ";
    out.append(k.data(), k.size());
    out += "=";
    AppendTextValue(v, out);
  }
  return out;
}

void WriteLine(std::string line) {
  static std::mutex mu;
  line.push_back('\n');
  std::lock_guard<std::mutex> l(mu);
  // One write per line: a log collector reading the pipe never sees half a line.
  for (size_t done = 0; done < line.size();) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

LogLevel LevelOf(const boost::json::object& fields) {
  const boost::json::value* v = fields.if_contains("level");
  if (!v || !v->is_string()) return LogLevel::kInfo;
  for (int i = 0; i < 3; ++i) {
    if (v->as_string() == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return LogLevel::kInfo;
}

}  // namespace

void ConfigureLog(LogFormat format, LogLevel min_level) {
  g_format = format;
  g_min_level = min_level;
}

std::string FormatLogLine(const boost::json::object& fields, LogFormat format) {
  return RedactSecrets(format == LogFormat::kText ? TextLine(fields) : PlainJson(fields));
}

void LogJson(const boost::json::object& fields) {
  if (static_cast<int>(LevelOf(fields)) < static_cast<int>(g_min_level.load())) return;
  WriteLine(FormatLogLine(fields, g_format.load()));
}

void Log(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (static_cast<int>(level) < static_cast<int>(g_min_level.load())) return;
  boost::json::object line;
  line["time"] = FormatRfc3339(Clock::now());
  line["level"] = kLevelNames[static_cast<int>(level)];
  line["msg"] = msg;
  for (auto& [k, v] : fields) line[k] = std::move(v);
  WriteLine(FormatLogLine(line, g_format.load()));
}

}  // namespace kubeiam
