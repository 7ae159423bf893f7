#include "cli/aws_output.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <set>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/aws_table.h"
#include "util/strings.h"
#include "util/time.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

// Seconds since the epoch -> "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", as awscli shows timestamps.
std::string IsoTime(double seconds) {
  if (!std::isfinite(seconds)) seconds = 0;
  seconds = std::clamp(seconds, 0.0, 253402300799.0);  // up to 9999-12-31T23:59:59
  std::string z = FormatRfc3339Micros(FromUnixMicros(std::llround(seconds * 1e6)));
  return z.substr(0, z.size() - 1) + "+00:00";
}

bool IsTimestampKey(std::string_view key) { return key.size() > 2 && key.ends_with("At"); }

// Timestamps replaced by their ISO text, everywhere in the answer.
void IsoTimestamps(json::value& v) {
  if (v.is_object()) {
    for (auto& [k, item] : v.as_object()) {
      if (IsTimestampKey(k) && item.is_number()) {
        item = IsoTime(item.to_number<double>());
      } else {
        IsoTimestamps(item);
      }
    }
  } else if (v.is_array()) {
    for (auto& item : v.as_array()) IsoTimestamps(item);
  }
}

void Indented(const json::value& v, int depth, std::string& out) {
  std::string pad(size_t(depth + 1) * 4, ' '), close(size_t(depth) * 4, ' ');
  if (v.is_object() && !v.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, item] : v.as_object()) {
      out += (first ? "" : ",\n") + pad + json::serialize(json::value(json::string_view(k.data(), k.size()))) + ": ";
      Indented(item, depth + 1, out);
      first = false;
    }
    out += "\n" + close + "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : v.as_array()) {
      out += (first ? "" : ",\n") + pad;
      Indented(item, depth + 1, out);
      first = false;
    }
    out += "\n" + close + "]";
  } else {
    out += json::serialize(v);
  }
}

bool Scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

void Text(const json::value& v, const std::string* id, const std::vector<std::string>* scalar_keys, std::string& out);

void TextDict(const json::object& o, const std::string* id, const std::vector<std::string>* scalar_keys, std::string& out) {
  std::vector<std::string> scalars;
  std::vector<std::pair<std::string, const json::value*>> others;
  std::vector<std::string> keys;
  for (const auto& [k, item] : o) keys.emplace_back(k);
  std::sort(keys.begin(), keys.end());
  if (!scalar_keys) {
    for (const auto& k : keys) {
      const json::value& item = o.at(k);
      if (Scalar(item)) scalars.push_back(PythonStr(item));
      else others.emplace_back(k, &item);
    }
  } else {
    for (const auto& k : *scalar_keys) scalars.push_back(o.contains(k) ? PythonStr(o.at(k)) : "");
    for (const auto& k : keys) {
      if (std::find(scalar_keys->begin(), scalar_keys->end(), k) == scalar_keys->end()) others.emplace_back(k, &o.at(k));
    }
  }
  if (!scalars.empty()) {
    if (id) scalars.insert(scalars.begin(), ToUpper(*id));
    for (size_t i = 0; i < scalars.size(); ++i) out += (i ? "\t" : "") + scalars[i];
    out += "\n";
  }
  for (const auto& [k, item] : others) Text(*item, &k, nullptr, out);
}

void TextList(const json::array& a, const std::string* id, std::string& out) {
  if (a.empty()) return;
  bool dicts = std::any_of(a.begin(), a.end(), [](const json::value& e) { return e.is_object(); });
  if (dicts) {
    std::set<std::string> seen;
    for (const auto& e : a) {
      if (!e.is_object()) continue;
      for (const auto& [k, item] : e.as_object()) {
        if (Scalar(item)) seen.insert(std::string(k));
      }
    }
    std::vector<std::string> keys(seen.begin(), seen.end());
    for (const auto& e : a) Text(e, id, &keys, out);
    return;
  }
  std::vector<std::string> scalars;
  for (const auto& e : a) {
    if (Scalar(e)) scalars.push_back(PythonStr(e));
  }
  if (id) {
    for (const auto& s : scalars) out += ToUpper(*id) + "\t" + s + "\n";
  } else if (!scalars.empty()) {
    for (size_t i = 0; i < scalars.size(); ++i) out += (i ? "\t" : "") + scalars[i];
    out += "\n";
  }
  for (const auto& e : a) {
    if (!Scalar(e)) Text(e, id, nullptr, out);
  }
}

void Text(const json::value& v, const std::string* id, const std::vector<std::string>* scalar_keys, std::string& out) {
  if (v.is_object()) return TextDict(v.as_object(), id, scalar_keys, out);
  if (v.is_array()) return TextList(v.as_array(), id, out);
  out += PythonStr(v) + "\n";
}

void Yaml(const json::value& v, YAML::Emitter& e) {
  if ((v.is_object() && v.as_object().empty()) || (v.is_array() && v.as_array().empty())) {
    e << YAML::Flow << (v.is_object() ? YAML::BeginMap : YAML::BeginSeq) << (v.is_object() ? YAML::EndMap : YAML::EndSeq);
  } else if (v.is_object()) {
    e << YAML::BeginMap;
    for (const auto& [k, item] : v.as_object()) {
      e << YAML::Key << std::string(k) << YAML::Value;
      Yaml(item, e);
    }
    e << YAML::EndMap;
  } else if (v.is_array()) {
    e << YAML::BeginSeq;
    for (const auto& item : v.as_array()) Yaml(item, e);
    e << YAML::EndSeq;
  } else if (v.is_string()) {
    e << std::string(v.as_string());
  } else if (v.is_bool()) {
    e << v.as_bool();
  } else if (v.is_null()) {
    e << YAML::Null;
  } else {
    e << json::serialize(v);
  }
}

}  // namespace

Result<AwsOutput> ParseAwsOutput(std::string_view name) {
  if (name == "json" || name.empty()) return AwsOutput::kJson;
  if (name == "text") return AwsOutput::kText;
  if (name == "yaml") return AwsOutput::kYaml;
  if (name == "table") return AwsOutput::kTable;
  return Fail(ErrorCode::kInvalidArgument, "--output: must be json, text, table or yaml (got \"" + std::string(name) + "\")");
}

std::string FormatAwsAnswer(std::string_view json_text, AwsOutput output, std::string_view operation, int terminal_width) {
  boost::system::error_code ec;
  json::value doc = json::parse(json_text, ec);
  if (ec) return std::string(json_text) + "\n";
  IsoTimestamps(doc);
  std::string out;
  switch (output) {
    case AwsOutput::kJson:
      Indented(doc, 0, out);
      return out + "\n";
    case AwsOutput::kText:
      Text(doc, nullptr, nullptr, out);
      return out;
    case AwsOutput::kYaml: {
      YAML::Emitter e;
      Yaml(doc, e);
      return std::string(e.c_str()) + "\n";
    }
    case AwsOutput::kTable:
      return FormatAwsTable(doc, operation, terminal_width);
  }
  return out;
}

int StdoutTerminalWidth() {
  winsize size{};
  // As awscli: 80 when stdout is no terminal, else what the terminal says (0 included: every
  // section turns vertical).
  if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 80;
  return size.ws_col;
}

}  // namespace kubeiam::cli
