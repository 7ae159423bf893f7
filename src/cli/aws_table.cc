#include "cli/aws_table.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "util/utf8.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

int TextLength(std::string_view s) { return static_cast<int>(EastAsianWidth(s)); }

std::string Repeat(char c, int n) { return std::string(size_t(std::max(n, 0)), c); }

bool IsScalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

// Python's truth value, which decides whether awscli draws a value at all.
bool Truthy(const json::value& v) {
  if (v.is_object()) return !v.as_object().empty();
  if (v.is_array()) return !v.as_array().empty();
  if (v.is_string()) return !v.as_string().empty();
  if (v.is_bool()) return v.as_bool();
  if (v.is_null()) return false;
  return v.to_number<double>() != 0;
}

// A double as Python's repr writes it: the shortest digits that read back, fixed between 1e-4
// and 1e16 (with ".0" when whole), scientific otherwise.
std::string PythonFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);  // -d.ddde+XX
  size_t e = sci.find('e');
  int exp = std::stoi(sci.substr(e + 1));
  std::string sign = sci[0] == '-' ? "-" : "";
  std::string digits;
  for (char c : sci.substr(sign.size(), e - sign.size())) {
    if (c != '.') digits += c;
  }
  if (exp < -4 || exp >= 16) {
    std::string mantissa = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    std::string power = std::to_string(std::abs(exp));
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (power.size() < 2 ? "0" : "") + power;
  }
  if (exp < 0) return sign + "0." + std::string(size_t(-exp - 1), '0') + digits;
  if (digits.size() <= size_t(exp) + 1) return sign + digits + std::string(size_t(exp) + 1 - digits.size(), '0') + ".0";
  return sign + digits.substr(0, size_t(exp) + 1) + "." + digits.substr(size_t(exp) + 1);
}

// A string as Python's repr writes it: single quotes unless it holds one and no double quote.
std::string PythonStringRepr(std::string_view s) {
  char quote = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", unsigned(c));
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

// A list or object as Python's repr writes it, which awscli shows for one in a table cell:
// [1, 's', True], {'k': None}.
std::string PythonRepr(const json::value& v) {
  if (v.is_string()) return PythonStringRepr(v.as_string());
  std::string out;
  if (v.is_array()) {
    for (const auto& item : v.as_array()) out += (out.empty() ? "" : ", ") + PythonRepr(item);
    return "[" + out + "]";
  }
  if (v.is_object()) {
    for (const auto& [k, item] : v.as_object()) out += (out.empty() ? "" : ", ") + PythonStringRepr(k) + ": " + PythonRepr(item);
    return "{" + out + "}";
  }
  return PythonStr(v);
}

using Row = std::vector<std::string>;

// One box of the table (awscli's Section): an optional title, header cells and rows.
struct Section {
  std::string title;
  Row headers;
  std::vector<Row> rows;
  int indent = 0;
  std::vector<int> max_widths;

  void Widen(const Row& cells) {
    if (max_widths.size() < cells.size()) max_widths.resize(cells.size(), 0);
    for (size_t i = 0; i < cells.size(); ++i) max_widths[i] = std::max(max_widths[i], TextLength(cells[i]));
  }
  void AddHeaders(Row cells) {
    Widen(cells);
    headers = std::move(cells);
  }
  void AddRow(Row cells) {
    Widen(cells);
    rows.push_back(std::move(cells));
  }

  // Column widths with padding, scaled to sum to max_width as awscli scales them.
  std::vector<int> ColumnWidths(int max_width) const {
    std::vector<int> scaled;
    double total = 0;
    for (int w : max_widths) total += w + 4;
    if (max_widths.empty()) return scaled;
    for (int w : max_widths) scaled.push_back(static_cast<int>(std::nearbyint(max_width / total * (w + 4))));
    int off_by = 0;
    for (int w : scaled) off_by += w;
    off_by -= max_width;
    while (off_by != 0) {
      for (size_t k = 0; k < scaled.size() && off_by != 0; ++k) {
        size_t i = off_by > 0 ? k : scaled.size() - 1 - k;
        scaled[i] += off_by > 0 ? -1 : 1;
        off_by += off_by > 0 ? -1 : 1;
      }
    }
    return scaled;
  }

  int TotalWidth() const {
    int total = 2 + 2 * indent;
    for (int w : max_widths) total += w + 4;
    return std::max(TextLength(title) + 2 + 2 * indent, total);
  }
};

// awscli's TableFormatter: the answer walked into sections.
class TableBuilder {
 public:
  std::vector<Section> sections;

  // `title` null: Python's None, no section of its own (an empty key still gets one).
  void Build(const std::string* title, const json::value& current, int indent) {
    if (!Truthy(current)) return;
    if (title) NewSection(*title, indent);
    if (current.is_array()) {
      const json::array& list = current.as_array();
      if (list[0].is_object()) return FromList(list, indent, title);
      for (const auto& item : list) AddListItem(item);
    } else if (current.is_object()) {
      FromObject(current.as_object(), indent);
    }
  }

 private:
  Section& Current() {
    if (sections.empty()) sections.emplace_back();
    return sections.back();
  }

  void NewSection(const std::string& title, int indent) {
    sections.emplace_back();
    sections.back().title = title;
    sections.back().indent = indent;
  }

  // An item of a list whose first item is not an object. Python iterates an object's keys, so an
  // object item is a row of its keys.
  void AddListItem(const json::value& item) {
    if (IsScalar(item)) return Current().AddRow({PythonStr(item)});
    Row row;
    if (item.is_object()) {
      for (const auto& [k, _] : item.as_object()) row.emplace_back(k);
      return Current().AddRow(std::move(row));
    }
    const json::array& items = item.as_array();
    if (!std::all_of(items.begin(), items.end(), IsScalar)) return Build(nullptr, item, 0);
    for (const auto& e : items) row.push_back(PythonStr(e));
    Current().AddRow(std::move(row));
  }

  static void Split(const json::object& o, std::set<std::string>& scalars, std::set<std::string>& more) {
    for (const auto& [k, v] : o) (IsScalar(v) ? scalars : more).emplace(k);
  }

  void FromObject(const json::object& o, int indent) {
    std::set<std::string> scalars, more;
    Split(o, scalars, more);
    Row headers(scalars.begin(), scalars.end());
    if (headers.size() == 1) {
      Current().AddRow({headers[0], PythonStr(o.at(headers[0]))});
    } else if (!headers.empty()) {
      Row values;
      for (const auto& h : headers) values.push_back(PythonStr(o.at(h)));
      Current().AddHeaders(headers);
      Current().AddRow(std::move(values));
    }
    for (const auto& k : more) Build(&k, o.at(k), indent + 1);
  }

  // A list of objects: one header row of every scalar key any item has.
  void FromList(const json::array& list, int indent, const std::string* title) {
    std::set<std::string> scalars, more;
    for (const auto& e : list) {
      if (e.is_object()) Split(e.as_object(), scalars, more);
    }
    Row headers(scalars.begin(), scalars.end());
    Current().AddHeaders(headers);
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0 && !more.empty()) {
        NewSection(title ? *title : "", indent);
        Current().AddHeaders(headers);
      }
      static const json::object kNone;
      const json::object& e = list[i].is_object() ? list[i].as_object() : kNone;
      Row row;
      for (const auto& h : headers) row.push_back(e.contains(h) ? PythonStr(e.at(h)) : "");
      Current().AddRow(std::move(row));
      for (const auto& k : more) {
        if (e.contains(k)) Build(&k, e.at(k), indent + 1);
      }
    }
  }
};

