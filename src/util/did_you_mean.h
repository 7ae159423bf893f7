// "Did you mean": the known word closest to a mistyped one, for config keys, subcommands and
// flags. Close means within an edit distance of about a third of the word (at least 1, at most
// 3; a swap of two neighbours counts as one edit), compared without case, or a known word that
// begins with the mistyped one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubeiam {

std::optional<std::string> DidYouMean(std::string_view typed, const std::vector<std::string>& known);

// " (did you mean X?)" or "".
std::string DidYouMeanSuffix(std::string_view typed, const std::vector<std::string>& known);

}  // namespace kubeiam
