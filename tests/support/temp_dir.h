// A fresh directory removed at scope end, and scoped environment variables.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace kubeiam::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name (creating parent folders) and returns the full path.
  std::string Write(const std::string& name, const std::string& content, unsigned mode = 0644) const;

 private:
  std::string path_;
};

// Sets or unsets variables for the life of the object, restoring the old values after.
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ~ScopedEnv();
  ScopedEnv& Set(const std::string& name, const std::string& value);
  ScopedEnv& Unset(const std::string& name);
  // Clears every AWS_* and KUBE* variable that could leak the developer's own setup into a test,
  // and disables the instance metadata service.
  ScopedEnv& Isolate(const std::string& home);

 private:
  void Remember(const std::string& name);
  std::map<std::string, std::optional<std::string>> saved_;
};

// Runs a shell command, returns its stdout; exit status in *status when given.
std::string RunCommand(const std::string& command, int* status = nullptr);

}  // namespace kubeiam::testing
