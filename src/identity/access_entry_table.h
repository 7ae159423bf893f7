// Access entries as a mapping source (spec/eks-access.md §2.3, §4.1): each entry's principal
// maps to its username and groups. Role entries keep their path and still match the path-less
// role ARN STS reports; an entry that records the principal's unique ID matches only that ID.
#pragma once

#include "eks/access_entries.h"
#include "identity/mapping_table.h"

namespace kubeiam::identity {

MappingTable BuildAccessEntryTable(const eks::AccessEntries& entries);

}  // namespace kubeiam::identity