std::string CenterText(const std::string& text, int length, std::string_view left, std::string_view right) {
  int text_length = TextLength(text);
  int start = length / 2 - text_length / 2 - 1;
  int so_far = int(left.size()) + start + text_length;
  return std::string(left) + Repeat(' ', start) + text + Repeat(' ', length - int(right.size()) - so_far) + std::string(right);
}

std::string AlignLeft(const std::string& text, int length, std::string_view left) {
  int text_length = TextLength(text);
  int padding = length - (text_length + 2 + int(left.size()) + 1) >= 0 ? 2 : 0;
  int so_far = int(left.size()) + padding + text_length;
  return std::string(left) + Repeat(' ', padding) + text + Repeat(' ', length - so_far - 1) + "|";
}

std::string LineBreak(const std::vector<int>& widths) {
  std::string line;
  for (size_t i = 0; i < widths.size(); ++i) line += i == 0 ? "+" + Repeat('-', widths[i] - 2) + "+" : Repeat('-', widths[i] - 1) + "+";
  return line;
}

std::string Cells(const Row& row, const std::vector<int>& widths, bool centered) {
  std::string line;
  for (size_t i = 0; i < widths.size() && i < row.size(); ++i) {
    std::string_view left = i == 0 ? "|" : "";
    line += centered ? CenterText(row[i], widths[i], left, "|") : AlignLeft(row[i], widths[i], left);
  }
  return line;
}

// A section's lines, each framed by one '|' per indent level on either side.
void Render(const Section& s, int max_width, std::string& out) {
  std::string frame = Repeat('|', s.indent);
  auto line = [&](const std::string& text) { out += frame + text + frame + "\n"; };
  int width = max_width - 2 * s.indent;
  if (!s.title.empty()) {
    line(CenterText(s.title, width, "|", "|"));
    if (s.headers.empty() && s.rows.empty()) line("+" + Repeat('-', width - 2) + "+");
  }
  std::vector<int> widths = s.ColumnWidths(width);
  if (!s.headers.empty()) {
    line(LineBreak(widths));
    line(Cells(s.headers, widths, true));
  }
  if (s.rows.empty() || widths.empty()) return;
  line(LineBreak(widths));
  for (const auto& row : s.rows) line(Cells(row, widths, false));
  line(LineBreak(widths));
}

int MaxWidth(const std::vector<Section>& sections) {
  int width = 0;
  for (const auto& s : sections) width = std::max(width, s.TotalWidth());
  return width;
}

// Single-row sections as "header | value" rows, for tables wider than the terminal.
void MakeVertical(std::vector<Section>& sections) {
  for (auto& s : sections) {
    if (s.rows.size() != 1 || s.headers.empty()) continue;
    Section vertical;
    vertical.title = s.title;
    vertical.indent = s.indent;
    for (size_t i = 0; i < s.headers.size() && i < s.rows[0].size(); ++i) vertical.AddRow({s.headers[i], s.rows[0][i]});
    s = std::move(vertical);
  }
}

}  // namespace

std::string PythonStr(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "True" : "False";
  if (v.is_null()) return "None";
  if (v.is_double()) return PythonFloat(v.as_double());
  if (v.is_object() || v.is_array()) return PythonRepr(v);
  return json::serialize(v);
}

std::string FormatAwsTable(const json::value& answer, std::string_view title, int terminal_width) {
  TableBuilder builder;
  const std::string name(title);
  builder.Build(&name, answer, 0);
  std::vector<Section>& sections = builder.sections;
  if (sections.empty()) return "";
  int max_width = MaxWidth(sections);
  if (max_width > terminal_width) {
    MakeVertical(sections);
    max_width = MaxWidth(sections);
  }
  std::string out = Repeat('-', max_width) + "\n";
  for (const auto& s : sections) Render(s, max_width, out);
  return out;
}

}  // namespace kubeiam::cli
