#include "util/table.h"

#include <algorithm>

namespace kubeiam {
namespace {

constexpr size_t kGap = 3;
constexpr size_t kMinColumn = 8;

// The longest prefix of `s` that shows in `width` characters, plus "…" when cut.
std::string Cut(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width) return s;
  size_t shown = 0, i = 0;
  while (i < s.size() && shown + 1 < width) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    ++shown;
  }
  return s.substr(0, i) + "\u2026";
}

}  // namespace

size_t DisplayWidth(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t max_width) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()));
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], DisplayWidth(r[i]));
  }
  if (max_width > 0 && !width.empty()) {
    auto total = [&] {
      size_t t = kGap * (width.size() - 1);
      for (size_t w : width) t += w;
      return t;
    };
    while (total() > max_width) {
      auto widest = std::max_element(width.begin(), width.end());
      if (*widest <= kMinColumn) break;
      *widest -= std::min(*widest - kMinColumn, total() - max_width);
    }
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = Cut(r[i], width[i]);
      line += cell;
      if (i + 1 < r.size()) line += std::string(width[i] - DisplayWidth(cell) + kGap, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace kubeiam
