#include "aws/process_credentials.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "util/subprocess.h"

namespace kubeiam::aws {

Result<Credentials> ProcessCredentials(const std::string& command) {
  auto run = RunAndCapture({"/bin/sh", "-c", command});
  if (!run) {
    if (run.error().code == ErrorCode::kFormat) return Fail(ErrorCode::kFormat, "credential_process: output is larger than 1 MiB");
    return Fail(ErrorCode::kInternal, "credential_process: cannot start /bin/sh");
  }
  if (run->exit_code != 0) {
    return Fail(ErrorCode::kUnauthenticated,
                "Error when retrieving credentials from custom-process: the command exited with status " +
                    std::to_string(run->exit_code));
  }
  const std::string& out = run->out;
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  const boost::json::value* version = (!ec && v.is_object()) ? v.as_object().if_contains("Version") : nullptr;
  if (!version || !version->is_int64() || version->as_int64() != 1) {
    return Fail(ErrorCode::kFormat, "credential_process: output must be a JSON object with \"Version\": 1");
  }
  return ParseJsonCredentials(out, "credential_process");
}

}  // namespace kubeiam::aws
