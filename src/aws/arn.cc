#include "aws/arn.h"

#include "aws/partitions.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

std::unexpected<Error> Invalid(std::string_view arn, std::string_view why) {
  return Fail(ErrorCode::kInvalidArgument, "arn '" + std::string(arn) + "' is invalid: '" + std::string(why) + "'");
}

// Splits into at most six sections (the last keeps its ':').
std::vector<std::string_view> Sections(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (out.size() < 5) {
    size_t pos = s.find(':', start);
    if (pos == std::string_view::npos) break;
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

Result<Arn> ParseSections(std::string_view text) {
  if (!text.starts_with("arn:")) return Fail(ErrorCode::kInvalidArgument, "arn: invalid prefix");
  auto s = Sections(text);
  if (s.size() < 6) return Fail(ErrorCode::kInvalidArgument, "arn: not enough sections");
  return Arn{std::string(s[1]), std::string(s[2]), std::string(s[3]), std::string(s[4]), std::string(s[5])};
}

Result<Arn> ParseIdentityArn(std::string_view text) {
  auto a = ParseSections(text);
  if (!a) return Invalid(text, a.error().message);
  if (!FindPartition(a->partition)) {
    return Fail(ErrorCode::kInvalidArgument, "arn '" + std::string(text) + "' does not have a recognized partition");
  }
  return a;
}

}  // namespace

std::string Arn::ToString() const {
  return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
}

Result<Arn> ParseArn(std::string_view text) { return ParseSections(text); }

Result<Principal> Canonicalize(std::string_view text) {
  auto a = ParseIdentityArn(text);
  if (!a) return std::unexpected(a.error());
  auto parts = Split(a->resource, '/');
  std::string_view type = parts[0];
  if (a->service == "sts") {
    if (type == "federated-user") return Principal{PrincipalType::kFederatedUser, std::string(text)};
    if (type == "assumed-role") {
      if (parts.size() < 3) {
        return Fail(ErrorCode::kInvalidArgument, "assumed-role arn '" + std::string(text) + "' does not have a role");
      }
      std::string role;
      for (size_t i = 1; i + 1 < parts.size(); ++i) {
        if (i > 1) role += '/';
        role += parts[i];
      }
      return Principal{PrincipalType::kAssumedRole,
                       "arn:" + a->partition + ":iam::" + a->account + ":role/" + role};
    }
    return Fail(ErrorCode::kInvalidArgument, "unrecognized resource " + a->resource + " for service sts");
  }
  if (a->service == "iam") {
    if (type == "role") return Principal{PrincipalType::kRole, std::string(text)};
    if (type == "user") return Principal{PrincipalType::kUser, std::string(text)};
    if (type == "root") return Principal{PrincipalType::kRoot, std::string(text)};
    return Fail(ErrorCode::kInvalidArgument, "unrecognized resource " + a->resource + " for service iam");
  }
  return Fail(ErrorCode::kInvalidArgument,
              "service " + a->service + " in arn " + std::string(text) + " is not a valid service for identities");
}

Result<std::string> StripPath(std::string_view text) {
  auto a = ParseIdentityArn(text);
  if (!a) return std::unexpected(a.error());
  auto parts = Split(a->resource, '/');
  if (parts[0] != "role" || parts.size() <= 2) return std::string(text);
  return "arn:" + a->partition + ":iam::" + a->account + ":role/" + std::string(parts.back());
}

bool GlobMatch(std::string_view text, std::string_view pattern) {
  // Classic two-pointer wildcard match with backtracking to the last '*': O(n*m) worst case
  // for adversarial patterns but no recursion and no regex compilation.
  size_t t = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<bool> ArnLike(std::string_view arn, std::string_view pattern) {
  if (!arn.starts_with("arn:")) return Fail(ErrorCode::kInvalidArgument, "could not parse input arn: invalid prefix");
  auto a = Sections(arn);
  if (a.size() < 6) return Fail(ErrorCode::kInvalidArgument, "could not parse input arn: not enough sections");
  if (!pattern.starts_with("arn:")) {
    return Fail(ErrorCode::kInvalidArgument, "could not parse ArnLike string: invalid prefix");
  }
  auto p = Sections(pattern);
  if (p.size() < 6) return Fail(ErrorCode::kInvalidArgument, "could not parse ArnLike string: not enough sections");
  for (size_t i = 0; i < 6; ++i) {
    if (!GlobMatch(a[i], p[i])) return false;
  }
  return true;
}

}  // namespace kubeiam::aws
