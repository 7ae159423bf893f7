// The DynamicFile backend's JSON document (spec/authenticator.md §3.8). A file with any entry
// lacking its key is rejected whole; the previous mappings stay in force.
#pragma once

#include <optional>
#include <string>

#include "identity/mapping_table.h"
#include "util/time.h"

namespace kubeiam::identity {

struct DynamicFile {
  MappingTable table;
  std::optional<TimePoint> last_updated;  // LastUpdatedDateTime, Unix seconds
};

// strict: entries are keyed by userid (and must still name the same principal when they carry
// an ARN); otherwise by canonical ARN.
Result<DynamicFile> ParseDynamicFile(std::string_view json, bool strict);

}  // namespace kubeiam::identity
