#include "identity/access_entry_table.h"

namespace kubeiam::identity {

MappingTable BuildAccessEntryTable(const eks::AccessEntries& entries) {
  MappingTable table(MappingTable::Keying::kArnAndUserId);
  for (const auto& e : entries.entries()) {
    if (e.principal_arn.find(":role/") != std::string::npos) {
      table.AddRole({e.principal_arn, std::nullopt, e.username, e.kubernetes_groups, e.principal_id});
    } else {
      table.AddUser({e.principal_arn, e.username, e.kubernetes_groups, e.principal_id});
    }
  }
  return table;
}

}  // namespace kubeiam::identity
