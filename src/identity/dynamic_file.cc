#include "identity/dynamic_file.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "aws/arn.h"
#include "util/strings.h"
#include "util/json_text.h"

namespace kubeiam::identity {
namespace {

namespace json = boost::json;

// Keys are matched without regard to case, as the reference's decoder does.
const json::value* Get(const json::object& o, std::string_view key) {
  for (const auto& kv : o) {
    if (EqualsIgnoreCase(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = Get(o, key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

std::vector<std::string> Strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = Get(o, key);
  if (v && v->is_array()) {
    for (const auto& x : v->as_array()) {
      if (x.is_string()) out.emplace_back(x.as_string().c_str());
    }
  }
  return out;
}

const json::array* Array(const json::object& o, std::string_view key) {
  const json::value* v = Get(o, key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

// Non-strict keys are canonical ARNs; an ARN that does not parse keys nothing useful.
std::string CanonicalOrEmpty(const std::string& arn) {
  auto c = aws::Canonicalize(ToLower(arn));
  return c ? c->canonical_arn : std::string();
}

}  // namespace

Result<DynamicFile> ParseDynamicFile(std::string_view text, bool strict) {
  auto parsed = ParseJsonText(text);
  if (!parsed) return Fail(ErrorCode::kInvalidArgument, "error parsing dynamic file: " + parsed.error().message);
  json::value doc = std::move(*parsed);
  if (!doc.is_object()) return Fail(ErrorCode::kInvalidArgument, "error parsing dynamic file: expected a JSON object");
  const auto& o = doc.as_object();
  DynamicFile out{MappingTable(strict ? MappingTable::Keying::kUserId : MappingTable::Keying::kArn), std::nullopt};
  if (const json::array* roles = Array(o, "mapRoles")) {
    for (const auto& v : *roles) {
      if (!v.is_object()) return Fail(ErrorCode::kInvalidArgument, "error parsing dynamic file: mapRoles entries must be objects");
      const auto& e = v.as_object();
      RoleMapping r{Str(e, "rolearn"), std::nullopt, Str(e, "username"), Strings(e, "groups"), Str(e, "userid")};
      if ((strict && r.userid.empty()) || (!strict && r.rolearn.empty())) {
        return Fail(ErrorCode::kInvalidArgument,
                    "error parsing dynamic file: [value for rolearn or userid(if dynamicfileUserIDStrict = true) must "
                    "be supplied]");
      }
      if (!strict) r.rolearn = CanonicalOrEmpty(r.rolearn);
      out.table.AddRole(std::move(r));
    }
  }
  if (const json::array* users = Array(o, "mapUsers")) {
    for (const auto& v : *users) {
      if (!v.is_object()) return Fail(ErrorCode::kInvalidArgument, "error parsing dynamic file: mapUsers entries must be objects");
      const auto& e = v.as_object();
      UserMapping u{Str(e, "userarn"), Str(e, "username"), Strings(e, "groups"), Str(e, "userid")};
      if ((strict && u.userid.empty()) || (!strict && u.userarn.empty())) {
        return Fail(ErrorCode::kInvalidArgument,
                    "error parsing dynamic file: [value for userarn or userid(if dynamicfileUserIDStrict = true) must "
                    "be supplied]");
      }
      if (!strict) u.userarn = CanonicalOrEmpty(u.userarn);
      out.table.AddUser(std::move(u));
    }
  }
  for (auto& a : Strings(o, "mapAccounts")) out.table.AddAccount(std::move(a));
  std::string updated = Str(o, "LastUpdatedDateTime");
  int64_t secs = 0;
  if (!updated.empty()) {
    auto [p, ec2] = std::from_chars(updated.data(), updated.data() + updated.size(), secs);
    if (ec2 == std::errc() && p == updated.data() + updated.size()) out.last_updated = TimePoint(std::chrono::seconds(secs));
  }
  return out;
}

}  // namespace kubeiam::identity
