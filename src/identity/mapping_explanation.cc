#include "identity/mapping_explanation.h"

#include "aws/arn.h"
#include "util/strings.h"

namespace kubeiam::identity {
namespace {

struct Parts {
  std::string partition, account, kind, name;  // kind: user, role, root, ...
};

// The parts of an IAM principal's ARN worth comparing; nullopt for what is not one.
std::optional<Parts> PartsOf(std::string_view arn) {
  auto parsed = aws::ParseArn(arn);
  if (!parsed) return std::nullopt;
  Parts p{parsed->partition, parsed->account, parsed->resource, ""};
  size_t slash = parsed->resource.find('/');
  if (slash != std::string::npos) {
    p.kind = parsed->resource.substr(0, slash);
    p.name = parsed->resource.substr(parsed->resource.rfind('/') + 1);
  }
  return p;
}

// Why two different principal ARNs differ, in the first part that does (names keep their case).
std::string WhyNot(const std::string& row_arn, const std::string& caller_arn) {
  auto r = PartsOf(row_arn), c = PartsOf(caller_arn);
  if (!r || !c) return "not an IAM ARN";
  if (ToLower(row_arn).starts_with("arn:" + r->partition + ":sts:")) {
    return "an sts assumed-role ARN never matches: name the role, arn:" + r->partition + ":iam::" + r->account + ":role/...";
  }
  if (r->partition != c->partition) return "partition " + r->partition + "; the caller's is " + c->partition;
  if (r->account != c->account) return "account " + r->account + "; the caller's is " + c->account;
  if (!EqualsIgnoreCase(r->kind, c->kind)) return "names a " + r->kind + "; the caller is a " + c->kind;
  return r->kind + " name " + r->name + "; the caller's is " + c->name;
}

// An ARN row against the caller, in the order the table looks: same ARN, path stripped, then
// why not.
RowComparison CompareArn(const std::string& label, const std::string& row_arn, const std::string& row_userid,
                         const Identity& id, MappingTable::Keying keying) {
  RowComparison out{label + " " + row_arn, false, ""};
  std::string row = ToLower(row_arn), caller = ToLower(id.canonical_arn);
  if (keying == MappingTable::Keying::kUserId) {
    out.matched = !row_userid.empty() && row_userid == id.user_id;
    out.why = out.matched ? "user ID " + row_userid + " is the caller's"
                          : "keyed on user ID " + row_userid + "; the caller's is " + id.user_id;
    return out;
  }
  auto stripped = aws::StripPath(row);
  bool same = row == caller || (stripped && *stripped == caller);
  if (same && keying == MappingTable::Keying::kArnAndUserId && !row_userid.empty() && !id.user_id.empty() &&
      row_userid != id.user_id) {
    out.why = "same ARN, but the principal ID recorded when the entry was created, " + row_userid +
              ", is not the caller's, " + id.user_id +
              ": the principal was deleted and created again under the same ARN (a recreated principal); delete the "
              "access entry and create it again";
    return out;
  }
  if (same) {
    out.matched = true;
    out.why = row == caller ? "same ARN"
                            : "same role once its path is removed (STS reports role ARNs without their path)";
    return out;
  }
  out.why = WhyNot(row_arn, id.canonical_arn);
  return out;
}

RowComparison CompareSso(const RoleMapping& m, const Identity& id) {
  const SsoMatcher& s = *m.sso;
  RowComparison out{"sso permission set " + s.permission_set_name + " in " + s.account_id, m.Matches(ToLower(id.canonical_arn)), ""};
  auto c = PartsOf(id.canonical_arn);
  std::string partition = s.partition.empty() ? "aws" : s.partition;
  std::string prefix = "AWSReservedSSO_" + s.permission_set_name + "_";
  if (out.matched) {
    out.why = "the caller's role name starts with " + prefix + " (IAM Identity Center's role for the permission set)";
  } else if (!c || !EqualsIgnoreCase(c->kind, "role")) {
    out.why = "matches IAM Identity Center roles only; the caller is not a role";
  } else if (c->partition != partition || c->account != s.account_id) {
    out.why = "account " + s.account_id + " (" + partition + "); the caller's is " + c->account + " (" + c->partition + ")";
  } else {
    out.why = "the caller's role name " + c->name + " does not start with " + prefix;
  }
  return out;
}

// Whether a row is about the caller's account or name: those are listed, the rest counted.
bool Related(const std::string& row_arn, const Identity& id) {
  auto r = PartsOf(row_arn), c = PartsOf(id.canonical_arn);
  return !r || !c || r->account == c->account || EqualsIgnoreCase(r->name, c->name);
}

// What a matching row gives, before templates are rendered.
std::string Gives(const std::string& username, const std::vector<std::string>& groups) {
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : " ") + g;
  return "username " + username + ", groups [" + list + "]";
}

BackendExplanation Compare(const Backend& b, const Identity& id) {
  BackendExplanation out{b.name, {}, 0};
  const MappingTable& t = *b.table;
  bool entries = t.keying() == MappingTable::Keying::kArnAndUserId;
  auto add = [&](RowComparison row, bool related) {
    if (related || row.matched) {
      out.rows.push_back(std::move(row));
    } else {
      ++out.other_rows;
    }
  };
  for (const auto& r : t.roles_in_order()) {
    RowComparison row = r.sso ? CompareSso(r, id) : CompareArn(entries ? "access entry" : "role", r.rolearn, r.userid, id, t.keying());
    if (row.matched) row.gives = Gives(r.username, r.groups);
    add(std::move(row), r.sso ? r.sso->account_id == id.account_id : Related(r.rolearn, id));
  }
  for (const auto& u : t.users_in_order()) {
    RowComparison row = CompareArn(entries ? "access entry" : "user", u.userarn, u.userid, id, t.keying());
    if (row.matched) row.gives = Gives(u.username, u.groups);
    add(std::move(row), Related(u.userarn, id));
  }
  if (t.IsAccountAllowed(id.account_id)) {
    out.rows.push_back({"account " + id.account_id, true, "every principal of the account is allowed (mapAccounts): "
                                                           "username is the ARN, no groups"});
  }
  return out;
}

std::string DescribeCanonical(const Identity& id) {
  if (id.type == aws::PrincipalType::kAssumedRole) {
    return id.arn + " is session \"" + id.session_name + "\" of the role " + id.canonical_arn +
           "; mappings name the role (STS reports it without its path)";
  }
  return id.canonical_arn;
}

}  // namespace

MappingExplanation ExplainMapping(const std::vector<Backend>& chain, const Identity& id, const PrivateDnsLookup& lookup,
                                  const Result<UserInfo>* answer) {
  MappingExplanation out;
  out.canonical = DescribeCanonical(id);
  out.result = answer ? *answer : MapIdentity(chain, id, lookup);
  for (const auto& b : chain) {
    if (!b.table) continue;
    out.backends.push_back(Compare(b, id));
    if (out.result && out.result->backend == b.name) break;  // later backends were not asked
  }
  return out;
}

}  // namespace kubeiam::identity
