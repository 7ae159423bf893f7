// A cluster's access entries as one immutable value: what a snapshot holds and what the mapper
// and the policy authorizer read. Built once, never changed; a change builds a new set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "eks/access_entry.h"
#include "eks/entry_list.h"

namespace kubeiam::eks {

class AccessEntries {
 public:
  AccessEntries() = default;
  // Entries keep their order; a later entry for the same principal (any case) replaces an earlier
  // one. From an EntryList the entries are shared, not copied.
  explicit AccessEntries(const EntryList& entries);
  explicit AccessEntries(std::vector<AccessEntry> entries) : AccessEntries(EntryList(std::move(entries))) {}

  // By principal ARN as stored (case-insensitive), or null.
  const AccessEntry* Find(std::string_view principal_arn) const;
  const EntryList& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  EntryList entries_;
  std::map<std::string, size_t> by_arn_;  // lower-case principal ARN -> index
};

// Reads an access-entries document, YAML or JSON: a list of entries, `{"accessEntries": [...]}`,
// or one `{"accessEntry": {...}}`. Each entry is shaped like `aws eks describe-access-entry`'s
// `accessEntry` (camelCase keys), optionally wrapped as `{"accessEntry": {...},
// "associatedAccessPolicies": [...]}`, with `associatedAccessPolicies` shaped like
// `aws eks list-associated-access-policies` output (policyArn or a policy name, accessScope).
// Every entry is validated as EKS would; the first problem refuses the whole document, named by
// file, entry and field.
Result<AccessEntries> ParseAccessEntries(std::string_view text, const std::string& file_name);
Result<AccessEntries> LoadAccessEntries(const std::string& path);

}  // namespace kubeiam::eks
