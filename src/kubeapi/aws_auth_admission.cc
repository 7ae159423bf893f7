#include "kubeapi/aws_auth_admission.h"

#include "identity/aws_auth_lint.h"
#include "kubeapi/api_errors.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// The ConfigMap as a manifest lint reads, each data value a literal block, with where each
// block's first line lands, so that findings point into the section the user wrote.
struct Rendered {
  std::string text;
  struct Section {
    int first_line;
    std::string key;
    std::vector<std::string> lines;
  };
  std::vector<Section> sections;
};

Rendered Render(const json::object* object) {
  Rendered r;
  r.text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\n";
  int line = 5;
  const json::value* data = object ? object->if_contains("data") : nullptr;
  if (!data || !data->is_object() || data->as_object().empty()) return r;
  r.text += "data:\n";
  ++line;
  for (const auto& [key, value] : data->as_object()) {
    if (!value.is_string()) continue;
    r.text += "  " + std::string(key) + ": |\n";
    ++line;
    Rendered::Section s{line + 1, std::string(key), {}};
    for (auto l : Split(value.as_string(), '\n')) s.lines.emplace_back(l);
    while (!s.lines.empty() && s.lines.back().empty()) s.lines.pop_back();
    for (const auto& l : s.lines) r.text += "    " + l + "\n";
    line += int(s.lines.size());
    r.sections.push_back(std::move(s));
  }
  return r;
}

FieldError Cause(const Rendered& r, const identity::LintFinding& f) {
  std::string detail = f.message + (f.fix.empty() ? "" : " (fix: " + f.fix + ")");
  for (auto it = r.sections.rbegin(); it != r.sections.rend(); ++it) {
    int n = f.line - it->first_line;
    if (f.line > 0 && n >= 0 && n < int(it->lines.size())) {
      return InvalidField("data." + it->key, GoQuote(Trim(it->lines[size_t(n)])), "line " + std::to_string(n + 1) + ": " + detail);
    }
  }
  return ForbiddenField("data", detail);
}

}  // namespace

std::optional<http::HttpResponse> CheckAwsAuth(const StoredKind& kind, std::string_view ns, std::string_view name,
                                               const json::object* object, const state::Snapshot& snap) {
  if (kind.kind != "ConfigMap" || ns != "kube-system" || name != "aws-auth") return std::nullopt;
  size_t other_admins = state::AdministratorsOutsideAwsAuth(snap);
  Rendered r = Render(object);
  FieldErrors errors;
  for (const auto& f : identity::LintAwsAuth(r.text, other_admins)) {
    if (f.error) errors.push_back(Cause(r, f));
  }
  if (errors.empty()) return std::nullopt;
  return Invalid(kind, "aws-auth", errors);
}

}  // namespace kubeiam::kubeapi
