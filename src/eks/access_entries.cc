#include "eks/access_entries.h"

#include <boost/json/parse.hpp>

#include "util/file.h"
#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::eks {

AccessEntries::AccessEntries(const EntryList& entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string key = ToLower(entries[i].principal_arn);
    if (auto it = by_arn_.find(key); it != by_arn_.end()) {
      entries_.Set(it->second, entries.node(i));
    } else {
      by_arn_.emplace(std::move(key), entries_.size());
      entries_.push_back(entries.node(i));
    }
  }
}

const AccessEntry* AccessEntries::Find(std::string_view principal_arn) const {
  auto it = by_arn_.find(ToLower(principal_arn));
  return it == by_arn_.end() ? nullptr : &entries_[it->second];
}

namespace {

template <typename View>
Result<std::vector<std::string>> StringList(const View& v, const std::string& field) {
  std::vector<std::string> out;
  if (v.IsNull()) return out;
  if (!v.IsSeq()) return Fail(ErrorCode::kInvalidArgument, field + ": must be a list of strings");
  for (size_t i = 0; i < v.Size(); ++i) {
    if (!v.At(i).IsScalar()) return Fail(ErrorCode::kInvalidArgument, field + "[" + std::to_string(i) + "]: must be a string");
    out.push_back(v.At(i).Scalar());
  }
  return out;
}

template <typename View>
Result<TimePoint> Time(const View& v, const std::string& field, TimePoint fallback) {
  if (v.IsNull()) return fallback;
  std::string s = v.Scalar();
  if (!s.empty() && s.find_first_not_of("0123456789.eE+") == std::string::npos) {
    char* end = nullptr;
    double seconds = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size() && seconds >= 0 && seconds < 1e11) {
      return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    }
  }
  auto t = ParseRfc3339(s);
  if (!t) return Fail(ErrorCode::kInvalidArgument, field + ": not a time (ISO 8601 or epoch seconds): " + s);
  return *t;
}

template <typename View>
Result<AccessEntry> Entry(const View& item, const std::string& file, const std::string& where) {
  // "FILE:LINE:COLUMN: [i]: field: rule", at the value at fault or else the entry.
  auto fail = [&](const View& at, const std::string& message) {
    TextPosition position = at.IsNull() ? item.Position() : at.Position();
    return Fail(ErrorCode::kInvalidArgument, position.In(file) + ": " + where + ": " + message);
  };
  if (!item.IsMap()) return fail(item, "must be an object");
  View e = item.Get("accessEntry").IsMap() ? item.Get("accessEntry") : item;
  NewAccessEntry req;
  req.principal_arn = e.Get("principalArn").Scalar();
  req.type = e.Get("type").Scalar();
  auto groups = StringList(e.Get("kubernetesGroups"), "kubernetesGroups");
  if (!groups) return fail(e.Get("kubernetesGroups"), groups.error().message);
  bool standard = req.type.empty() || req.type == "STANDARD" || req.type == "EC2";
  if (standard) {
    req.kubernetes_groups = *groups;
    req.username = e.Get("username").Scalar();
  }
  e.Get("tags").ForEachScalarPair([&](const std::string& k, const std::string& v) { req.tags[k] = v; });
  ClusterInfo cluster{e.Get("clusterName").Scalar(), "", "us-east-1", "aws"};
  auto made = MakeAccessEntry(req, cluster, "", TimePoint{});
  if (!made) return fail(e.Get("principalArn"), made.error().type + ": " + made.error().message);
  AccessEntry out = std::move(*made);
  if (!standard) {
    // Node entries carry EKS-managed groups and usernames; a described entry may show them.
    if (!groups->empty()) out.kubernetes_groups = *groups;
    if (std::string u = e.Get("username").Scalar(); !u.empty()) out.username = u;
  }
  if (std::string arn = e.Get("accessEntryArn").Scalar(); !arn.empty()) out.access_entry_arn = arn;
  out.principal_id = e.Get("principalId").Scalar();
  auto created = Time(e.Get("createdAt"), "createdAt", TimePoint{});
  if (!created) return fail(e.Get("createdAt"), created.error().message);
  auto modified = Time(e.Get("modifiedAt"), "modifiedAt", *created);
  if (!modified) return fail(e.Get("modifiedAt"), modified.error().message);
  out.created_at = *created;
  out.modified_at = *modified;
  View policies = item.Get("associatedAccessPolicies");
  if (policies.IsNull()) policies = e.Get("associatedAccessPolicies");
  if (!policies.IsNull() && !policies.IsSeq()) return fail(policies, "associatedAccessPolicies: must be a list");
  for (size_t i = 0; i < policies.Size(); ++i) {
    std::string field = "associatedAccessPolicies[" + std::to_string(i) + "]";
    View p = policies.At(i);
    std::string arn = p.Get("policyArn").Scalar();
    if (arn.empty()) return fail(p, field + ".policyArn: required");
    if (!arn.starts_with("arn:")) {
      const AccessPolicy* named = FindPolicy(arn);
      if (!named) return fail(p.Get("policyArn"), field + ".policyArn: " + arn + " is not an access policy");
      arn = named->Arn();
    }
    AccessScope scope;
    View s = p.Get("accessScope");
    if (!s.IsNull()) {
      scope.type = s.Get("type").Scalar();
      auto namespaces = StringList(s.Get("namespaces"), field + ".accessScope.namespaces");
      if (!namespaces) return fail(s.Get("namespaces"), namespaces.error().message);
      scope.namespaces = *namespaces;
    }
    auto associated = Time(p.Get("associatedAt"), field + ".associatedAt", out.created_at);
    if (!associated) return fail(p.Get("associatedAt"), associated.error().message);
    auto with = AssociatePolicy(std::move(out), arn, scope, "aws", *associated);
    if (!with) return fail(s.IsNull() ? p : s, field + ": " + with.error().type + ": " + with.error().message);
    out = std::move(*with);
  }
  return out;
}

