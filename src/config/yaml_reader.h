// Reading a YAML config strictly: typed lookups that record each problem with the file, line and
// column of the value at fault ("c.yaml:4:9: server.port: must be a whole number from 1 to
// 65535"), and, once everything known is read, every key nobody asked for reported as unknown
// with the closest known key of its mapping ("c.yaml:3:3: server.prot: unknown key (did you
// mean port?)"). Keys match without case, as viper (the reference's config library) matches them.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kubeiam::config {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // The value of `key` in `map` (an undefined node when missing). Remembers that the key is
  // known here and, given `path`, where its value is, for messages about it.
  YAML::Node Get(const YAML::Node& map, std::string_view key, const std::string& path = "");

  // Typed values; a value of the wrong type is a problem and leaves `out` as it was.
  void String(const YAML::Node& map, std::string_view key, const std::string& path, std::string& out);
  void Int(const YAML::Node& map, std::string_view key, const std::string& path, int lo, int hi, int& out);
  void Bool(const YAML::Node& map, std::string_view key, const std::string& path, bool& out);
  std::vector<std::string> Strings(const YAML::Node& map, std::string_view key, const std::string& path);
  // A string that names one of two modes: `first` (the default) or `second`.
  template <typename E>
  void Choice(const YAML::Node& map, std::string_view key, const std::string& path, std::pair<const char*, E> first,
              std::pair<const char*, E> second, E& out) {
    std::string text = first.first;
    String(map, key, path, text);
    out = text == second.first ? second.second : first.second;
    if (text != first.first && text != second.first) {
      Problem(path, "must be " + std::string(first.first) + " or " + second.first + " (got \"" + text + "\")");
    }
  }
  // A key the reference authenticator reads and kubeiam does not: accepted, with a warning.
  void Ignored(const YAML::Node& map, std::string_view key, const std::string& path, const std::string& why);

  // "FILE:LINE:COLUMN: path: rule", the position being the nearest known one of `path` or the
  // sections holding it (just "FILE: path: rule" when none is known).
  void Problem(const std::string& path, const std::string& rule);
  // Every key of `doc`, at any depth under known keys, that no Get asked for.
  void CheckUnknownKeys(const YAML::Node& doc);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& problems() const { return problems_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void CheckMap(const YAML::Node& map, const std::string& path, int depth);
  void CheckNode(const YAML::Node& node, const std::string& path, int depth);
  std::string Where(const YAML::Mark& mark) const;

  std::string file_;
  std::vector<std::string> problems_, warnings_;
  std::map<std::string, YAML::Mark> marks_;          // path -> where its value starts
  std::set<int> seen_keys_;                          // positions of the keys asked for and found
  std::map<int, std::vector<std::string>> asked_;    // a mapping's position -> the keys asked of it
};

}  // namespace kubeiam::config
