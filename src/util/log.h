// The one server log: a JSON object per line on stderr, written whole (lines from several
// threads never interleave), with every string passed through RedactSecrets so that no token,
// signature or session token reaches the log whatever a caller put in a field.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace kubeiam {

enum class LogLevel { kInfo, kWarning, kError };
// JSON lines (the default, for collectors) or text ("TIME LEVEL msg key=value ...", for people).
enum class LogFormat { kJson, kText };

// For the whole process (kubeiam serve's --log-format and --log-level): lines below `min_level`
// are dropped.
void ConfigureLog(LogFormat format, LogLevel min_level);

// Writes `fields` as is (callers set "msg", "level" and "time" themselves when they need them;
// no level means info).
void LogJson(const boost::json::object& fields);

// {"time": now, "level": ..., "msg": msg, ...fields}.
void Log(LogLevel level, std::string_view msg, boost::json::object fields = {});

// The line as written: JSON with numbers that have a fraction in plain decimals, at most three
// places ("0.32", not "3.2E-1").
std::string PlainJson(const boost::json::object& fields);
// A line as it is written in `format`, secrets redacted.
std::string FormatLogLine(const boost::json::object& fields, LogFormat format);

}  // namespace kubeiam
