#include "util/did_you_mean.h"

#include <algorithm>

#include "util/strings.h"

namespace kubeiam {
namespace {

// Optimal string alignment distance: insertions, deletions, substitutions, neighbour swaps.
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> DidYouMean(std::string_view typed, const std::vector<std::string>& known) {
  if (typed.empty() || typed.size() > 64) return std::nullopt;
  std::string lower = ToLower(typed);
  size_t limit = std::clamp<size_t>(typed.size() / 3, 1, 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& k : known) {
    if (k.size() > 64) continue;
    std::string candidate = ToLower(k);
    size_t d = Distance(lower, candidate);
    if (d == 0) return k;
    if (d < best_distance) best = k, best_distance = d;
  }
  if (best) return best;
  if (typed.size() >= 3) {
    for (const auto& k : known) {
      if (ToLower(k).starts_with(lower)) return k;
    }
  }
  return std::nullopt;
}

std::string DidYouMeanSuffix(std::string_view typed, const std::vector<std::string>& known) {
  auto m = DidYouMean(typed, known);
  return m ? " (did you mean " + *m + "?)" : "";
}

}  // namespace kubeiam