template <typename View>
Result<AccessEntries> Document(const View& doc, const std::string& file_name) {
  View list = doc;
  std::string field = "";
  if (doc.IsMap() && doc.Get("accessEntries").IsSeq()) {
    list = doc.Get("accessEntries");
    field = "accessEntries";
  } else if (doc.IsMap()) {
    auto one = Entry(doc, file_name, "accessEntry");
    if (!one) return std::unexpected(one.error());
    return AccessEntries({std::move(*one)});
  } else if (doc.IsNull()) {
    return AccessEntries();
  } else if (!doc.IsSeq()) {
    return Fail(ErrorCode::kInvalidArgument,
                doc.Position().In(file_name) + ": must be a list of access entries or {\"accessEntries\": [...]}");
  }
  std::vector<AccessEntry> entries;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < list.Size(); ++i) {
    std::string where = field + "[" + std::to_string(i) + "]";
    auto e = Entry(list.At(i), file_name, where);
    if (!e) return std::unexpected(e.error());
    if (auto [it, fresh] = seen.emplace(ToLower(e->principal_arn), i); !fresh) {
      return Fail(ErrorCode::kInvalidArgument, list.At(i).Get("principalArn").Position().In(file_name) + ": " + where +
                                                   ": principalArn " + e->principal_arn + " already has an entry at [" +
                                                   std::to_string(it->second) + "] (one entry per principal)");
    }
    entries.push_back(std::move(*e));
  }
  return AccessEntries(std::move(entries));
}

}  // namespace

Result<AccessEntries> ParseAccessEntries(std::string_view text, const std::string& file_name) {
  if (auto ok = ValidateUtf8(text, file_name); !ok) return std::unexpected(ok.error());
  size_t first = text.find_first_not_of(" \t\r\n");
  bool json_like = first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
  if (json_like) {
    boost::system::error_code ec;
    boost::json::parse_options opts;
    opts.max_depth = 32;
    boost::json::value v = boost::json::parse(text, ec, {}, opts);
    // Boost.JSON keeps no positions: a formatted file at fault is read again as YAML (JSON is
    // YAML) for an error with its line and column.
    if (!ec) {
      auto entries = Document(JsonView(&v), file_name);
      if (entries || text.find('\n') == std::string_view::npos) return entries;
      try {
        // The same error, or none: duplicate keys read differently must not change the message.
        auto positioned = Document(YamlView(YAML::Load(std::string(text))), file_name);
        if (!positioned && WithoutPosition(positioned.error().message, file_name) == entries.error().message) return positioned;
      } catch (const YAML::Exception&) {
        // yaml-cpp differs from strict JSON on rare input: the error without a position.
      }
      return entries;
    }
  }
  if (text.find("\n---") != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, file_name + ": one YAML document expected (a list of access entries)");
  }
  try {
    return Document(YamlView(YAML::Load(std::string(text))), file_name);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(e.mark).In(file_name) + ": not valid YAML or JSON: " + e.msg);
  }
}

Result<AccessEntries> LoadAccessEntries(const std::string& path) {
  auto text = ReadFile(path, 64u << 20);
  if (!text) return std::unexpected(text.error());
  return ParseAccessEntries(*text, path);
}

}  // namespace kubeiam::eks
