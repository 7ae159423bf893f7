#include "kubeapi/label_selector.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

namespace kubeiam::kubeapi {
namespace {

using Op = LabelRequirement::Op;

// A hostile selector can be a megabyte long; an error echoes only the first ~100 bytes of it.
constexpr size_t kMaxShown = 100;

// Printable ASCII as is, anything else as \xNN, so a message is safe to log and to put in JSON.
std::string Shown(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  for (; i < s.size() && out.size() < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (i < s.size()) out += "...";
  return out;
}

std::unexpected<Error> ParseError(std::string_view reason) {
  return Fail(ErrorCode::kInvalidArgument, "unable to parse requirement: " + std::string(reason));
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?: the shape shared by label names and label values.
bool IsQualifiedShape(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::ranges::all_of(s, [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Dot-separated RFC 1123 labels, each [a-z0-9-] starting and ending alphanumeric.
bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (size_t start = 0;;) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) return false;
    if (!std::ranges::all_of(label, [](char c) { return IsLowerAlnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Why `key` is not a label key (validation.IsQualifiedName), or nothing if it is one.
std::optional<std::string> LabelKeyProblem(std::string_view key) {
  std::string_view name = key;
  if (size_t slash = key.find('/'); slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) return "a label key has at most one '/'";
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (prefix.size() > 253) return "prefix part must be no more than 253 characters";
    if (!IsDns1123Subdomain(prefix)) {
      return "prefix part must be a lowercase RFC 1123 subdomain: alphanumerics, '-' and '.', each "
             "dot-separated part starting and ending with an alphanumeric (e.g. 'example.com')";
    }
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!IsQualifiedShape(name)) {
    return "name part must consist of alphanumerics, '-', '_' or '.', and must start and end with an "
           "alphanumeric";
  }
  return std::nullopt;
}

// Why `value` is not a label value (validation.IsValidLabelValue), or nothing if it is one.
std::optional<std::string> LabelValueProblem(std::string_view value) {
  if (value.size() > 63) return "must be no more than 63 characters";
  if (!value.empty() && !IsQualifiedShape(value)) {
    return "must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an "
           "alphanumeric";
  }
  return std::nullopt;
}

// As Go's strconv.ParseInt(s, 10, 64): an optional sign, decimal digits, within int64.
std::optional<int64_t> ParseInt64(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (digits.empty() || !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  if (s[0] == '+') s.remove_prefix(1);  // from_chars takes '-' but not '+'
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

enum class Tok { kEnd, kIdentifier, kIn, kNotIn, kOpenPar, kClosePar, kComma, kNot, kEquals, kDoubleEquals,
                 kNotEquals, kGreater, kLess };

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;  // into the selector
};

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsSpecial(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

// The lexer of labels.Parse, producing one token at a time so that a parse which fails early
// never tokenizes the rest of a long input.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Token Next() {
    while (pos_ < s_.size() && IsWhitespace(s_[pos_])) ++pos_;
    if (pos_ == s_.size()) return {Tok::kEnd, {}};
    size_t start = pos_;
    char c = s_[pos_++];
    if (IsSpecial(c)) {
      // Go's lexer takes the longest operator, and only "==" and "!=" are longer than a byte.
      if ((c == '=' || c == '!') && pos_ < s_.size() && s_[pos_] == '=') {
        ++pos_;
        return {c == '=' ? Tok::kDoubleEquals : Tok::kNotEquals, s_.substr(start, 2)};
      }
      static constexpr std::pair<char, Tok> kSingle[] = {{'=', Tok::kEquals},   {'!', Tok::kNot},
                                                         {'(', Tok::kOpenPar},  {')', Tok::kClosePar},
                                                         {',', Tok::kComma},    {'>', Tok::kGreater},
                                                         {'<', Tok::kLess}};
      Tok kind = std::ranges::find(kSingle, c, &std::pair<char, Tok>::first)->second;
      return {kind, s_.substr(start, 1)};
    }
    while (pos_ < s_.size() && !IsWhitespace(s_[pos_]) && !IsSpecial(s_[pos_])) ++pos_;
    std::string_view word = s_.substr(start, pos_ - start);
    if (word == "in") return {Tok::kIn, word};
    if (word == "notin") return {Tok::kNotIn, word};
    return {Tok::kIdentifier, word};
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Where a key or value may stand, "in" and "notin" are plain words (`in in (notin)` is valid).
bool IsWord(const Token& t) { return t.kind == Tok::kIdentifier || t.kind == Tok::kIn || t.kind == Tok::kNotIn; }

std::string Found(const Token& t) {
  return t.kind == Tok::kEnd ? "found end of string" : "found '" + Shown(t.text) + "'";
}

// labels.Parse's recursive descent, with one token of lookahead as in Go.
class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text), next_(lexer_.Next()) {}

  Result<std::vector<LabelRequirement>> Selector() {
    std::vector<LabelRequirement> requirements;
    if (next_.kind == Tok::kEnd) return requirements;
    for (;;) {
      if (!IsWord(next_) && next_.kind != Tok::kNot) {
        return ParseError(Found(next_) + ", expected: !, identifier, or end of string");
      }
      auto r = Requirement();
      if (!r) return std::unexpected(std::move(r.error()));
      requirements.push_back(std::move(*r));
      Token t = Take();
      if (t.kind == Tok::kEnd) return requirements;
      if (t.kind != Tok::kComma) return ParseError(Found(t) + ", expected: ',' or end of string");
      if (!IsWord(next_) && next_.kind != Tok::kNot) {
        return ParseError(Found(next_) + ", expected: identifier after ','");
      }
    }
  }

 private:
  Token Take() { return std::exchange(next_, lexer_.Next()); }

  Result<LabelRequirement> Requirement() {
    LabelRequirement r;
    Token t = Take();
    bool negated = t.kind == Tok::kNot;
    if (negated) t = Take();
    if (!IsWord(t)) return ParseError(Found(t) + ", expected: identifier");
    r.key = std::string(t.text);
    if (auto problem = LabelKeyProblem(r.key)) {
      return ParseError("invalid label key \"" + Shown(r.key) + "\": " + *problem);
    }
    // As in Go, `!key` ends the requirement whatever follows; the caller then rejects an operator.
    if (negated) {
      r.op = Op::kDoesNotExist;
      return r;
    }
    if (next_.kind == Tok::kEnd || next_.kind == Tok::kComma) {
      r.op = Op::kExists;
      return r;
    }
    auto op = Operator();
    if (!op) return std::unexpected(std::move(op.error()));
    r.op = *op;
    auto values = (r.op == Op::kIn || r.op == Op::kNotIn) ? SetValues() : ExactValue();
    if (!values) return std::unexpected(std::move(values.error()));
    r.values = std::move(*values);
    std::ranges::sort(r.values);
    r.values.erase(std::ranges::unique(r.values).begin(), r.values.end());
    if (auto checked = CheckValues(r); !checked) return std::unexpected(std::move(checked.error()));
    return r;
  }

  Result<Op> Operator() {
    Token t = Take();
    switch (t.kind) {
      case Tok::kIn: return Op::kIn;
      case Tok::kNotIn: return Op::kNotIn;
      case Tok::kEquals:
      case Tok::kDoubleEquals: return Op::kEquals;
      case Tok::kNotEquals: return Op::kNotEquals;
      case Tok::kGreater: return Op::kGreaterThan;
      case Tok::kLess: return Op::kLessThan;
      default: return ParseError(Found(t) + ", expected: in, notin, =, ==, !=, >, <");
    }
  }

  // The value after =, ==, !=, > or <; nothing before ',' or the end means the empty value.
  Result<std::vector<std::string>> ExactValue() {
    if (next_.kind == Tok::kEnd || next_.kind == Tok::kComma) return std::vector<std::string>{""};
    Token t = Take();
    if (!IsWord(t)) return ParseError(Found(t) + ", expected: identifier");
    return std::vector<std::string>{std::string(t.text)};
  }

  // "(" values ")" after in or notin. Go's parseIdentifiersList, empty items included: "(a,)"
  // is {"a", ""}. Unlike Go, "()" is refused rather than read as {""}.
  Result<std::vector<std::string>> SetValues() {
    Token open = Take();
    if (open.kind != Tok::kOpenPar) return ParseError(Found(open) + ", expected: '('");
    if (next_.kind == Tok::kClosePar) {  // `k in ()` is `k in ("")`, as the API server reads it
      Take();
      return std::vector<std::string>{""};
    }
    if (!IsWord(next_) && next_.kind != Tok::kComma) {
      return ParseError(Found(next_) + ", expected: ',', ')' or identifier");
    }
    std::vector<std::string> values;
    for (;;) {
      Token t = Take();
      if (IsWord(t)) {
        values.emplace_back(t.text);
        if (next_.kind == Tok::kClosePar) break;
        if (next_.kind != Tok::kComma) return ParseError(Found(next_) + ", expected: ',' or ')'");
      } else if (t.kind == Tok::kComma) {
        if (values.empty()) values.emplace_back();  // "(,"
        if (next_.kind == Tok::kClosePar) {
          values.emplace_back();  // ",)"
          break;
        }
        if (next_.kind == Tok::kComma) {
          Take();
          values.emplace_back();  // ",,"
        }
      } else {
        return ParseError(Found(t) + ", expected: ',' or identifier");
      }
    }
    Take();  // the ')' the loop stopped at
    return values;
  }

  // NewRequirement's checks on the values.
  static Result<void> CheckValues(const LabelRequirement& r) {
    for (const auto& v : r.values) {
      if (auto problem = LabelValueProblem(v)) {
        return ParseError("invalid label value \"" + Shown(v) + "\" for key \"" + Shown(r.key) + "\": " + *problem);
      }
    }
    if ((r.op == Op::kGreaterThan || r.op == Op::kLessThan) && !ParseInt64(r.values.front())) {
      return ParseError("for '>' and '<', the value must be an integer, not \"" + Shown(r.values.front()) + "\"");
    }
    return {};
  }

  Lexer lexer_;
  Token next_;
};

// A label as the object being matched holds it. kOther is a JSON value that is not a string.
struct Label {
  enum class State { kAbsent, kString, kOther } state = State::kAbsent;
  std::string_view value;
};

bool RequirementMatches(const LabelRequirement& r, Label label) {
  if (label.state == Label::State::kOther) return false;
  bool present = label.state == Label::State::kString;
  auto listed = [&] { return std::binary_search(r.values.begin(), r.values.end(), label.value, std::less<>()); };
  switch (r.op) {
    case Op::kEquals:
    case Op::kIn: return present && listed();
    case Op::kNotEquals:
    case Op::kNotIn: return !present || !listed();
    case Op::kExists: return present;
    case Op::kDoesNotExist: return !present;
    case Op::kGreaterThan:
    case Op::kLessThan: {
      if (!present || r.values.size() != 1) return false;
      auto have = ParseInt64(label.value);
      auto want = ParseInt64(r.values.front());
      if (!have || !want) return false;  // the API server's rule too: a non-integer label never compares
      return r.op == Op::kGreaterThan ? *have > *want : *have < *want;
    }
  }
  return false;
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(std::string_view text) {
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return ParseError("the selector has a NUL byte at offset " + std::to_string(nul));
  }
  auto requirements = Parser(text).Selector();
  if (!requirements) return std::unexpected(std::move(requirements.error()));
  std::ranges::stable_sort(*requirements, {}, &LabelRequirement::key);
  LabelSelector selector;
  selector.requirements_ = std::move(*requirements);
  return selector;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return std::ranges::all_of(requirements_, [&](const LabelRequirement& r) {
    auto it = labels.find(r.key);
    return RequirementMatches(r, it == labels.end() ? Label{} : Label{Label::State::kString, it->second});
  });
}

bool LabelSelector::Matches(const boost::json::object& metadata_labels) const {
  return std::ranges::all_of(requirements_, [&](const LabelRequirement& r) {
    auto it = metadata_labels.find(r.key);
    if (it == metadata_labels.end()) return RequirementMatches(r, Label{});
    const boost::json::string* s = it->value().if_string();
    if (!s) return RequirementMatches(r, Label{Label::State::kOther, {}});
    return RequirementMatches(r, Label{Label::State::kString, std::string_view(s->data(), s->size())});
  });
}

}  // namespace kubeiam::kubeapi
