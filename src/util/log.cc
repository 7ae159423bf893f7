#include "util/log.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <mutex>

#include "util/redact.h"

namespace kubeiam {

void LogJson(const boost::json::object& fields) {
  static std::mutex mu;
  std::string line = RedactSecrets(boost::json::serialize(fields));
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
