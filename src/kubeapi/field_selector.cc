#include "kubeapi/field_selector.h"

#include <algorithm>
#include <array>
#include <utility>

namespace kubeiam::kubeapi {
namespace {

using Op = FieldTerm::Op;

// A hostile selector can be a megabyte long; an error echoes only the first ~100 bytes of it.
constexpr size_t kMaxShown = 100;

// Printable ASCII as is, anything else as \xNN, so a message is safe to log and to put in JSON.
// With `quoted`, also escapes '"' and '\' and adds the quotes, as Go's %q does for plain text.
std::string Shown(std::string_view s, bool quoted = false) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = quoted ? "\"" : "";
  size_t i = 0;
  for (; i < s.size() && out.size() < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      continue;
    }
    if (quoted && (c == '"' || c == '\\')) out += '\\';
    out += static_cast<char>(c);
  }
  if (quoted) out += '"';
  if (i < s.size()) out += "...";
  return out;
}

// Splits on commas that are not escaped; an escaped comma stays in its term with its backslash.
std::vector<std::string_view> SplitTerms(std::string_view text) {
  std::vector<std::string_view> terms;
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(text.substr(start));
  return terms;
}

struct SplitTerm {
  std::string_view key, value;  // value still escaped
  Op op = Op::kEquals;
};

// Splits at the first operator: a key cannot escape one, so "a\=b=c" has key "a\" (Go's splitTerm).
std::optional<SplitTerm> SplitAtOperator(std::string_view term) {
  static constexpr std::array<std::pair<std::string_view, Op>, 3> kOperators = {
      {{"!=", Op::kNotEquals}, {"==", Op::kEquals}, {"=", Op::kEquals}}};
  for (size_t i = 0; i < term.size(); ++i) {
    for (const auto& [text, op] : kOperators) {
      if (term.substr(i).starts_with(text)) return SplitTerm{term.substr(0, i), term.substr(i + text.size()), op};
    }
  }
  return std::nullopt;
}

// Go's UnescapeValue: `\,` `\=` `\\` stand for the character; any other escape, a lone trailing
// backslash, or a bare ',' or '=' is an error.
Result<std::string> UnescapeValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ',' || c == '=') {
      return Fail(ErrorCode::kInvalidArgument, "invalid field selector: unescaped character in value: '" +
                                                   std::string(1, c) + "' (write it as '\\" + c + "')");
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid field selector: invalid escape sequence: \\ at the end of a value");
    }
    if (s[i] != '\\' && s[i] != ',' && s[i] != '=') {
      return Fail(ErrorCode::kInvalidArgument, "invalid field selector: invalid escape sequence: \\" +
                                                   Shown(s.substr(i, 1)) + " (only \\\\, \\, and \\= are allowed)");
    }
    out += s[i];
  }
  return out;
}

}  // namespace

Result<FieldSelector> FieldSelector::Parse(std::string_view text) {
  FieldSelector selector;
  if (text.empty()) return selector;
  // Sorted as Go sorts them, so the same term is reported first and RequiredValue picks the same.
  std::vector<std::string_view> parts = SplitTerms(text);
  std::ranges::sort(parts);
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    auto split = SplitAtOperator(part);
    if (!split) {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid selector: '" + Shown(text) + "'; can't understand '" + Shown(part) + "'");
    }
    auto value = UnescapeValue(split->value);
    if (!value) return std::unexpected(std::move(value.error()));
    // Go's Transform turns such a term ("=", "==", "!=") into Everything.
    if (split->key.empty() && value->empty()) continue;
    selector.terms_.push_back(FieldTerm{std::string(split->key), split->op, std::move(*value)});
  }
  return selector;
}

Result<void> FieldSelector::CheckKeys(const std::vector<std::string>& allowed) const {
  for (const auto& t : terms_) {
    if (std::ranges::find(allowed, t.key) != allowed.end()) continue;
    std::string message = Shown(t.key, true) + " is not a known field selector";
    for (size_t i = 0; i < allowed.size(); ++i) message += (i == 0 ? ": only " : ", ") + Shown(allowed[i], true);
    return Fail(ErrorCode::kInvalidArgument, std::move(message));
  }
  return {};
}

bool FieldSelector::Matches(const std::function<std::optional<std::string>(std::string_view key)>& field) const {
  return std::ranges::all_of(terms_, [&](const FieldTerm& t) {
    bool equal = field(t.key).value_or("") == t.value;
    return equal == (t.op == Op::kEquals);
  });
}

std::optional<std::string> FieldSelector::RequiredValue(std::string_view key) const {
  for (const auto& t : terms_) {
    if (t.op == Op::kEquals && t.key == key) return t.value;
  }
  return std::nullopt;
}

}  // namespace kubeiam::kubeapi
